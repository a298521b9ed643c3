import type { ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { portAccepts } from './ports.js';
import { type Lifecycle, lifecycle, spawnLogged, startOnFreePorts, waitReady } from './server-process.js';

export const MOSQUITTO_BIN = process.env['MOSQUITTO_BIN'] ?? '/usr/sbin/mosquitto';

export interface MosquittoOptions {
  /** Keep sessions, queued messages and retained messages on disk across restart(). Default false. */
  persistence?: boolean;
  /** Seconds between persistence autosaves (mosquitto default 1800); lower it to survive kill(). */
  autosaveInterval?: number;
  /**
   * Per-client queue of QoS 1/2 messages beyond those in flight. 0 = no maximum (mosquitto.conf(5)).
   * Default 0: the broker default of 1000 silently drops QoS 1 messages for an offline or slow
   * persistent session during bursts, which would make loss tests measure the broker, not us.
   */
  maxQueued?: number;
  /** Outgoing QoS 1/2 messages in flight per client; 0 = no maximum. Default 1000 (broker default 20). */
  maxInflight?: number;
  /** Publish $SYS every second when true (or every N seconds); default off to keep topics quiet. */
  sys?: boolean | number;
  /** A TLS listener (the URL becomes mqtts://): PEM files; `requireCertificate` asks clients for one. */
  tls?: { cafile: string; certfile: string; keyfile: string; requireCertificate?: boolean };
}

/** A test server; start/stop/restart as in `Lifecycle` (server-process.ts). */
export interface Mosquitto extends Lifecycle {
  readonly url: string;
  readonly port: number;
  /** Temp dir holding mosquitto.conf, mosquitto.log and the persistence data. */
  readonly dir: string;
  readonly logFile: string;
  /** The broker log so far, for assertions and failure messages. */
  log(): Promise<string>;
  readonly running: boolean;
}

function config(dir: string, port: number, opts: MosquittoOptions): string {
  const sys = opts.sys === true ? 1 : opts.sys === false || opts.sys === undefined ? 0 : opts.sys;
  const lines = [
    `listener ${port} 127.0.0.1`,
    ...(opts.tls
      ? [
          `cafile ${opts.tls.cafile}`,
          `certfile ${opts.tls.certfile}`,
          `keyfile ${opts.tls.keyfile}`,
          `require_certificate ${opts.tls.requireCertificate ? 'true' : 'false'}`,
        ]
      : []),
    'allow_anonymous true',
    // As root mosquitto drops to the "mosquitto" user, which cannot write our 0700 temp dir.
    ...(process.getuid?.() === 0 ? ['user root'] : []),
    `persistence ${opts.persistence ? 'true' : 'false'}`,
    `persistence_location ${path.join(dir, 'data')}/`,
    ...(opts.autosaveInterval === undefined ? [] : [`autosave_interval ${opts.autosaveInterval}`]),
    `max_queued_messages ${opts.maxQueued ?? 0}`,
    `max_inflight_messages ${opts.maxInflight ?? 1000}`,
    `sys_interval ${sys}`,
    'set_tcp_nodelay true',
    `log_dest file ${path.join(dir, 'mosquitto.log')}`,
    'log_type error',
    'log_type warning',
    'log_type notice',
    'log_type information',
    'log_timestamp_format %H:%M:%S',
  ];
  return lines.join('\n') + '\n';
}

export async function startMosquitto(opts: MosquittoOptions = {}): Promise<Mosquitto> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gaswatch-mosquitto-'));
  const confFile = path.join(dir, 'mosquitto.conf');
  const logFile = path.join(dir, 'mosquitto.log');
  await mkdir(path.join(dir, 'data'));
  let port = 0;

  const launch = async (): Promise<ChildProcess> => {
    await writeFile(confFile, config(dir, port, opts));
    const startedAt = (await readFile(logFile, 'utf8').catch(() => '')).length;
    const child = spawnLogged(MOSQUITTO_BIN, ['-c', confFile], logFile);
    // The port alone could be answered by a foreign process; the "running" line is ours.
    await waitReady(`mosquitto on port ${port}`, child, logFile, async () => {
      const text = await readFile(logFile, 'utf8');
      return / running$/m.test(text.slice(startedAt)) && (await portAccepts(port));
    });
    return child;
  };
  const life = lifecycle('mosquitto', dir, launch);

  await startOnFreePorts(dir, 1, async ([p]) => {
    port = p as number;
    await life.restart();
  });

  return {
    url: `${opts.tls ? 'mqtts' : 'mqtt'}://127.0.0.1:${port}`,
    port,
    dir,
    logFile,
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
