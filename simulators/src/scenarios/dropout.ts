import { formatDuration } from '../duration.js';
import { MINUTE, resolveTarget, type Scenario } from '../scenario.js';

export const DROPOUT = { from: 1 * MINUTE, until: 3 * MINUTE };

/** A sensor goes quiet (cable cut, radio link down, gateway reboot) and comes back; the rest carry on. */
export const dropout: Scenario = {
  name: 'dropout',
  summary: 'One sensor stops publishing for two minutes while the others continue',
  defaultDuration: 5 * MINUTE,
  setup(world, opts) {
    const target = resolveTarget(world, opts.target, 'zjk-depot/GD-12', () => true, 'a sensor');
    const { from, until } = DROPOUT;
    target.behaviour = (t, measure) => (t >= from && t < until ? null : { value: measure() });
    Object.assign(world.details, { target: target.key, silentFrom: from, silentUntil: until });
    world.notes.push(`${target.key} is silent from +${formatDuration(from)} to +${formatDuration(until)}`);
  },
};
