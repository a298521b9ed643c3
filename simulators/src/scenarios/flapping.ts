import { formatDuration } from '../duration.js';
import { ppmAtLel } from '../layout.js';
import { isGasDetector, MINUTE, resolveTarget, type Scenario, SECOND } from '../scenario.js';

export const FLAPPING = {
  from: 30 * SECOND,
  /** The first alarm level of combustible-gas profiles. */
  setpointLel: 20,
  /** A slow ±8 % swing (gusts over a small seep) with ±5 % noise on top. */
  swing: 0.08,
  periodMs: 75 * SECOND,
  noise: 0.05,
};

/** A reading hovering at an alarm setpoint: what deadbands, delays and chattering detection are for. */
export const flapping: Scenario = {
  name: 'flapping',
  summary: 'A detector hovers around 20 %LEL, crossing the setpoint again and again',
  defaultDuration: 5 * MINUTE,
  setup(world, opts) {
    const target = resolveTarget(world, opts.target, 'hx-station/GD-22', isGasDetector, 'a gas detector');
    const { from, setpointLel, swing, periodMs, noise } = FLAPPING;
    const setpoint = ppmAtLel(target.spec.gas!, setpointLel);
    const rng = world.ctx.rng(`flapping:${target.key}`);
    target.behaviour = (t, measure) => {
      if (t < from) return { value: measure() };
      const wave = swing * Math.sin((2 * Math.PI * (t - from)) / periodMs);
      return { value: setpoint * (1 + wave + noise * rng.normal()) };
    };
    Object.assign(world.details, { target: target.key, from, setpointPpm: setpoint, setpointLel });
    world.notes.push(`${target.key} hovers around ${setpointLel} %LEL (${setpoint} ppm) from +${formatDuration(from)}`);
  },
};
