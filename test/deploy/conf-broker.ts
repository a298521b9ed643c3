/**
 * A real Mosquitto with exactly the persistence lines a test gives it, for the broker-restart
 * investigation (broker-restart.test.ts). The shared test helper offers a few options; this one
 * takes raw mosquitto.conf lines (autosave_on_changes, queue_qos0_messages, …) and keeps the log
 * at "all" so a test can read what the broker restored.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MOSQUITTO_BIN } from '../helpers/mosquitto.js';
import { freePort, portAccepts } from '../helpers/ports.js';
import { type Lifecycle, lifecycle, StartError, spawnLogged, waitReady } from '../helpers/server-process.js';

export interface ConfBroker extends Lifecycle {
  readonly url: string;
  readonly dir: string;
  log(): Promise<string>;
}

export async function startConfBroker(lines: string[]): Promise<ConfBroker> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gaswatch-confbroker-'));
  const confFile = path.join(dir, 'mosquitto.conf');
  const logFile = path.join(dir, 'mosquitto.log');
  await mkdir(path.join(dir, 'data'));
  let port = 0;
  const launch = async () => {
    const conf = [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      ...(process.getuid?.() === 0 ? ['user root'] : []),
      `persistence_location ${dir}/data/`,
      `log_dest file ${logFile}`,
      'log_type error',
      'log_type warning',
      'log_type notice',
      'log_type information',
      ...lines,
    ];
    await writeFile(confFile, `${conf.join('\n')}\n`);
    const startedAt = (await readFile(logFile, 'utf8').catch(() => '')).length;
    const child = spawnLogged(MOSQUITTO_BIN, ['-c', confFile], logFile);
    await waitReady(`mosquitto on port ${port}`, child, logFile, async () => {
      const text = await readFile(logFile, 'utf8');
      return / running$/m.test(text.slice(startedAt)) && (await portAccepts(port));
    });
    return child;
  };
  const life = lifecycle('mosquitto', dir, launch);
  try {
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      try {
        await life.restart();
        break;
      } catch (err) {
        if (!(err instanceof StartError && err.addressInUse) || attempt >= 3) throw err;
      }
    }
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url: `mqtt://127.0.0.1:${port}`,
    dir,
    get running() {
      return life.running;
    },
    stop: () => life.stop(),
    stopForOutage: () => life.stopForOutage(),
    kill: () => life.kill(),
    restart: () => life.restart(),
    log: () => readFile(logFile, 'utf8'),
  };
}
