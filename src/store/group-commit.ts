/**
 * Group commit for the hot path: `add()` puts a message's points in the open batch and returns
 * that batch's promise, shared by every message in it (no promise per message). The batch is cut
 * after `flushInterval` or at `batchSize` points. Up to `concurrency` commits run at once (InfluxDB
 * parses one request while the next is on its way; it orders points by time itself, so commits
 * finishing out of order are harmless), and batches that queued behind busy commits are merged,
 * up to `batchSize`, into the next one — so a slow InfluxDB makes bigger batches, not more requests.
 */
import type { Clock, Timer } from '../util/clock.js';
import type { Point } from './port.js';

export interface GroupCommitOptions {
  clock: Clock;
  batchSize: number;
  flushInterval: number;
  /** Commits in flight at once. */
  concurrency: number;
  /** Makes the points durable. Resolving settles every write of the group; throwing rejects them. */
  commit(points: Point[], since: number): Promise<void>;
}

interface Batch {
  points: Point[];
  since: number;
  settled: boolean;
  promise: Promise<void>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class GroupCommit {
  /** Points accepted and not yet settled. */
  pending = 0;
  private current: Batch | undefined;
  private ready: Batch[] = [];
  private inflight = new Set<Batch>();
  private timer: Timer | undefined;
  private workers = 0;
  private idle: Array<() => void> = [];

  constructor(private readonly o: GroupCommitOptions) {}

  add(points: Point[]): Promise<void> {
    let b = this.current;
    if (!b) {
      b = this.current = newBatch(this.o.clock.now());
      this.timer = this.o.clock.setTimeout(() => this.cut(), this.o.flushInterval);
    }
    for (const p of points) b.points.push(p);
    this.pending += points.length;
    if (b.points.length >= this.o.batchSize) this.cut();
    return b.promise;
  }

  /** Closes the open batch now and starts committing it. */
  cut(): void {
    this.timer?.cancel();
    this.timer = undefined;
    const b = this.current;
    if (!b) return;
    this.current = undefined;
    this.ready.push(b);
    if (this.workers < this.o.concurrency) {
      this.workers++;
      void this.work();
    }
  }

  /** Resolves when every batch cut so far is settled. */
  drain(): Promise<void> {
    if (this.workers === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /**
   * The points cut but not settled (in flight or queued), for a stop that cannot wait for the
   * commit in flight: the caller makes them durable elsewhere and settles them. The commit in
   * flight may still finish later; settling twice is a no-op.
   */
  takeUnsettled(): { points: Point[]; settle(err?: unknown): void } {
    const left = [...this.inflight, ...this.ready.splice(0)].filter((b) => !b.settled);
    return {
      points: left.flatMap((b) => b.points),
      settle: (err) => {
        for (const b of left) this.settle(b, err);
      },
    };
  }

  private async work(): Promise<void> {
    while (this.ready.length > 0) {
      const group = [this.ready.shift()!];
      let n = group[0]!.points.length;
      while (this.ready.length > 0 && n + this.ready[0]!.points.length <= this.o.batchSize) {
        const next = this.ready.shift()!;
        n += next.points.length;
        group.push(next);
      }
      for (const b of group) this.inflight.add(b);
      const points = group.length === 1 ? group[0]!.points : group.flatMap((b) => b.points);
      try {
        await this.o.commit(points, group[0]!.since);
        for (const b of group) this.settle(b);
      } catch (err) {
        for (const b of group) this.settle(b, err);
      }
      for (const b of group) this.inflight.delete(b);
    }
    this.workers--;
    if (this.workers === 0) {
      const idle = this.idle;
      this.idle = [];
      for (const r of idle) r();
    }
  }

  private settle(b: Batch, err?: unknown): void {
    if (b.settled) return;
    b.settled = true;
    this.pending -= b.points.length;
    if (err === undefined) b.resolve();
    else b.reject(err);
  }
}

function newBatch(since: number): Batch {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A rejected batch whose writers all stopped listening must not crash the process.
  promise.catch(() => undefined);
  return { points: [], since, settled: false, promise, resolve, reject };
}
