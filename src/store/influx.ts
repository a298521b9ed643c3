/**
 * InfluxDB 1.x adapter on npm `influx` 5.12 (`@influxdata/influxdb-client` cannot talk to 1.6.7).
 * The package's `InfluxDB` creates the database; its `Pool` carries the writes, whose body is
 * encoded by `line-protocol.ts`. The pool's own host-disabling and retries are turned off: the
 * store owns retry and backoff, and a host the pool had quietly disabled would answer "No host
 * available" for seconds after InfluxDB came back.
 *
 * Failures are classified (SPEC §5):
 * - network errors, timeouts, 5xx, 401/403/429 → transient: the points are handed back to be
 *   spooled and retried with backoff; a bad password must not destroy data;
 * - 404 "database not found" → the database is created and the write tried once more;
 * - 400/413/422 → some points are bad (type conflict, unparsable, beyond retention, too large):
 *   the batch is split in halves until each bad point stands alone, the good ones are written and
 *   the bad ones returned for quarantine, so one bad point never blocks or loops the rest.
 *   InfluxDB writes the good points of a failed request anyway ("partial write"); writing them
 *   again while splitting is harmless, a point with the same series and time overwrites itself.
 */
import { InfluxDB } from 'influx';
import { Pool } from 'influx/lib/src/pool.js';
import type { Logger } from '../util/logger.js';
import { encodePoint } from './line-protocol.js';
import type { Point } from './port.js';

export type FailureKind = 'transient' | 'bad' | 'no-database';

export interface QuarantineItem {
  point: Point;
  error: string;
}

export interface WriteResult {
  /** Points InfluxDB accepted. */
  written: number;
  /** Points InfluxDB refused as bad, with its reason. */
  quarantined: QuarantineItem[];
  /** Points not written because InfluxDB became unreachable; the caller spools them. */
  unwritten: Point[];
  /** The transient error behind `unwritten`. */
  error: Error | undefined;
  /** HTTP requests that failed and were followed by another (split or database creation). */
  retries: number;
}

export interface InfluxWriterOptions {
  url: string;
  database: string;
  username?: string | undefined;
  password?: string | undefined;
  /** Per HTTP request. */
  requestTimeoutMs: number;
  /** CA of InfluxDB's certificate for https:// (influx.tls.ca); default the system CAs. */
  ca?: Buffer | undefined;
  logger: Logger;
}

/** Points and their encoded lines, side by side (no object per point on the hot path). */
interface Lines {
  points: Point[];
  lines: string[];
}

function slice(l: Lines, from: number, to?: number): Lines {
  return { points: l.points.slice(from, to), lines: l.lines.slice(from, to) };
}

function statusOf(err: unknown): number | undefined {
  const res = (err as { res?: { statusCode?: unknown } } | null)?.res;
  return typeof res?.statusCode === 'number' ? res.statusCode : undefined;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function classifyError(err: unknown): FailureKind {
  const status = statusOf(err);
  if (status === undefined) return 'transient';
  if (status === 404 && /database not found/i.test(messageOf(err))) return 'no-database';
  if (status === 400 || status === 413 || status === 422) return 'bad';
  return 'transient';
}

/**
 * True when the error says every point of the request was refused, so splitting it further would
 * only cost requests: a partial write whose `dropped=N` is the whole request and no parse error
 * (unparsable lines are not counted in `dropped`).
 */
function allRefused(err: unknown, n: number): boolean {
  const msg = messageOf(err);
  if (/unable to parse/.test(msg)) return false;
  const m = /dropped=(\d+)/.exec(msg);
  return m !== null && Number(m[1]) === n;
}

/** A backoff that never takes the one host out of the pool; see the header. */
const keepHost = {
  getDelay: () => 0,
  next() {
    return keepHost;
  },
  reset() {
    return keepHost;
  },
};

export class InfluxWriter {
  private readonly pool: Pool;
  private readonly admin: InfluxDB;
  private readonly auth: string | undefined;
  private readonly database: string;
  private readonly log: Logger;

  constructor(opts: InfluxWriterOptions) {
    const url = new URL(opts.url);
    const username = opts.username ?? (url.username ? decodeURIComponent(url.username) : undefined);
    const password = opts.password ?? (url.password ? decodeURIComponent(url.password) : undefined);
    const protocol = url.protocol === 'https:' ? 'https' : 'http';
    const port = url.port ? Number(url.port) : protocol === 'https' ? 443 : 8086;
    const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
    const poolOptions = { maxRetries: 0, requestTimeout: opts.requestTimeoutMs, backoff: keepHost };
    this.pool = new Pool(poolOptions);
    const hostOptions = opts.ca ? { ca: opts.ca } : {};
    this.pool.addHost(`${protocol}://${url.hostname}:${port}${path}`, hostOptions);
    this.admin = new InfluxDB({
      host: url.hostname,
      port,
      protocol,
      path,
      options: hostOptions,
      database: opts.database,
      pool: poolOptions,
      ...(username === undefined ? {} : { username, password: password ?? '' }),
    });
    this.auth = username === undefined ? undefined : `${username}:${password ?? ''}`;
    this.database = opts.database;
    this.log = opts.logger;
  }

  /**
   * Succeeds when InfluxDB answers, the credentials are good and the database exists (created if
   * missing): an empty write checks all three in one request. Throws otherwise.
   */
  async probe(timeoutMs: number): Promise<void> {
    const [host] = await this.pool.ping(timeoutMs, '/ping', this.auth);
    if (!host?.online) throw new Error('InfluxDB does not answer /ping');
    try {
      await this.post('');
    } catch (err) {
      if (classifyError(err) !== 'no-database') throw err;
      await this.ensureDatabase();
      await this.post('');
    }
  }

  async ensureDatabase(): Promise<void> {
    // CREATE DATABASE is idempotent in 1.x.
    await this.admin.createDatabase(this.database);
    this.log.info({ database: this.database }, 'InfluxDB database ensured');
  }

  async write(points: Point[]): Promise<WriteResult> {
    const result: WriteResult = { written: 0, quarantined: [], unwritten: [], error: undefined, retries: 0 };
    const batch: Lines = { points: [], lines: [] };
    for (const point of points) {
      const e = encodePoint(point);
      if (e.ok) {
        batch.points.push(point);
        batch.lines.push(e.line);
      } else result.quarantined.push({ point, error: e.reason });
    }
    if (batch.lines.length > 0) await this.writeSplit(batch, result, true);
    return result;
  }

  private post(body: string): Promise<void> {
    return this.pool.discard({
      method: 'POST',
      path: '/write',
      query: { db: this.database, precision: 'ms' },
      body,
      ...(this.auth === undefined ? {} : { auth: this.auth }),
    });
  }

  private async writeSplit(batch: Lines, result: WriteResult, mayCreateDb: boolean): Promise<void> {
    const n = batch.lines.length;
    let err: unknown;
    try {
      await this.post(batch.lines.join('\n'));
      result.written += n;
      return;
    } catch (e) {
      err = e;
    }
    const kind = classifyError(err);
    if (kind === 'no-database' && mayCreateDb) {
      result.retries++;
      try {
        await this.ensureDatabase();
      } catch (e) {
        return this.giveBack(batch, result, e);
      }
      return this.writeSplit(batch, result, false);
    }
    if (kind !== 'bad') return this.giveBack(batch, result, err);
    if (n === 1 || allRefused(err, n)) {
      const error = messageOf(err);
      for (const point of batch.points) result.quarantined.push({ point, error });
      return;
    }
    result.retries++;
    const half = Math.ceil(n / 2);
    await this.writeSplit(slice(batch, 0, half), result, mayCreateDb);
    // Once InfluxDB has gone away the rest is spooled untried rather than timing out again.
    if (result.error) return this.giveBack(slice(batch, half), result, result.error);
    await this.writeSplit(slice(batch, half), result, mayCreateDb);
  }

  private giveBack(batch: Lines, result: WriteResult, err: unknown): void {
    for (const p of batch.points) result.unwritten.push(p);
    result.error = err instanceof Error ? err : new Error(String(err));
  }
}
