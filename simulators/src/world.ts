/**
 * The simulated world of one run: the sites, a signal per sensor, the leaks, and whatever a scenario
 * adds (faults, extra emitters). Scenarios build on it in `setup`, before the first message; the
 * simulation then only reads it.
 */
import { type SensorSpec, type SiteSpec, sensorKey, type Wind } from './layout.js';
import type { SimMessage } from './message.js';
import { detectorBackground } from './models/detector.js';
import { Drift } from './models/noise.js';
import { type Leak, NEGLIGIBLE_FACTOR, type PlumePath, plumePath } from './models/plume.js';
import { ambientAir, cngTank, LpgTank, lngTank, type Signal } from './models/processes.js';
import type { RngFactory } from './rng.js';
import type { ReadingStatus } from './wire.js';

/** What a sensor puts out at one tick: a value (in its configured unit), or nothing at all. */
export type Emission = { value: number; status?: ReadingStatus } | null;

/**
 * A device's behaviour between the physics and the wire: healthy devices pass the measured value
 * through; a stuck, silent or flapping device does something else. `measure` reads the physics.
 */
export type Behaviour = (t: number, measure: () => number) => Emission;

export const healthy: Behaviour = (_t, measure) => ({ value: measure() });

export interface SimSensor {
  readonly spec: SensorSpec;
  readonly key: string;
  /** Tie-break between sensors due at the same instant: layout order. */
  readonly order: number;
  intervalMs: number;
  /** First publication, ms after the start; staggers sensors as unsynchronised devices are. */
  phaseMs: number;
  /** The measured value in the sensor's unit (ppm for every gas detector), noise included. */
  measure: Signal;
  behaviour: Behaviour;
}

/** A source of messages that are not a sensor's readings (malformed payloads, for instance). */
export interface Emitter {
  readonly name: string;
  firstAt: number;
  intervalMs: number;
  emit(t: number): SimMessage | null;
}

export interface WorldContext {
  seed: number;
  startTime: number;
  /** Simulated run length, ms (may be Infinity). */
  duration: number;
  rng: RngFactory;
  /** Publish rate override for every sensor, Hz. */
  rate?: number | undefined;
}

export class World {
  readonly sensors: SimSensor[] = [];
  readonly emitters: Emitter[] = [];
  /** Facts about the run a scenario wants tests and the CLI to know (targets, timings, wind). */
  readonly details: Record<string, unknown> = {};
  /** One line each, for people: what happens when. */
  readonly notes: string[] = [];
  private readonly byKey = new Map<string, SimSensor>();
  private readonly leaks = new Map<string, Leak[]>();
  private readonly winds = new Map<string, Wind>();
  private readonly lpg = new Map<string, LpgTank>();
  private readonly ambient = new Map<string, Signal>();

  constructor(
    readonly sites: readonly SiteSpec[],
    readonly ctx: WorldContext,
  ) {
    let order = 0;
    for (const site of sites) {
      this.winds.set(site.id, site.wind);
      for (const spec of site.sensors) {
        const key = sensorKey(spec);
        const intervalMs = ctx.rate !== undefined ? 1000 / ctx.rate : spec.intervalMs;
        const sensor: SimSensor = {
          spec,
          key,
          order: order++,
          intervalMs,
          phaseMs: ctx.rng(`phase:${key}`).int(Math.max(1, Math.floor(intervalMs))),
          measure: this.model(spec),
          behaviour: healthy,
        };
        this.sensors.push(sensor);
        this.byKey.set(key, sensor);
      }
    }
  }

  /** The sensor `site/id`; an unknown key is an error that lists what exists. */
  sensor(key: string): SimSensor {
    const s = this.byKey.get(key);
    if (s === undefined) {
      throw new Error(`unknown sensor "${key}"; known: ${[...this.byKey.keys()].join(', ')}`);
    }
    return s;
  }

  wind(site: string): Wind {
    const w = this.winds.get(site);
    if (w === undefined) throw new Error(`unknown site "${site}"`);
    return w;
  }

  /** Must come before the first reading: plume paths are fixed then. */
  setWind(site: string, wind: Wind): void {
    this.wind(site);
    this.winds.set(site, wind);
  }

  addLeak(site: string, leak: Leak): void {
    this.wind(site);
    const list = this.leaks.get(site) ?? [];
    list.push(leak);
    this.leaks.set(site, list);
  }

  addEmitter(e: Emitter): void {
    this.emitters.push(e);
  }

  private model(spec: SensorSpec): Signal {
    const { rng, startTime } = this.ctx;
    const key = sensorKey(spec);
    const sensorRng = rng(`sensor:${key}`);
    switch (spec.model) {
      case 'detector':
        return this.detector(spec, detectorBackground(spec, sensorRng, startTime));
      case 'ambient': {
        const air = this.ambientOf(spec.site);
        return (t) => air(t) + 0.05 * sensorRng.normal();
      }
      case 'cng-tank': {
        // Tanks take turns: cng-tank-2 runs its cycle three hours behind cng-tank-1.
        const offsetH = (Number(/(\d+)$/.exec(spec.asset)?.[1] ?? '1') - 1) * 3;
        const p = cngTank(startTime, offsetH, this.ambientOf(spec.site));
        return withNoise(p, new Drift(sensorRng, 0.01, 10 * 60_000), 0.008, sensorRng);
      }
      case 'lng-tank':
        return withNoise(lngTank(sensorRng), undefined, 0.001, sensorRng);
      case 'lpg-pressure': {
        const tank = this.lpgOf(spec.site);
        return withNoise((t) => tank.pressureAt(t), undefined, 0.002, sensorRng);
      }
      case 'lpg-level': {
        const tank = this.lpgOf(spec.site);
        return withNoise((t) => tank.levelAt(t), undefined, 0.04, sensorRng);
      }
    }
  }

  /** Background plus every leak of the same gas on the site, carried by that site's wind. */
  private detector(spec: SensorSpec, background: Signal): Signal {
    const turbulence = this.ctx.rng(`plume:${sensorKey(spec)}`);
    let paths: Array<{ leak: Leak; path: PlumePath }> | undefined;
    return (t) => {
      paths ??= (this.leaks.get(spec.site) ?? [])
        .filter((leak) => leak.gas === spec.gas)
        .map((leak) => ({ leak, path: plumePath(leak, spec.position, this.wind(spec.site)) }))
        .filter(({ path }) => path.factor > NEGLIGIBLE_FACTOR);
      let v = background(t);
      for (const { leak, path } of paths) {
        const c = leak.sourcePpm(t - path.delayMs) * path.factor;
        if (c > 0) {
          const g = path.gustiness;
          v += c * Math.exp(g * turbulence.normal() - (g * g) / 2);
        }
      }
      return v;
    };
  }

  private ambientOf(site: string): Signal {
    let s = this.ambient.get(site);
    if (s === undefined) {
      s = ambientAir(this.ctx.rng(`ambient:${site}`), this.ctx.startTime);
      this.ambient.set(site, s);
    }
    return s;
  }

  private lpgOf(site: string): LpgTank {
    let tank = this.lpg.get(site);
    if (tank === undefined) {
      tank = new LpgTank(this.ctx.rng(`lpg:${site}`), this.ctx.startTime);
      this.lpg.set(site, tank);
    }
    return tank;
  }
}

function withNoise(signal: Signal, drift: Drift | undefined, sigma: number, rng: { normal(): number }): Signal {
  return (t) => signal(t) + (drift?.at(t) ?? 0) + sigma * rng.normal();
}
