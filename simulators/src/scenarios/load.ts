import { loadLayout } from '../layout.js';
import { MINUTE, type Scenario } from '../scenario.js';

export const LOAD_DEFAULTS = { sites: 10, sensors: 100, rate: 1 };

/**
 * Benchmark traffic: `sites` × `sensors` methane detectors at `rate` Hz each, on sites `load-0001`…
 * with sensors `S-0001`…. Publication is spread evenly over each interval, so the broker sees a steady
 * stream of sites × sensors × rate messages a second rather than bursts.
 */
export const load: Scenario = {
  name: 'load',
  summary: 'N sites × M sensors × R Hz of detector readings (sites load-0001…, sensors S-0001…)',
  defaultDuration: 1 * MINUTE,
  layout(opts) {
    const rate = opts.rate ?? LOAD_DEFAULTS.rate;
    return loadLayout(opts.sites ?? LOAD_DEFAULTS.sites, opts.sensors ?? LOAD_DEFAULTS.sensors, 1000 / rate);
  },
  setup(world) {
    const n = world.sensors.length;
    for (const s of world.sensors) s.phaseMs = (s.order / n) * s.intervalMs;
    const rate = 1000 / (world.sensors[0]?.intervalMs ?? 1000);
    Object.assign(world.details, { sites: world.sites.length, sensors: n, rate, messagesPerSecond: n * rate });
    world.notes.push(
      `${world.sites.length} sites × ${n / world.sites.length} sensors × ${rate} Hz = ${n * rate} msg/s`,
    );
  },
};
