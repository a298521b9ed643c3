/**
 * Knows whether InfluxDB is reachable and drains the spool into it (SPEC §5).
 *
 * One background loop: while InfluxDB is down it probes with exponential backoff and jitter (so a
 * fleet of daemons does not hammer a recovering server in step); once up, it replays the spool
 * oldest segment first, a batch at a time, while live batches keep going straight to InfluxDB —
 * InfluxDB orders a series by timestamp itself, so interleaving old and new is harmless. A replay
 * cut short by a new outage resumes where it stopped.
 */
import type { Clock, Timer } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import type { InfluxWriter, WriteResult } from './influx.js';
import type { Point } from './port.js';
import type { Quarantine } from './quarantine.js';
import type { Segment, Spool } from './spool.js';

export interface ReplayerOptions {
  writer: InfluxWriter;
  spool: Spool;
  quarantine: Quarantine;
  clock: Clock;
  logger: Logger;
  batchSize: number;
  /** Replay batches in flight at once. */
  concurrency: number;
  probeTimeoutMs: number;
  retryInitialMs: number;
  retryMaxMs: number;
  /** Counts what InfluxDB took or refused, replayed or live alike. */
  account(res: WriteResult, replay: boolean): void;
}

interface Sleeper {
  wake(byData: boolean): void;
}

export class Replayer {
  private up = false;
  private running = false;
  private attempt = 0;
  private loop: Promise<void> | undefined;
  private sleeper: Sleeper | undefined;
  private progressWaiters: Array<() => void> = [];

  constructor(private readonly o: ReplayerOptions) {}

  get connected(): boolean {
    return this.up;
  }

  /** Probes once (so a healthy start writes straight through), then runs the loop in the background. */
  async start(): Promise<void> {
    this.running = true;
    try {
      await this.o.writer.probe(this.o.probeTimeoutMs);
      this.setUp(true);
    } catch (err) {
      this.o.logger.warn(
        { err: (err as Error).message },
        'InfluxDB not reachable at start; points go to the spool until it is',
      );
    }
    this.loop = this.run();
  }

  /** Stops the loop; a replay batch in flight is waited for up to `timeoutMs`. */
  async stop(timeoutMs: number): Promise<void> {
    this.running = false;
    this.sleeper?.wake(false);
    this.signalProgress();
    if (!this.loop) return;
    let timer: Timer | undefined;
    await Promise.race([this.loop, new Promise<void>((r) => (timer = this.o.clock.setTimeout(r, timeoutMs)))]);
    timer?.cancel();
  }

  /** A live write failed for a transient reason. */
  down(err: unknown): void {
    this.setUp(false, err);
  }

  /**
   * A write with points succeeded. Only this resets the backoff: a server that answers probes but
   * fails every write (disk full: 500) would otherwise be retried at the initial delay forever.
   */
  wrote(): void {
    this.attempt = 0;
  }

  /** Points were appended to the spool: an idle loop has work. */
  spooled(): void {
    this.sleeper?.wake(true);
  }

  /** Resolves at the next replay step or change of reachability. */
  progress(): Promise<void> {
    return new Promise((resolve) => this.progressWaiters.push(resolve));
  }

  private setUp(up: boolean, err?: unknown): void {
    if (this.up === up) return;
    this.up = up;
    if (up) {
      this.o.logger.info({ spoolBytes: this.o.spool.bytes }, 'InfluxDB reachable');
    } else {
      this.o.logger.warn({ err }, 'InfluxDB unreachable: points go to the spool');
    }
    this.signalProgress();
  }

  private signalProgress(): void {
    const waiters = this.progressWaiters;
    this.progressWaiters = [];
    for (const w of waiters) w();
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        if (!this.up) {
          try {
            await this.o.writer.probe(this.o.probeTimeoutMs);
            this.setUp(true);
          } catch (err) {
            this.o.logger.debug({ err, attempt: this.attempt }, 'InfluxDB probe failed');
            await this.sleep(this.backoff(), false);
          }
          continue;
        }
        if (this.o.spool.segmentCount === 0) {
          await this.sleep(undefined, true);
          continue;
        }
        if (!(await this.replayOne())) await this.sleep(this.backoff(), false);
      } catch (err) {
        // Disk trouble reading the spool: log, back off, try again; never end the loop.
        this.o.logger.error({ err }, 'spool replay failed');
        await this.sleep(this.backoff(), false);
      }
    }
  }

  /** Replays the oldest segment; true when it is all in InfluxDB (or quarantined) and deleted. */
  private async replayOne(): Promise<boolean> {
    const seg: Segment | undefined = await this.o.spool.checkout();
    if (!seg) return true;
    let done = false;
    try {
      const points = await this.o.spool.read(seg);
      let i = 0;
      while (i < points.length && this.running && this.up) {
        // `concurrency` batches at once, as live commits do; progress is kept only up to the
        // first batch that failed, so a resumed replay skips nothing.
        const chunks: Point[][] = [];
        for (let k = 0; k < this.o.concurrency && i + k * this.o.batchSize < points.length; k++) {
          const from = i + k * this.o.batchSize;
          chunks.push(points.slice(from, from + this.o.batchSize));
        }
        const results = await Promise.all(chunks.map((c) => this.o.writer.write(c)));
        let failed: WriteResult | undefined;
        for (const [k, res] of results.entries()) {
          this.o.account(res, true);
          await this.o.quarantine.append(res.quarantined);
          if (res.unwritten.length > 0) failed ??= res;
          if (failed) continue;
          this.o.spool.advance(seg, chunks[k]!.length);
          i += chunks[k]!.length;
          if (res.written > 0) this.wrote();
        }
        this.signalProgress();
        if (failed) {
          this.setUp(false, failed.error);
          break;
        }
      }
      done = i >= points.length;
    } finally {
      await this.o.spool.release(seg, done);
      this.signalProgress();
    }
    return done;
  }

  private backoff(): number {
    const base = Math.min(this.o.retryMaxMs, this.o.retryInitialMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    // "Equal jitter": at least half the delay, so backoff still backs off.
    return base / 2 + (Math.random() * base) / 2;
  }

  /** Sleeps `ms` (or until data when undefined); stop always wakes it, spooled data only if `wakeOnData`. */
  private sleep(ms: number | undefined, wakeOnData: boolean): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => {
      let timer: Timer | undefined;
      const sleeper: Sleeper = {
        wake: (byData) => {
          if (byData && !wakeOnData) return;
          timer?.cancel();
          if (this.sleeper === sleeper) this.sleeper = undefined;
          resolve();
        },
      };
      this.sleeper = sleeper;
      if (ms !== undefined) timer = this.o.clock.setTimeout(() => sleeper.wake(false), ms);
    });
  }
}
