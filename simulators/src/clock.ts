/**
 * Simulated time against wall time. A run's messages carry simulated timestamps; the clock says how
 * long to wait before each is due. speed 60 plays a simulated minute in a wall second; Infinity
 * never waits (as fast as the broker takes it).
 */
export class SimClock {
  private readonly wallStart: number;

  constructor(
    readonly simStart: number,
    readonly speed: number,
    private readonly wallNow: () => number = () => performance.now(),
  ) {
    if (!(speed > 0)) throw new Error(`speed must be positive (or Infinity), got ${speed}`);
    this.wallStart = wallNow();
  }

  /** Simulated epoch ms now (simStart while speed is Infinity: simulated time is not tied to the wall). */
  now(): number {
    if (this.speed === Number.POSITIVE_INFINITY) return this.simStart;
    return this.simStart + (this.wallNow() - this.wallStart) * this.speed;
  }

  /** Wall ms until simulated time `at` is due; ≤ 0 means due (negative: that far behind). */
  delayUntil(at: number): number {
    if (this.speed === Number.POSITIVE_INFINITY) return 0;
    return this.wallStart + (at - this.simStart) / this.speed - this.wallNow();
  }
}

/** `max`/`inf` → Infinity; otherwise a positive number. */
export function parseSpeed(text: string): number {
  const s = text.trim().toLowerCase();
  if (s === 'max' || s === 'inf' || s === 'infinity') return Number.POSITIVE_INFINITY;
  const v = Number(s.endsWith('x') ? s.slice(0, -1) : s);
  if (!(v > 0) || !Number.isFinite(v))
    throw new Error(`invalid speed "${text}": a positive number (60 = a minute a second) or max`);
  return v;
}
