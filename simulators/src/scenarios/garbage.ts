import { GARBAGE_KINDS, makeGarbage } from '../garbage.js';
import { type Scenario, SECOND } from '../scenario.js';
import { topicOf } from '../wire.js';

export const GARBAGE = { firstAt: 2.5 * SECOND, every: 5 * SECOND };

/**
 * Normal operation with a malformed payload every 5 s on a seeded choice of sensor topics, cycling
 * through every kind in GARBAGE_KINDS (the whole set every 40 s). The good readings continue alongside.
 */
export const garbage: Scenario = {
  name: 'garbage',
  summary: 'Normal readings plus a malformed payload every 5 s, cycling through every kind of garbage',
  defaultDuration: 2 * 60 * SECOND,
  setup(world) {
    const rng = world.ctx.rng('garbage');
    const sensors = world.sensors;
    let n = 0;
    world.addEmitter({
      name: 'garbage',
      firstAt: GARBAGE.firstAt,
      intervalMs: GARBAGE.every,
      emit(t) {
        const kind = GARBAGE_KINDS[n++ % GARBAGE_KINDS.length]!;
        const { spec } = rng.pick(sensors);
        const [lo, hi] = spec.range;
        const ts = world.ctx.startTime + Math.round(t);
        const value = Number((lo + (hi - lo) * rng.range(0, 0.05)).toFixed(1));
        const { payload, tag } = makeGarbage(kind, { value, ts, unit: spec.wireUnit }, rng);
        return {
          at: ts,
          topic: topicOf(spec.site, spec.id),
          site: spec.site,
          sensor: spec.id,
          payload,
          format: 'garbage',
          readings: [],
          garbage: tag,
        };
      },
    });
    Object.assign(world.details, { kinds: [...GARBAGE_KINDS], firstAt: GARBAGE.firstAt, every: GARBAGE.every });
    world.notes.push(`a malformed payload every ${GARBAGE.every / 1000} s, kinds: ${GARBAGE_KINDS.join(', ')}`);
  },
};
