import { formatDuration } from '../duration.js';
import { ppmAtLel, windOffsets } from '../layout.js';
import { type Leak, plumePath } from '../models/plume.js';
import { isGasDetector, MINUTE, ramp, resolveTarget, type Scenario, SECOND } from '../scenario.js';

/**
 * After the 28 Nov 2018 explosion at Zhangjiakou (Hebei Shenghua Chemical): a gas holder leaked, and
 * the cloud drifted with a light wind across the plant to the road outside the gate, where it was
 * ignited. Here the holder's seal fails, the release grows within a minute, and the detectors
 * downwind alarm one after another, in the order the cloud reaches them.
 */
export const DRIFTING_CLOUD = {
  start: 1 * MINUTE,
  rampUp: 60 * SECOND,
  /** Methane at the holder's detector, ppm (40 %vol). */
  sourcePpm: 400_000,
  /** The holder is isolated then; the cloud disperses. */
  stopAt: 9 * MINUTE,
  clearTau: 60 * SECOND,
  r0: 15,
};

export const driftingCloud: Scenario = {
  name: 'drifting-cloud',
  summary: 'A gas-holder leak drifts with the wind across the depot: detectors alarm in order downwind',
  defaultDuration: 14 * MINUTE,
  setup(world, opts) {
    const holder = resolveTarget(world, opts.target, 'zjk-depot/GD-15', isGasDetector, 'a gas detector');
    const { start, rampUp, sourcePpm, stopAt, clearTau, r0 } = DRIFTING_CLOUD;
    const site = holder.spec.site;
    const gas = holder.spec.gas!;
    const wind = world.wind(site);
    const leak: Leak = {
      gas,
      position: holder.spec.position,
      r0,
      sourcePpm: (t) =>
        t < stopAt
          ? sourcePpm * ramp(t, start, start + rampUp)
          : sourcePpm * ramp(stopAt, start, start + rampUp) * Math.exp(-(t - stopAt) / clearTau),
    };
    world.addLeak(site, leak);

    const downwind = world.sensors
      .filter((s) => s.spec.site === site && s.spec.gas === gas)
      .map((s) => ({
        key: s.key,
        distance: windOffsets(holder.spec.position, s.spec.position, wind).downwind,
        peakPpm: plumePath(leak, s.spec.position, wind).factor * sourcePpm,
      }))
      .filter((d) => d.peakPpm >= ppmAtLel(gas, 30))
      .sort((a, b) => a.distance - b.distance);
    Object.assign(world.details, {
      source: holder.key,
      wind,
      leakStart: start,
      stopAt,
      expectedOrder: downwind.map((d) => d.key),
      downwindMetres: Object.fromEntries(downwind.map((d) => [d.key, Math.round(d.distance)])),
    });
    world.notes.push(
      `${holder.key} leaks from +${formatDuration(start)}, wind from ${wind.fromDeg}° at ${wind.speed} m/s; ` +
        `cloud reaches ${downwind.map((d) => `${d.key} (${Math.round(d.distance)} m)`).join(' → ')}; ` +
        `isolated at +${formatDuration(stopAt)}`,
    );
  },
};
