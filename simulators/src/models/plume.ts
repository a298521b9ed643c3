import type { Gas, Position, Wind } from '../layout.js';
import { windOffsets } from '../layout.js';

/**
 * A gas release, as a scenario describes it. `sourcePpm` is the concentration right at the source;
 * the plume model below carries it to the detectors.
 */
export interface Leak {
  gas: Gas;
  position: Position;
  /** Concentration at the source, ppm, at run time t (ms since start); 0 while nothing escapes. */
  sourcePpm: (t: number) => number;
  /**
   * Near-field length, m: how far the release spreads on its own before the wind takes over — about
   * 2 m for a weeping fitting, 15–20 m for a holder seal failure or a ruptured tank's jet.
   */
  r0: number;
}

/** How a leak reaches one detector: a fixed attenuation, a travel delay and how gusty it is there. */
export interface PlumePath {
  /** Fraction of the source concentration arriving at the detector, 0..1. */
  factor: number;
  /** Travel time from the source along the wind, ms. */
  delayMs: number;
  /** σ of the multiplicative turbulent fluctuation: steady at the source, intermittent far away. */
  gustiness: number;
}

/**
 * A screening-grade dispersion model, not a certified one (for that, ALOHA or PHAST): enough to give
 * detectors the right order, delays and rough magnitudes.
 *
 * - Near field: the release spreads in all directions, exp(−r² / 2r0²).
 * - Far field: a plume along the wind whose centre line decays as r0 / (r0 + d) with downwind distance
 *   d and whose width grows linearly (σy = r0/2 + 0.25·d, roughly Pasquill–Gifford class D near the
 *   ground); off the centre line it falls off as a Gaussian of the crosswind offset.
 * - The cloud travels with the wind: a detector d metres downwind sees what left the source d/u ago.
 *
 * The detector takes the larger of the two terms, so the source's own detector reads the source.
 */
export function plumePath(leak: Leak, at: Position, wind: Wind): PlumePath {
  const r = Math.hypot(at.x - leak.position.x, at.y - leak.position.y);
  const { downwind, crosswind } = windOffsets(leak.position, at, wind);
  const near = Math.exp(-(r * r) / (2 * leak.r0 * leak.r0));
  let far = 0;
  if (downwind > 0) {
    const sigmaY = leak.r0 / 2 + 0.25 * downwind;
    far = (leak.r0 / (leak.r0 + downwind)) * Math.exp(-(crosswind * crosswind) / (2 * sigmaY * sigmaY));
  }
  return {
    factor: Math.max(near, far),
    delayMs: downwind > 0 && wind.speed > 0 ? (downwind / wind.speed) * 1000 : 0,
    gustiness: 0.04 + Math.min(0.3, r / 300),
  };
}

/** Below this fraction a detector is out of the plume: it sees nothing, and no random draw is spent. */
export const NEGLIGIBLE_FACTOR = 1e-6;
