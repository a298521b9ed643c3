import type { Rng } from '../rng.js';

/**
 * Ornstein–Uhlenbeck process: a mean-reverting random walk, the usual model of a sensor's slow drift
 * (zero drift, temperature effects, a slowly changing background). The update is the exact
 * discretisation, valid for any step, so a sensor sampled at 2 s or at 10 Hz drifts alike.
 */
export class Drift {
  private x: number;
  private last: number | undefined;

  /** `sigma`: stationary standard deviation; `tauMs`: time constant of the reversion. */
  constructor(
    private readonly rng: Rng,
    private readonly sigma: number,
    private readonly tauMs: number,
  ) {
    this.x = sigma * rng.normal();
  }

  at(t: number): number {
    if (this.last !== undefined && t > this.last) {
      const a = Math.exp(-(t - this.last) / this.tauMs);
      this.x = this.x * a + this.sigma * Math.sqrt(1 - a * a) * this.rng.normal();
    }
    this.last = t;
    return this.x;
  }
}

/** A smooth pseudo-weather term: a few incommensurate sinusoids with seeded phases, pure in t. */
export function slowWaves(rng: Rng, amplitude: number, periodsH: readonly number[]): (t: number) => number {
  const waves = periodsH.map((p, i) => ({
    omega: (2 * Math.PI) / (p * 3_600_000),
    phase: rng.range(0, 2 * Math.PI),
    amp: amplitude / (i + 1),
  }));
  return (t) => {
    let s = 0;
    for (const w of waves) s += w.amp * Math.sin(w.omega * t + w.phase);
    return s;
  };
}

/** Hours since local midnight. The facilities are in China: UTC+8, no daylight saving. */
export function localHour(epochMs: number, utcOffsetH = 8): number {
  const h = (epochMs / 3_600_000 + utcOffsetH) % 24;
  return h < 0 ? h + 24 : h;
}

/** A daily cycle in [-1, 1] with its maximum at `peakHour` local time. */
export function daily(epochMs: number, peakHour: number): number {
  return Math.cos((2 * Math.PI * (localHour(epochMs) - peakHour)) / 24);
}
