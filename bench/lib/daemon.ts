/**
 * The daemon as the benchmarks run it: the built `gaswatch run` in a process of its own (so the
 * load publisher never shares its event loop), configured like the integration tests
 * (test/helpers/daemon.ts), with its HTTP port known so /readyz and /metrics can be read.
 * Peak memory and CPU time come from /proc, as `ps` would show them.
 */
import type { ChildProcess } from 'node:child_process';
import { copyFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import mqtt from 'mqtt';
import { type ConfigDir, type DaemonConfig, writeConfigDir } from '../../test/helpers/daemon.js';
import { freePort } from '../../test/helpers/ports.js';
import { hasExited, logTail, spawnLogged } from '../../test/helpers/server-process.js';
import { sleep } from '../../test/helpers/wait.js';

/** BENCH_DAEMON_MAIN runs another build of the daemon (a baseline checkout) under the same bench. */
const MAIN_JS = process.env.BENCH_DAEMON_MAIN ?? path.resolve(import.meta.dirname, '../../src/main.js');

export interface BenchDaemon {
  readonly child: ChildProcess;
  readonly cfg: ConfigDir;
  readonly httpUrl: string;
  readonly clientId: string;
  readonly logFile: string;
  /** Wall ms from spawn to the first /readyz 200. */
  readonly onlineMs: number;
  metrics(): Promise<Map<string, number>>;
  /** Peak and current resident set size and CPU seconds (user + system) so far. */
  usage(): Promise<{ peakRssMb: number; rssMb: number; cpuS: number }>;
  /** SIGTERM, wait for exit, then remove its persistent session from the broker and its config dir. */
  stop(): Promise<void>;
}

export interface StartOptions extends DaemonConfig {
  /** Extra node flags for the daemon (e.g. --cpu-prof); also read from BENCH_DAEMON_NODE_OPTIONS. */
  nodeArgs?: string[];
  readyTimeoutMs?: number;
}

export async function startDaemon(o: StartOptions): Promise<BenchDaemon> {
  const port = await freePort();
  const extra = (o.main ?? {}) as Record<string, Record<string, unknown>>;
  // The bench reads /metrics without a login (a deployment gives Prometheus a viewer's token instead).
  const http = { listen: `127.0.0.1:${port}`, open: ['healthz', 'readyz', 'metrics'], ...extra.http };
  const cfg = await writeConfigDir({ ...o, main: { ...extra, http } });
  const clientId = `gaswatch-test-${path.basename(cfg.dir)}`;
  const logFile = path.join(cfg.dir, 'daemon.log');
  const envArgs = (process.env.BENCH_DAEMON_NODE_OPTIONS ?? '').split(' ').filter(Boolean);
  const t0 = performance.now();
  const child = spawnLogged(
    process.execPath,
    [...envArgs, ...(o.nodeArgs ?? []), MAIN_JS, 'run', '--config', cfg.file],
    logFile,
    { env: { GASWATCH_LOG_FORMAT: 'json', GASWATCH_LOG_LEVEL: 'info' }, cwd: cfg.dir },
  );
  const httpUrl = `http://127.0.0.1:${port}`;
  const deadline = t0 + (o.readyTimeoutMs ?? 120_000);
  for (;;) {
    if (hasExited(child)) throw new Error(`the daemon exited during start:\n${await logTail(logFile)}`);
    const ok = await fetch(`${httpUrl}/readyz`, { signal: AbortSignal.timeout(2000) })
      .then((r) => r.status === 200)
      .catch(() => false);
    if (ok) break;
    if (performance.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the daemon was not ready in time:\n${await logTail(logFile)}`);
    }
    await sleep(20);
  }
  const onlineMs = performance.now() - t0;
  const pid = child.pid as number;
  return {
    child,
    cfg,
    httpUrl,
    clientId,
    logFile,
    onlineMs,
    metrics: () => readMetrics(httpUrl),
    usage: () => procUsage(pid),
    async stop() {
      if (!hasExited(child)) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, sleep(30_000)]);
        if (!hasExited(child)) child.kill('SIGKILL');
      }
      await dropSession(o.mqttUrl, clientId);
      // BENCH_KEEP_LOGS=DIR keeps each daemon's log (its output, --trace-gc included) for a look.
      const keep = process.env.BENCH_KEEP_LOGS;
      if (keep) await copyFile(logFile, path.join(keep, `daemon-${path.basename(cfg.dir)}.log`)).catch(() => undefined);
      await cfg.cleanup();
    },
  };
}

/** Prometheus text → `name{labels}` → value (only the samples the benchmarks read). */
export async function readMetrics(httpUrl: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${httpUrl}/metrics`)).text();
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('gaswatch_')) continue;
    const sp = line.lastIndexOf(' ');
    out.set(line.slice(0, sp), Number(line.slice(sp + 1)));
  }
  return out;
}

export async function procUsage(pid: number): Promise<{ peakRssMb: number; rssMb: number; cpuS: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  const stat = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? [];
  // Fields 14 and 15 (utime, stime) in clock ticks; after ") " the list starts at field 3.
  const ticks = Number(stat[11]) + Number(stat[12]);
  return { peakRssMb: kb('VmHWM') / 1024, rssMb: kb('VmRSS') / 1024, cpuS: ticks / 100 };
}

/**
 * The daemon keeps a persistent session that never expires: left on the broker it would go on
 * queueing every later run's messages. A clean start with its client id ends it.
 */
async function dropSession(url: string, clientId: string): Promise<void> {
  const c = await mqtt.connectAsync(url, { clientId, clean: true, protocolVersion: 5, reconnectPeriod: 0 });
  await c.endAsync();
}
