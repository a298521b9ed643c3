/**
 * The last hour of a sensor for the console trend, kept in memory in fixed 30 s buckets (the
 * latest value of each bucket). Typed arrays keep it small: ~1 KiB a sensor, ~100 MiB at 100k.
 */
const BUCKETS = 120;
const BUCKET_MS = 30_000;

export class Trend {
  private readonly secs = new Uint32Array(BUCKETS);
  private readonly values = new Float32Array(BUCKETS);
  private last = -1;

  add(ts: number, value: number): void {
    const bucket = Math.floor(ts / BUCKET_MS);
    const slot = bucket % BUCKETS;
    const sec = Math.floor(ts / 1000);
    if (this.last >= 0 && Math.floor(((this.secs[this.last] as number) * 1000) / BUCKET_MS) > bucket) return; // late reading
    this.secs[slot] = sec;
    this.values[slot] = value;
    this.last = slot;
  }

  /** Points of the last hour before `now`, oldest first. */
  points(now: number): { ts: number; value: number }[] {
    const out: { ts: number; value: number }[] = [];
    const from = now - BUCKETS * BUCKET_MS;
    for (let i = 0; i < BUCKETS; i++) {
      const sec = this.secs[i] as number;
      if (sec === 0) continue;
      const ts = sec * 1000;
      if (ts >= from && ts <= now + BUCKET_MS) out.push({ ts, value: this.values[i] as number });
    }
    return out.sort((a, b) => a.ts - b.ts);
  }
}
