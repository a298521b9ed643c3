/**
 * The store: InfluxDB writer + disk spool behind one `WritePort` (SPEC §5, issue "Nothing lost").
 *
 * `write()` joins the open batch (group commit, see group-commit.ts) and returns its promise. A
 * commit goes to InfluxDB while it is reachable, else — or on a transient failure — to the spool
 * with one fsync; every promise of the batch resolves once its points are durable, and only then
 * does ingest ack the MQTT messages. A commit rejects only when neither InfluxDB nor the disk took
 * the points. Bad points go to quarantine (influx.ts), the replayer drains the spool when InfluxDB
 * is back (replayer.ts). `enabled: false` (no InfluxDB) keeps the bounded spool alone.
 *
 * Metrics: `stats()` gives counters and gauges for prom-client; `onCommit` is called after every
 * commit with its size, target and latency — feed `ms` to a histogram for the write latency
 * (`waitedMs` adds the time the oldest point sat in the open batch: the ack delay is the sum).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { MainConfig } from '../config/schema.js';
import { type Clock, settledWithin } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { GroupCommit } from './group-commit.js';
import { InfluxWriter, type WriteResult } from './influx.js';
import type { Point, StoreStats, WritePort } from './port.js';
import { Quarantine } from './quarantine.js';
import { Replayer } from './replayer.js';
import { classOf, Spool } from './spool.js';

export interface StoreTuning {
  /** Per HTTP request to InfluxDB. */
  requestTimeoutMs: number;
  /** /ping timeout of a reachability probe. */
  probeTimeoutMs: number;
  /** Backoff between probes and replay attempts: initial, doubling up to max, with jitter. */
  retryInitialMs: number;
  retryMaxMs: number;
  /** How long stop() gives InfluxDB before the rest goes to the spool. */
  stopTimeoutMs: number;
  segmentBytes: number | undefined;
  quarantineMaxBytes: number;
  /** Commits in flight at once (see group-commit.ts). */
  commitConcurrency: number;
}

const DEFAULT_TUNING: StoreTuning = {
  requestTimeoutMs: 10_000,
  probeTimeoutMs: 2_000,
  retryInitialMs: 500,
  retryMaxMs: 5_000,
  stopTimeoutMs: 5_000,
  segmentBytes: undefined,
  quarantineMaxBytes: 64 * 1024 * 1024,
  commitConcurrency: 2,
};

export interface CommitInfo {
  points: number;
  target: 'influx' | 'spool' | 'failed';
  /** From the batch leaving memory to its points being durable. */
  ms: number;
  /** How long the oldest point waited in the open batch before that. */
  waitedMs: number;
}

export interface StoreMetrics extends StoreStats {
  /** Torn or corrupt spool lines skipped (a `kill -9` mid-append; never acknowledged points). */
  torn: number;
  /** Points written to InfluxDB from the spool (included in `written`). */
  replayed: number;
  /** Points accepted by write() and not yet durable. */
  pending: number;
}

export interface Store extends WritePort {
  stats(): StoreMetrics;
  /** Points accepted and not yet durable (cheap: for a check on every message). */
  pending(): number;
  /** Start committing the open batch now instead of at `flushInterval` (the stream went idle). */
  commitNow(): void;
  /** Resolves once everything accepted so far is durable (InfluxDB or spool), without waiting for a replay. */
  durable(): Promise<void>;
}

export interface StoreOptions {
  influx: MainConfig['influx'];
  /** PEM of influx.tls.ca, read by the config loader. */
  influxCa?: Buffer | undefined;
  stateDir: string;
  clock: Clock;
  logger: Logger;
  tuning?: Partial<StoreTuning> | undefined;
  onCommit?: ((c: CommitInfo) => void) | undefined;
}

export function createStore(opts: StoreOptions): Store {
  return new BatchingStore(opts);
}

class BatchingStore implements Store {
  private readonly t: StoreTuning;
  private readonly log: Logger;
  private readonly spool: Spool;
  private readonly quarantine: Quarantine;
  private readonly writer: InfluxWriter | undefined;
  private readonly replayer: Replayer | undefined;
  private readonly batches: GroupCommit;
  private state: 'new' | 'started' | 'stopping' | 'stopped' = 'new';
  private stopping: Promise<void> | undefined;
  private counts = { written: 0, replayed: 0, retries: 0 };

  constructor(private readonly o: StoreOptions) {
    this.t = { ...DEFAULT_TUNING, ...o.tuning };
    // The composition root binds `module: 'store'`; binding it again would repeat the key.
    this.log = o.logger;
    const now = () => o.clock.now();
    this.batches = new GroupCommit({
      clock: o.clock,
      batchSize: o.influx.batchSize,
      flushInterval: o.influx.flushInterval,
      concurrency: this.t.commitConcurrency,
      commit: (points, since) => this.commit(points, since),
    });
    this.spool = new Spool({
      dir: path.join(o.stateDir, 'spool'),
      maxBytes: o.influx.spoolMaxBytes,
      segmentBytes: this.t.segmentBytes,
      logger: this.log,
      now,
    });
    this.quarantine = new Quarantine({
      file: path.join(o.stateDir, 'quarantine.jsonl'),
      maxBytes: this.t.quarantineMaxBytes,
      logger: this.log,
      now,
    });
    if (o.influx.enabled) {
      this.writer = new InfluxWriter({
        url: o.influx.url,
        database: o.influx.database,
        username: o.influx.username,
        password: o.influx.password,
        ca: o.influxCa,
        requestTimeoutMs: this.t.requestTimeoutMs,
        logger: this.log,
      });
      this.replayer = new Replayer({
        writer: this.writer,
        spool: this.spool,
        quarantine: this.quarantine,
        clock: o.clock,
        logger: this.log,
        batchSize: o.influx.batchSize,
        concurrency: this.t.commitConcurrency,
        probeTimeoutMs: this.t.probeTimeoutMs,
        retryInitialMs: this.t.retryInitialMs,
        retryMaxMs: this.t.retryMaxMs,
        account: (res, replay) => this.account(res, replay),
      });
    }
  }

  async start(): Promise<void> {
    if (this.state !== 'new') throw new Error(`store already ${this.state}`);
    await mkdir(this.o.stateDir, { recursive: true });
    await this.spool.open();
    this.state = 'started';
    if (this.replayer) await this.replayer.start();
    else this.log.info('InfluxDB disabled: points are kept in the bounded spool only');
  }

  write(points: Point[]): Promise<void> {
    if (this.state !== 'started') return Promise.reject(new Error(`store is ${this.state}, not accepting points`));
    if (points.length === 0) return Promise.resolve();
    const done = this.batches.add(points);
    // An alarm event does not wait out the flush interval behind telemetry: its batch goes now
    // (with whatever telemetry is in it). Busy commits still merge what queues behind them.
    if (points.some((p) => classOf(p) === 'event')) this.batches.cut();
    return done;
  }

  commitNow(): void {
    if (this.state === 'started') this.batches.cut();
  }

  pending(): number {
    return this.batches.pending;
  }

  async durable(): Promise<void> {
    this.batches.cut();
    await this.batches.drain();
  }

  async flush(): Promise<void> {
    this.batches.cut();
    await this.batches.drain();
    const r = this.replayer;
    while (r && this.state === 'started' && r.connected && this.spool.segmentCount > 0) await r.progress();
  }

  stop(): Promise<void> {
    if (this.state === 'new' || this.state === 'stopped') {
      this.state = 'stopped';
      return Promise.resolve();
    }
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  stats(): StoreMetrics {
    return {
      written: this.counts.written,
      spoolBytes: this.spool.bytes,
      spoolSegments: this.spool.segmentCount,
      dropped: this.spool.dropped,
      quarantined: this.quarantine.count,
      retries: this.counts.retries,
      connected: this.replayer?.connected ?? false,
      torn: this.spool.torn,
      replayed: this.counts.replayed,
      pending: this.batches.pending,
    };
  }

  private async shutdown(): Promise<void> {
    this.state = 'stopping';
    this.batches.cut();
    const replayerStopped = this.replayer?.stop(this.t.stopTimeoutMs);
    if (!(await settledWithin(this.o.clock, this.batches.drain(), this.t.stopTimeoutMs))) {
      // InfluxDB took too long: what is still in flight goes to the spool too. If the request
      // completes after all, those points are stored twice with the same series and time: once.
      const left = this.batches.takeUnsettled();
      this.log.warn({ points: left.points.length }, 'InfluxDB did not answer in time on stop; spooling the rest');
      try {
        await this.spool.append(left.points);
        left.settle();
      } catch (err) {
        left.settle(err);
      }
    }
    await replayerStopped;
    await this.spool.close();
    await this.quarantine.close();
    this.state = 'stopped';
  }

  private async commit(points: Point[], since: number): Promise<void> {
    const start = this.o.clock.now();
    let target: CommitInfo['target'] = 'spool';
    try {
      if (this.writer && this.replayer?.connected) {
        const res = await this.writer.write(points);
        this.account(res, false);
        await this.quarantine.append(res.quarantined);
        if (res.unwritten.length > 0) {
          this.replayer.down(res.error);
          await this.toSpool(res.unwritten);
        } else {
          target = 'influx';
          if (res.written > 0) this.replayer.wrote();
        }
      } else {
        await this.toSpool(points);
      }
    } catch (err) {
      target = 'failed';
      // After a stop timeout shutdown() has spooled these already; this is the late loser.
      if (this.state !== 'stopped')
        this.log.error({ err, points: points.length }, 'points neither written nor spooled');
      throw err;
    } finally {
      this.hook({ points: points.length, target, ms: this.o.clock.now() - start, waitedMs: start - since });
    }
  }

  private hook(c: CommitInfo): void {
    try {
      this.o.onCommit?.(c);
    } catch (err) {
      this.log.warn({ err }, 'onCommit hook threw');
    }
  }

  private async toSpool(points: Point[]): Promise<void> {
    await this.spool.append(points);
    this.replayer?.spooled();
  }

  private account(res: WriteResult, replay: boolean): void {
    this.counts.written += res.written;
    if (replay) this.counts.replayed += res.written;
    this.counts.retries += res.retries + (res.unwritten.length > 0 ? 1 : 0);
  }
}
