import type { SensorSpec } from '../layout.js';
import type { Rng } from '../rng.js';
import { Drift, localHour } from './noise.js';

/**
 * Clean-air signal of a gas detector, ppm: a few ppm of background (atmospheric methane is ~2 ppm;
 * a station's air carries traces of fuel), a slow drift of the background and of the sensor's zero,
 * and white measurement noise. Detectors at dispensers and compressors also see short puffs: the
 * breakaway of a filling coupling or a seal's breathing, tens to a few hundred ppm (capped at 400 ppm,
 * far below any alarm setpoint, so `normal` never alarms), gone in seconds.
 */
export function detectorBackground(spec: SensorSpec, rng: Rng, startTime: number): (t: number) => number {
  const base = rng.range(2, 5);
  const drift = new Drift(rng, 0.5, 20 * 60_000);
  const noise = 0.25;
  const puffs = puffRate(spec.asset);
  let puffLevel = 0;
  let lastT: number | undefined;
  return (t) => {
    let v = base + drift.at(t) + noise * rng.normal();
    if (puffs > 0) {
      const dt = lastT === undefined ? 0 : t - lastT;
      // A puff clears by dilution, exponentially with a time constant of ~8 s.
      puffLevel *= Math.exp(-dt / 8000);
      const busy = isBusyHour(localHour(startTime + t)) ? 1 : 0.2;
      if (rng.chance(1 - Math.exp((-puffs * busy * dt) / 3_600_000)))
        puffLevel += Math.min(400, 30 * Math.exp(1.2 * rng.normal()));
      v += puffLevel;
    }
    lastT = t;
    return Math.max(0, v);
  };
}

/** Puffs per hour at busy times. */
function puffRate(asset: string): number {
  if (asset.includes('dispenser')) return 6;
  if (asset.includes('compressor')) return 2;
  return 0;
}

function isBusyHour(h: number): boolean {
  return h >= 7 && h < 21;
}
