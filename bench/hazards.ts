/**
 * The hazard register at fleet size (SPEC §10, §11): 100k sensors, every rule on, every sensor with
 * calibration dates. Prints the cost per reading of the register's readings subscriber (the only
 * part on the reading path: the drift watch) and the timed pass with the alarm stream's standing
 * alarms in it — the pass runs every second.
 */

import { resolveSites } from '../src/config/resolve.js';
import { Main, ProfilesFile, Site } from '../src/config/schema.js';
import type { AlarmRecord, Reading } from '../src/domain/types.js';
import { HazardRegister } from '../src/hazards/register.js';
import { ManualClock } from '../src/util/clock.js';
import { silentLogger } from '../src/util/logger.js';
import { GAS_PROFILES } from '../test/helpers/engine.js';

export async function benchHazards(opts: { sites?: number; sensorsPerSite?: number } = {}) {
  const nSites = opts.sites ?? 2000;
  const perSite = opts.sensorsPerSite ?? 50;
  const docs = [];
  for (let s = 0; s < nSites; s++) {
    const sensors = Array.from({ length: perSite }, (_, i) => ({
      id: `S-${i}`,
      kind: 'gas',
      gas: 'methane',
      unit: 'ppm',
      profile: 'combustible-gas',
      interval: '2s',
      calibratedAt: '2026-06-01',
      calibrationInterval: `${150 + (i % 60)}d`,
    }));
    docs.push({ file: `site-${s}.yaml`, site: Site.parse({ id: `site-${s}`, type: 'storage', sensors }) });
  }
  const main = Main.parse({
    hazards: {
      rules: {
        stale: { for: '1h', severity: 'major' },
        standing: { for: '24h', severity: 'minor' },
        chattering: { count: 10, per: '1h', severity: 'minor' },
        shelved: { count: 3, per: '7d', severity: 'minor' },
        drift: { above: 5, for: '1h', severity: 'major' },
        calibration: { severity: 'major' },
      },
    },
  });
  const { sites } = resolveSites({ main, profilesFile: 'p', profiles: ProfilesFile.parse(GAS_PROFILES), sites: docs });
  const clock = new ManualClock(Date.parse('2026-11-01T00:00:00Z'));
  let events = 0;
  const register = new HazardRegister(main.hazards, {
    clock,
    logger: silentLogger(),
    sites: () => sites,
    out: (b) => {
      events += b.events.length;
      return undefined;
    },
  });
  register.applyConfig(main.hazards, sites);
  // 1 % of the sensors with a standing alarm (the stream's view), a few drifting.
  const standing: AlarmRecord[] = [];
  for (let s = 0; s < nSites; s++)
    standing.push({
      id: `site-${s}/S-0/hi`,
      site: `site-${s}`,
      sensor: 'S-0',
      condition: 'hi',
      priority: 'high',
      state: 'active_acked',
      shelved: false,
      suppressed: false,
      value: null,
      threshold: null,
      unit: null,
      message: '',
      raisedAt: new Date(clock.now() - 3600_000).toISOString(),
      clearedAt: null,
      ackedAt: null,
      ackedBy: null,
      comment: null,
    });
  register.watch.seed(standing);
  const readings: Reading[] = [];
  for (let s = 0; s < nSites; s++)
    for (let i = 0; i < perSite; i++)
      readings.push({
        site: `site-${s}`,
        sensor: `S-${i}`,
        value: i % 97 === 0 ? 2500 : 40,
        ts: clock.now(),
        unit: 'ppm',
        status: 'ok',
        configured: true,
      });
  const n = readings.length;
  const times: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (const reading of readings) register.onReading(reading);
    times.push(performance.now() - t0);
  }
  const best = Math.min(...times);
  // The first pass opens the hazards (calibration due for about half the fleet); later ones find them open.
  const t1 = performance.now();
  void register.tick();
  const first = performance.now() - t1;
  clock.advance(1000);
  const t2 = performance.now();
  void register.tick();
  const steady = performance.now() - t2;
  console.log(`hazards: ${n.toLocaleString()} gas sensors (${nSites} sites × ${perSite}), every rule on`);
  console.log(`  readings subscriber  ${((best * 1e6) / n).toFixed(0)} ns per reading (drift watch)`);
  console.log(`  first pass           ${first.toFixed(0)} ms, ${events.toLocaleString()} hazards opened`);
  console.log(
    `  steady pass          ${steady.toFixed(1)} ms (every second), ${register.list().length.toLocaleString()} live hazards`,
  );
}
