/**
 * A real AlarmEngine and a real HazardRegister on a manual clock, wired as the composition root
 * wires them: the engine's batches and the readings go to the register; the register's batches
 * are collected (and persisted as a snapshot, for a restart).
 */
import { AlarmEngine } from '../../src/alarms/engine.js';
import { Main } from '../../src/config/schema.js';
import type { HazardsConfig } from '../../src/config/schema-hazards.js';
import type { HazardBatch, HazardEvent } from '../../src/domain/hazards.js';
import type { SiteDef } from '../../src/domain/sensor.js';
import type { Reading } from '../../src/domain/types.js';
import { HazardRegister, type RegisterDoc } from '../../src/hazards/register.js';
import type { Locale } from '../../src/i18n/index.js';
import { ManualClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { GAS_PROFILES, sitesFrom } from '../helpers/engine.js';

export const CHAIN = [
  { name: 'Li Wei', role: 'shift operator', escalateAfter: '5m' },
  { name: 'Zhao Min', role: 'site safety officer', escalateAfter: '15m' },
  { name: 'Sun Hao', role: 'depot manager', escalateAfter: '30m' },
];

export const SITE = {
  id: 'zjk-depot',
  type: 'storage',
  responsible: CHAIN,
  sensors: [
    { id: 'GD-12', kind: 'gas', gas: 'methane', unit: 'ppm', profile: 'combustible-gas', interval: '2s' },
    { id: 'GD-13', kind: 'gas', gas: 'methane', unit: 'ppm', profile: 'combustible-gas', interval: '2s' },
  ],
};

export const MIN = 60_000;
export const H = 3_600_000;
export const DAY = 24 * H;

export interface HazardRig {
  clock: ManualClock;
  engine: AlarmEngine;
  register: HazardRegister;
  sites: Map<string, SiteDef>;
  batches: HazardBatch[];
  /** The register as last handed to the output (what the disk would hold). */
  saved(): RegisterDoc;
  read(sensor: string, ppm: number, site?: string): void;
  /** Move time in steps (1 s by default), running both timed passes; `feed` runs before each step. */
  advance(ms: number, opts?: { step?: number; feed?: () => void }): void;
  events(type?: string): HazardEvent[];
}

export function hazardsConfig(raw: unknown): HazardsConfig {
  return Main.parse({ hazards: raw }).hazards;
}

export function hazardRig(
  hazards: unknown,
  opts: {
    sites?: unknown[];
    /** A restart: the register and the alarm book as the first run left them. */
    restore?: { register: RegisterDoc; alarms: AlarmEngine };
    clock?: ManualClock;
    startupGrace?: number;
    /** The daemon's `locale`: the language of the descriptions and notes the register writes. */
    locale?: Locale;
  } = {},
): HazardRig {
  const clock = opts.clock ?? new ManualClock();
  const sites = sitesFrom(GAS_PROFILES, opts.sites ?? [SITE]);
  const cfg = hazardsConfig(hazards);
  const batches: HazardBatch[] = [];
  let saved: RegisterDoc | undefined;
  const register: HazardRegister = new HazardRegister(cfg, {
    clock,
    logger: silentLogger(),
    sites: () => sites,
    locale: () => opts.locale ?? 'en',
    out: (b) => {
      batches.push(b);
      saved = JSON.parse(JSON.stringify(register.snapshot()));
      return Promise.resolve();
    },
  });
  const engine = new AlarmEngine({
    clock,
    logger: silentLogger(),
    startupGrace: opts.startupGrace ?? MIN,
    out: (b) => {
      register.onAlarms(b);
      return Promise.resolve();
    },
  });
  register.restore(opts.restore ? JSON.parse(JSON.stringify(opts.restore.register)) : undefined);
  if (opts.restore) {
    const old = opts.restore.alarms;
    engine.restore(
      JSON.parse(JSON.stringify(old.entries())),
      old.history({ limit: Number.POSITIVE_INFINITY }).reverse(),
    );
  }
  engine.applyConfig(sites);
  register.applyConfig(cfg, sites);
  register.watch.seed(engine.list());
  const rig: HazardRig = {
    clock,
    engine,
    register,
    sites,
    batches,
    saved: () => saved ?? register.snapshot(),
    read(sensor, ppm, site = 'zjk-depot') {
      const reading: Reading = {
        site,
        sensor,
        value: ppm,
        ts: clock.now(),
        unit: 'ppm',
        status: 'ok',
        configured: true,
      };
      engine.handle(reading);
      register.onReading(reading);
    },
    advance(ms, o = {}) {
      const step = o.step ?? 1000;
      const end = clock.now() + ms;
      while (clock.now() < end) {
        o.feed?.();
        clock.advance(Math.min(step, end - clock.now()));
        engine.tick();
        void register.tick();
      }
    },
    events: (type) => batches.flatMap((b) => b.events).filter((e) => !type || e.type === type),
  };
  return rig;
}
