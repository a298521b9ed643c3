/**
 * Runs the real daemon against real servers: writes a config into a temp dir and starts the App
 * in-process (or as a child process, for SIGKILL tests).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { App } from '../../src/app.js';
import { createLogger, type Logger, silentLogger } from '../../src/util/logger.js';
import { trackChild } from './server-process.js';

export interface DaemonConfig {
  mqttUrl: string;
  influxUrl?: string | undefined;
  database?: string;
  profiles: unknown;
  sites: Record<string, unknown>;
  /** Extra top-level keys merged into gaswatch.yaml (deep merge of mqtt/influx/http/alarms). */
  main?: Record<string, Record<string, unknown> | unknown>;
}

export interface ConfigDir {
  dir: string;
  file: string;
  stateDir: string;
  writeProfiles(profiles: unknown): Promise<void>;
  writeSite(id: string, site: unknown): Promise<void>;
  cleanup(): Promise<void>;
}

export async function writeConfigDir(c: DaemonConfig): Promise<ConfigDir> {
  const dir = await mkdtemp(path.join(tmpdir(), 'gaswatch-cfg-'));
  const stateDir = path.join(dir, 'state');
  await mkdir(path.join(dir, 'sites'), { recursive: true });
  const extra = (c.main ?? {}) as Record<string, Record<string, unknown>>;
  const main = {
    ...extra,
    mqtt: { url: c.mqttUrl, clientId: `gaswatch-test-${path.basename(dir)}`, ...extra.mqtt },
    influx: c.influxUrl
      ? { url: c.influxUrl, database: c.database ?? 'gaswatch', flushInterval: '200ms', ...extra.influx }
      : { enabled: false, ...extra.influx },
    http: { listen: '127.0.0.1:0', ...extra.http },
    state: { dir: stateDir },
    alarms: { startupGrace: '1h', ...extra.alarms },
  };
  const file = path.join(dir, 'gaswatch.yaml');
  await writeFile(file, stringify(main));
  const cfg: ConfigDir = {
    dir,
    file,
    stateDir,
    writeProfiles: (p) => writeFile(path.join(dir, 'profiles.yaml'), stringify(p)),
    writeSite: (id, s) => writeFile(path.join(dir, 'sites', `${id}.yaml`), stringify(s)),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
  await cfg.writeProfiles(c.profiles);
  for (const [id, s] of Object.entries(c.sites)) await cfg.writeSite(id, s);
  return cfg;
}

export function testLogger(): Logger {
  return process.env.GASWATCH_TEST_LOGS ? createLogger({ level: 'debug', pretty: false }) : silentLogger();
}

export async function startApp(configFile: string, logger = testLogger()): Promise<App> {
  const app = new App({ configFile, logger });
  await app.start();
  return app;
}

const MAIN_JS = path.resolve(import.meta.dirname, '../../dist/src/main.js');

/**
 * The built daemon as a child process (needs `npm run build`). `nofile` lowers its open-file limit
 * (`ulimit -n` in a shell that then execs node, so the child pid is the daemon's).
 */
export function spawnDaemon(configFile: string, logFile?: string, opts: { nofile?: number } = {}): ChildProcess {
  const args = [MAIN_JS, 'run', '--config', configFile];
  const [command, argv] =
    opts.nofile === undefined
      ? [process.execPath, args]
      : ['/bin/bash', ['-c', `ulimit -n ${opts.nofile} && exec "$0" "$@"`, process.execPath, ...args]];
  const child = trackChild(
    spawn(command, argv, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, GASWATCH_LOG_FORMAT: 'json', GASWATCH_LOG_LEVEL: 'info' },
    }),
  );
  if (logFile) {
    const chunks: Buffer[] = [];
    child.stdout?.on('data', (b: Buffer) => chunks.push(b));
    child.stderr?.on('data', (b: Buffer) => chunks.push(b));
    child.on('exit', () => void writeFile(logFile, Buffer.concat(chunks)).catch(() => undefined));
  } else {
    child.stdout?.resume();
    child.stderr?.resume();
  }
  return child;
}
