import { formatDuration } from '../duration.js';
import { ppmAtLel, type Wind } from '../layout.js';
import { type Leak, plumePath } from '../models/plume.js';
import { isGasDetector, MINUTE, resolveTarget, type Scenario } from '../scenario.js';

export const RUPTURE = {
  at: 2 * MINUTE,
  /** Blow-down time constant: from ~20 MPa the pressure first falls 4–6 MPa a minute. */
  tau: 4 * MINUTE,
  /** Methane in the jet at the tank, ppm (30 %vol: the jet entrains air at once). */
  sourcePpm: 300_000,
  /** Near-field length of the jet, m. */
  r0: 12,
  /** That day's wind: from the south, so the cloud drifts north over the compressors and the holder. */
  wind: { fromDeg: 180, speed: 2 } satisfies Wind,
};

export const rupture: Scenario = {
  name: 'rupture',
  summary: 'A CNG tank ruptures: its pressure falls several MPa per minute and the nearby detectors spike',
  defaultDuration: 12 * MINUTE,
  setup(world, opts) {
    const tank = resolveTarget(
      world,
      opts.target,
      'zjk-depot/PT-101',
      (s) => s.spec.model === 'cng-tank',
      'a CNG tank pressure transmitter',
    );
    const { at, tau, sourcePpm, r0, wind } = RUPTURE;
    const site = tank.spec.site;
    world.setWind(site, wind);

    // A choked jet's flow is proportional to the upstream pressure: both decay alike.
    const blowdown = (t: number) => (t < at ? 0 : Math.exp(-(t - at) / tau));
    const noise = world.ctx.rng(`rupture:${tank.key}`);
    const healthy = tank.measure;
    let before = 0;
    tank.measure = (t) => {
      if (t < at) {
        before = healthy(t);
        return before;
      }
      return Math.max(0, before * blowdown(t) + 0.01 * noise.normal());
    };

    const leak: Leak = { gas: 'methane', position: tank.spec.position, r0, sourcePpm: (t) => sourcePpm * blowdown(t) };
    world.addLeak(site, leak);

    // Detectors the cloud reaches above 20 %LEL with margin, by the model's own geometry.
    const nearby = world.sensors
      .filter((s) => s.spec.site === site && isGasDetector(s) && s.spec.gas === 'methane')
      .filter((s) => plumePath(leak, s.spec.position, wind).factor * sourcePpm >= ppmAtLel('methane', 30))
      .map((s) => s.key);
    Object.assign(world.details, { target: tank.key, ruptureAt: at, tau, wind, nearby });
    world.notes.push(
      `${tank.key} ruptures at +${formatDuration(at)} (blow-down τ ${formatDuration(tau)}); ` +
        `wind from ${wind.fromDeg}° at ${wind.speed} m/s; detectors expected above 20 %LEL: ${nearby.join(', ')}`,
    );
  },
};
