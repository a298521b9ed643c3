/**
 * A WritePort that keeps points in memory, for tests of the rooms that write (ingest, alarms) and
 * for running without a disk. It passes the WritePort contract except durability across restarts.
 * `hold()` keeps writes from resolving until released (a slow store: acks must wait), `fail`
 * makes them reject (neither InfluxDB nor the disk took them: acks must not be sent).
 */
import type { Point, StoreStats, WritePort } from './port.js';

export class MemoryStore implements WritePort {
  readonly points: Point[] = [];
  /** When set, write() rejects with it. */
  fail: Error | undefined;
  private state: 'new' | 'started' | 'stopped' = 'new';
  private gate: Promise<void> | undefined;
  private inflight = new Set<Promise<void>>();

  async start(): Promise<void> {
    this.state = 'started';
  }

  write(points: Point[]): Promise<void> {
    if (this.state !== 'started') return Promise.reject(new Error(`store is ${this.state}, not accepting points`));
    const gate = this.gate;
    const p = (async () => {
      if (gate) await gate;
      if (this.fail) throw this.fail;
      this.points.push(...points);
    })();
    this.inflight.add(p);
    const done = () => this.inflight.delete(p);
    p.then(done, done);
    return p;
  }

  /** Writes from now on wait until the returned function is called. */
  hold(): () => void {
    let release!: () => void;
    this.gate = new Promise((r) => (release = r));
    const gate = this.gate;
    return () => {
      if (this.gate === gate) this.gate = undefined;
      release();
    };
  }

  async flush(): Promise<void> {
    await Promise.allSettled([...this.inflight]);
  }

  async stop(): Promise<void> {
    await this.flush();
    this.state = 'stopped';
  }

  stats(): StoreStats {
    return {
      written: this.points.length,
      spoolBytes: 0,
      spoolSegments: 0,
      dropped: 0,
      quarantined: 0,
      retries: 0,
      connected: true,
    };
  }
}
