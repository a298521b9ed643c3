import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { type Lifecycle, lifecycle, spawnLogged, startOnFreePorts, waitReady } from './server-process.js';

export const INFLUXD_BIN = process.env['INFLUXD_BIN'] ?? '/usr/bin/influxd';

export type Row = Record<string, unknown>;

/** A test server; start/stop/restart as in `Lifecycle` (server-process.ts). */
export interface Influxd extends Lifecycle {
  readonly url: string;
  readonly port: number;
  /** The RPC (backup/restore) port; bound by influxd, so it must be free too. */
  readonly rpcPort: number;
  /** Temp dir holding influxd.conf, influxd.log, meta, data and wal. */
  readonly dir: string;
  readonly logFile: string;
  /** Runs InfluxQL; rows are objects keyed by column, with `tags` of grouped series merged in. */
  query(influxql: string, db?: string): Promise<Row[]>;
  /** Points in a measurement: count(field), or the largest per-field count(*) when no field is given. */
  count(db: string, measurement: string, field?: string): Promise<number>;
  createDatabase(db: string): Promise<void>;
  /** Writes line protocol with millisecond timestamps (as gaswatch does). */
  write(db: string, lines: string | string[]): Promise<void>;
}

function config(dir: string, port: number, rpcPort: number, auth: boolean, https?: InfluxdOptions['https']): string {
  return `reporting-disabled = true
bind-address = "127.0.0.1:${rpcPort}"

[meta]
  dir = "${dir}/meta"
  logging-enabled = false

[data]
  dir = "${dir}/data"
  wal-dir = "${dir}/wal"
  query-log-enabled = false

[monitor]
  store-enabled = false

[subscriber]
  enabled = false

[continuous_queries]
  log-enabled = false

[http]
  enabled = true
  bind-address = "127.0.0.1:${port}"
  auth-enabled = ${auth}
  log-enabled = false
  suppress-write-log = true
  unix-socket-enabled = false
${https ? `  https-enabled = true\n  https-certificate = "${https.certificate}"\n  https-private-key = "${https.privateKey}"\n` : ''}
[logging]
  level = "warn"
  suppress-logo = true
`;
}

interface QueryResponse {
  results?: Array<{
    error?: string;
    series?: Array<{ name: string; tags?: Record<string, string>; columns: string[]; values: unknown[][] }>;
  }>;
  error?: string;
}

export interface InfluxdOptions {
  /** Turn on authentication with this admin user (created at first start); the helpers use it. */
  admin?: { username: string; password: string };
  /** Serve HTTPS with these PEM files; the helpers trust `ca`. */
  https?: { certificate: string; privateKey: string; ca: string };
}

/** fetch, or node:https trusting a private CA (fetch cannot be given one). */
async function call(
  url: string,
  init: { method?: string; body?: string | URLSearchParams; timeoutMs?: number },
  ca: Buffer | undefined,
): Promise<{ status: number; ok: boolean; text(): Promise<string>; json(): Promise<unknown> }> {
  if (!url.startsWith('https:')) {
    const res = await fetch(url, {
      method: init.method ?? 'GET',
      ...(init.body !== undefined ? { body: init.body } : {}),
      ...(init.timeoutMs ? { signal: AbortSignal.timeout(init.timeoutMs) } : {}),
    });
    return res;
  }
  const body = init.body === undefined ? undefined : String(init.body);
  const form = init.body instanceof URLSearchParams;
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method: init.method ?? 'GET',
        ca,
        timeout: init.timeoutMs ?? 10_000,
        headers: form ? { 'content-type': 'application/x-www-form-urlencoded' } : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          resolve({
            status,
            ok: status >= 200 && status < 300,
            text: async () => text,
            json: async () => JSON.parse(text),
          });
        });
      },
    );
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end(body);
  });
}

export async function startInfluxd(opts: InfluxdOptions = {}): Promise<Influxd> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gaswatch-influxd-'));
  const confFile = path.join(dir, 'influxd.conf');
  const logFile = path.join(dir, 'influxd.log');
  let port = 0;
  let rpcPort = 0;

  const scheme = opts.https ? 'https' : 'http';
  const ca = opts.https ? await readFile(opts.https.ca) : undefined;
  const ping = async (): Promise<boolean> => {
    const res = await call(`${scheme}://127.0.0.1:${port}/ping`, { timeoutMs: 1000 }, ca);
    return res.status === 204;
  };

  const launch = async (): Promise<ChildProcess> => {
    await writeFile(confFile, config(dir, port, rpcPort, opts.admin !== undefined, opts.https));
    const child = spawnLogged(INFLUXD_BIN, ['run', '-config', confFile], logFile);
    await waitReady(`influxd on port ${port}`, child, logFile, ping, 30_000);
    return child;
  };
  const life = lifecycle('influxd', dir, launch);

  await startOnFreePorts(dir, 2, async (ports) => {
    [port, rpcPort] = ports as [number, number];
    await life.restart();
  });

  const url = `${scheme}://127.0.0.1:${port}`;

  const credentials: Record<string, string> = opts.admin ? { u: opts.admin.username, p: opts.admin.password } : {};

  const query = async (influxql: string, db?: string): Promise<Row[]> => {
    const body = new URLSearchParams({ q: influxql, epoch: 'ms' });
    if (db !== undefined) body.set('db', db);
    // InfluxDB 1.6 reads credentials from the query string only.
    const res = await call(`${url}/query?${new URLSearchParams(credentials)}`, { method: 'POST', body }, ca);
    const json = (await res.json()) as QueryResponse;
    const error = json.error ?? json.results?.find((r) => r.error)?.error;
    if (!res.ok || error) throw new Error(`influx query failed (${res.status}): ${error ?? 'no detail'}: ${influxql}`);
    const rows: Row[] = [];
    for (const result of json.results ?? []) {
      for (const series of result.series ?? []) {
        for (const values of series.values) {
          const row: Row = { ...series.tags };
          series.columns.forEach((column, i) => {
            row[column] = values[i];
          });
          rows.push(row);
        }
      }
    }
    return rows;
  };

  if (opts.admin) {
    // With auth on and no users yet, InfluxDB accepts exactly this one statement unauthenticated.
    const q = `CREATE USER "${opts.admin.username}" WITH PASSWORD '${opts.admin.password}' WITH ALL PRIVILEGES`;
    const res = await call(`${url}/query`, { method: 'POST', body: new URLSearchParams({ q }) }, ca);
    if (!res.ok) throw new Error(`creating the InfluxDB admin failed (${res.status}): ${await res.text()}`);
  }

  return {
    url,
    port,
    rpcPort,
    dir,
    logFile,
    get running() {
      return life.running;
    },
    stop: () => life.stop(),
    stopForOutage: () => life.stopForOutage(),
    kill: () => life.kill(),
    restart: () => life.restart(),
    query,
    async count(db, measurement, field) {
      const what = field === undefined ? 'count(*)' : `count("${field}")`;
      const rows = await query(`SELECT ${what} FROM "${measurement}"`, db);
      let max = 0;
      for (const row of rows) {
        for (const [key, value] of Object.entries(row)) {
          if (key.startsWith('count') && typeof value === 'number') max = Math.max(max, value);
        }
      }
      return max;
    },
    async createDatabase(db) {
      await query(`CREATE DATABASE "${db}"`);
    },
    async write(db, lines) {
      const body = Array.isArray(lines) ? lines.join('\n') : lines;
      const params = new URLSearchParams({ db, precision: 'ms', ...credentials });
      const res = await call(`${url}/write?${params}`, { method: 'POST', body }, ca);
      if (res.status !== 204) throw new Error(`influx write failed (${res.status}): ${await res.text()}`);
    },
  };
}
