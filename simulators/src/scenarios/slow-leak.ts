import { formatDuration } from '../duration.js';
import { ppmAtLel } from '../layout.js';
import { isGasDetector, MINUTE, ramp, resolveTarget, type Scenario, SECOND } from '../scenario.js';

/** Timeline, ms after the start. */
export const SLOW_LEAK = {
  start: 30 * SECOND,
  /** The concentration at the detector climbs linearly for this long… */
  rise: 6 * MINUTE,
  /** …to this, above the second alarm level (40 %LEL, GB/T 50493-2019). */
  peakLel: 55,
  /** Then holds until the leak is stopped (valve closed), and ventilation clears it. */
  stopAt: 9.5 * MINUTE,
  clearTau: 30 * SECOND,
};

export const slowLeak: Scenario = {
  name: 'slow-leak',
  summary: 'A weeping fitting at a detector: rises past 20 %LEL and 40 %LEL, holds, is stopped, clears',
  defaultDuration: 14 * MINUTE,
  setup(world, opts) {
    const target = resolveTarget(world, opts.target, 'hx-station/GD-21', isGasDetector, 'a gas detector');
    const gas = target.spec.gas!;
    const { start, rise, peakLel, stopAt, clearTau } = SLOW_LEAK;
    const peak = ppmAtLel(gas, peakLel);
    const atLel = (lel: number) => start + (rise * lel) / peakLel;
    world.addLeak(target.spec.site, {
      gas,
      position: target.spec.position,
      r0: 2,
      sourcePpm: (t) => {
        if (t < stopAt) return peak * ramp(t, start, start + rise);
        return peak * ramp(stopAt, start, start + rise) * Math.exp(-(t - stopAt) / clearTau);
      },
    });
    Object.assign(world.details, {
      target: target.key,
      gas,
      peakPpm: peak,
      leakStart: start,
      reaches20Lel: atLel(20),
      reaches40Lel: atLel(40),
      stopAt,
    });
    world.notes.push(
      `${target.key}: ${gas} leak from +${formatDuration(start)}; 20 %LEL (${ppmAtLel(gas, 20)} ppm) at ` +
        `~+${formatDuration(atLel(20))}, 40 %LEL (${ppmAtLel(gas, 40)} ppm) at ~+${formatDuration(atLel(40))}, ` +
        `holds at ${peakLel} %LEL, stopped at +${formatDuration(stopAt)}`,
    );
  },
};
