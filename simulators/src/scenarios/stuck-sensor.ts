import { formatDuration } from '../duration.js';
import { isGasDetector, MINUTE, resolveTarget, type Scenario } from '../scenario.js';
import type { Emission } from '../world.js';

export const STUCK = { at: 1 * MINUTE };

/**
 * A frozen output: a poisoned catalytic bead or a hung transmitter CPU keeps sending its last value,
 * with status ok. Only the absence of any change gives it away.
 */
export const stuckSensor: Scenario = {
  name: 'stuck-sensor',
  summary: 'A detector freezes: it keeps publishing exactly the same value, status ok',
  defaultDuration: 5 * MINUTE,
  setup(world, opts) {
    const target = resolveTarget(world, opts.target, 'zjk-depot/GD-13', isGasDetector, 'a gas detector');
    let frozen: Emission = null;
    target.behaviour = (t, measure) => {
      if (t < STUCK.at) return { value: measure() };
      frozen ??= { value: measure() };
      return frozen;
    };
    Object.assign(world.details, { target: target.key, stuckAt: STUCK.at });
    world.notes.push(`${target.key} freezes at +${formatDuration(STUCK.at)}`);
  },
};
