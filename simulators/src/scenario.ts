/**
 * What a scenario is: a name, a default length, and a `setup` that shapes the world (leaks, faults,
 * extra emitters) before the first reading. One small file per scenario in scenarios/, registered in
 * scenarios/index.ts.
 */
import type { SiteSpec } from './layout.js';
import type { SimSensor, World } from './world.js';

export interface ScenarioOptions {
  seed: number;
  /** Epoch ms of simulated time zero. */
  startTime: number;
  /** Simulated length, ms (Infinity for no end). */
  duration: number;
  /** Publish rate of every sensor, Hz, overriding the layout's intervals. */
  rate?: number | undefined;
  /** `load` only: number of sites and sensors per site. */
  sites?: number | undefined;
  sensors?: number | undefined;
  /** The sensor a fault scenario acts on, `site/sensor`; each scenario has a default. */
  target?: string | undefined;
}

export interface Scenario {
  readonly name: string;
  /** One line for `--help` and the README. */
  readonly summary: string;
  /** Simulated length when the caller gives none, ms. */
  readonly defaultDuration: number;
  /** The sites it runs on; the facility (FACILITY) when absent. */
  layout?(opts: ScenarioOptions): readonly SiteSpec[];
  setup(world: World, opts: ScenarioOptions): void;
}

/**
 * The scenario's target sensor: `given` or the default, which must pass `accept`; otherwise an error
 * naming the sensors that would do.
 */
export function resolveTarget(
  world: World,
  given: string | undefined,
  fallback: string,
  accept: (s: SimSensor) => boolean,
  what: string,
): SimSensor {
  const key = given ?? fallback;
  const fits = world.sensors.filter(accept).map((s) => s.key);
  const found = world.sensors.find((s) => s.key === key);
  if (found === undefined || !accept(found)) {
    throw new Error(`target "${key}" is not ${what}; choose one of: ${fits.join(', ')}`);
  }
  return found;
}

export const isGasDetector = (s: SimSensor): boolean => s.spec.kind === 'gas' && s.spec.gas !== undefined;

/** 0 before `from`, rising linearly to 1 at `to`, 1 after. */
export function ramp(t: number, from: number, to: number): number {
  if (t <= from) return 0;
  if (t >= to) return 1;
  return (t - from) / (to - from);
}

export const SECOND = 1000;
export const MINUTE = 60_000;
