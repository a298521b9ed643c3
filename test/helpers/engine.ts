/** Builds an AlarmEngine on a manual clock from small inline configs, for unit tests. */
import { AlarmEngine, type AlarmEntry } from '../../src/alarms/engine.js';
import { resolveSites } from '../../src/config/resolve.js';
import { Main, ProfilesFile, Site } from '../../src/config/schema.js';
import type { SiteDef } from '../../src/domain/sensor.js';
import type { AlarmEvent, Reading } from '../../src/domain/types.js';
import type { Locale } from '../../src/i18n/index.js';
import { ManualClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { SensorView } from '../../src/views/sensors.js';

export function sitesFrom(profiles: unknown, sites: unknown[]): Map<string, SiteDef> {
  const res = resolveSites({
    main: Main.parse({}),
    profilesFile: 'profiles.yaml',
    profiles: ProfilesFile.parse(profiles),
    sites: sites.map((s, i) => ({ file: `site${i}.yaml`, site: Site.parse(s) })),
  });
  if (res.issues.length)
    throw new Error(res.issues.map((i) => `${i.file} ${i.path.join('.')} ${i.message}`).join('\n'));
  return res.sites;
}

export interface EngineRig {
  clock: ManualClock;
  engine: AlarmEngine;
  /** The sensor view, fed from the rig's readings and the alarm stream as in the daemon. */
  view: SensorView;
  events: AlarmEvent[];
  saved: AlarmEntry[][];
  /** A reloaded config, to the engine and the view as the daemon's components take it. */
  applyConfig(sites: Map<string, SiteDef>): void;
  /** Feed a reading of `sensor` at the clock's now (value in the sensor unit unless `unit` given). */
  read(site: string, sensor: string, value: number, extra?: Partial<Reading>): AlarmEvent[];
  types(): string[];
}

export function engineRig(
  sites: Map<string, SiteDef>,
  opts: { startupGrace?: number; clock?: ManualClock; locale?: () => Locale } = {},
): EngineRig {
  const clock = opts.clock ?? new ManualClock();
  const events: AlarmEvent[] = [];
  const saved: AlarmEntry[][] = [];
  const view = new SensorView({ clock });
  const engine: AlarmEngine = new AlarmEngine({
    clock,
    logger: silentLogger(),
    startupGrace: opts.startupGrace ?? 60_000,
    ...(opts.locale ? { locale: opts.locale } : {}),
    out: (batch) => {
      events.push(...batch.events);
      view.onAlarms(batch);
      saved.push(JSON.parse(JSON.stringify(engine.entries())));
      return Promise.resolve();
    },
  });
  engine.applyConfig(sites);
  view.applyConfig(sites);
  return {
    clock,
    engine,
    view,
    events,
    saved,
    applyConfig(next) {
      void engine.applyConfig(next);
      view.applyConfig(next);
    },
    read(site, sensor, value, extra = {}) {
      const def = sites.get(site)?.sensors.get(sensor);
      const reading: Reading = {
        site,
        sensor,
        value,
        ts: clock.now(),
        unit: def?.unit ?? '',
        status: 'ok',
        configured: def !== undefined,
        ...extra,
      };
      const { events } = engine.handle(reading);
      view.onReading(reading);
      return events as AlarmEvent[];
    },
    types: () => events.map((e) => `${e.alarm.condition}:${e.type}`),
  };
}

export const GAS_PROFILES = {
  'combustible-gas': {
    unit: '%LEL',
    deadband: 2,
    range: [0, 100],
    setpoints: { hi: { value: 20, priority: 'high' }, hihi: { value: 40, priority: 'critical', latch: true } },
  },
  pressure: {
    unit: 'MPa',
    deadband: 0.2,
    range: [0, 30],
    setpoints: {
      hihi: { value: 25, priority: 'critical' },
      hi: { value: 23, priority: 'high' },
      lo: { value: 2, priority: 'medium' },
      lolo: { value: 1, priority: 'high' },
    },
    roc: { fall: 1.0, per: '1m', priority: 'critical' },
  },
};

export const DEPOT = {
  id: 'zjk-depot',
  type: 'storage',
  sensors: [
    { id: 'GD-12', kind: 'gas', gas: 'methane', unit: 'ppm', profile: 'combustible-gas', interval: '2s' },
    { id: 'PT-101', kind: 'pressure', unit: 'MPa', profile: 'pressure', interval: '5s' },
  ],
};

/** What the daily report reads, from a rig (as the composition root wires it for the daemon). */
export function reportSource(rig: EngineRig) {
  return {
    list: () => rig.engine.list(),
    history: (q: Parameters<AlarmEngine['history']>[0]) => rig.engine.history(q),
    entries: () => rig.engine.entries(),
    sensorsApi: () => rig.view,
  };
}
