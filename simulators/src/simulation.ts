/**
 * The pure generator: scenario + options → the messages the sensors would publish, in simulated time
 * order, with no MQTT and no waiting. The MQTT runner (run.ts) paces and publishes exactly these.
 */
import { Channel, type FormatOptions } from './channel.js';
import { parseDuration } from './duration.js';
import { MinHeap } from './heap.js';
import { FACILITY, type SiteSpec } from './layout.js';
import type { SimMessage } from './message.js';
import { rngFactory } from './rng.js';
import type { ScenarioOptions } from './scenario.js';
import { getScenario } from './scenarios/index.js';
import { World } from './world.js';

export interface SimulationOptions {
  /** Registered scenario name (see `scenarioNames()`). */
  scenario: string;
  /** Same seed and options (startTime included) → the same messages, byte for byte. Default: random. */
  seed?: number;
  /** Simulated time zero: epoch ms, Date or ISO string. Default: now. */
  startTime?: number | Date | string;
  /** Simulated length: ms, or a duration string (`30s`, `10m`, `inf`). Default: the scenario's. */
  duration?: number | string;
  /** Publish rate per sensor, Hz (for `load`; elsewhere it overrides every sensor's interval). */
  rate?: number;
  /** `load` only: sites and sensors per site. */
  sites?: number;
  sensors?: number;
  /** Fault scenarios: the sensor to act on, `site/sensor`. */
  target?: string;
  formats?: FormatOptions;
}

export interface SimulationPlan {
  scenario: string;
  summary: string;
  seed: number;
  startTime: number;
  duration: number;
  sites: readonly SiteSpec[];
  /** Scenario facts: target, timings (ms after start), wind, nearby detectors… */
  details: Record<string, unknown>;
  notes: string[];
}

export interface Simulation {
  readonly plan: SimulationPlan;
  /** A fresh, lazy pass over the run each call: same messages every time. */
  messages(): Generator<SimMessage, void, undefined>;
}

export function createSimulation(options: SimulationOptions): Simulation {
  const scenario = getScenario(options.scenario);
  const opts = normalise(options, scenario.defaultDuration);
  const formats = normaliseFormats(options.formats);
  const build = () => {
    const sites = scenario.layout?.(opts) ?? FACILITY;
    const world = new World(sites, { ...opts, rng: rngFactory(opts.seed) });
    scenario.setup(world, opts);
    return world;
  };
  const probe = build();
  const plan: SimulationPlan = {
    scenario: scenario.name,
    summary: scenario.summary,
    seed: opts.seed,
    startTime: opts.startTime,
    duration: opts.duration,
    sites: probe.sites,
    details: probe.details,
    notes: probe.notes,
  };
  return {
    plan,
    messages: () => run(build(), opts, formats),
  };
}

/** Shorthand for `createSimulation(options).messages()`. */
export function generate(options: SimulationOptions): Generator<SimMessage, void, undefined> {
  return createSimulation(options).messages();
}

interface Source {
  next: number;
  tick: number;
  readonly phase: number;
  readonly interval: number;
  readonly order: number;
  fire(t: number): SimMessage | null;
}

function* run(world: World, opts: ScenarioOptions, formats: Required<FormatOptions>) {
  const heap = new MinHeap<Source>((a, b) => a.next < b.next || (a.next === b.next && a.order < b.order));
  const add = (phase: number, interval: number, order: number, fire: Source['fire']) =>
    heap.push({ next: phase, tick: 0, phase, interval, order, fire });
  for (const s of world.sensors) {
    const ch = new Channel(s, opts.startTime, opts.duration, formats, world.ctx.rng(`format:${s.key}`));
    add(s.phaseMs, s.intervalMs, s.order, (t) => ch.fire(t));
  }
  world.emitters.forEach((e, i) => {
    add(e.firstAt, e.intervalMs, world.sensors.length + i, (t) => e.emit(t));
  });

  for (;;) {
    const src = heap.peek();
    if (src === undefined || src.next >= opts.duration) return;
    const message = src.fire(src.next);
    // Multiply rather than accumulate so fractional intervals (3 Hz) never drift.
    src.tick++;
    src.next = src.phase + src.tick * src.interval;
    heap.siftTop();
    if (message !== null) yield message;
  }
}

function normalise(o: SimulationOptions, defaultDuration: number): ScenarioOptions {
  const seed = o.seed ?? Math.floor(Math.random() * 2 ** 31);
  if (!Number.isSafeInteger(seed)) throw new Error(`seed must be an integer, got ${o.seed}`);
  const startTime = toEpoch(o.startTime ?? Date.now());
  const duration = typeof o.duration === 'string' ? parseDuration(o.duration) : (o.duration ?? defaultDuration);
  if (!(duration > 0)) throw new Error(`duration must be positive, got ${o.duration}`);
  if (o.rate !== undefined && !(o.rate > 0 && Number.isFinite(o.rate))) {
    throw new Error(`rate must be a positive number of Hz, got ${o.rate}`);
  }
  for (const k of ['sites', 'sensors'] as const) {
    const v = o[k];
    if (v !== undefined && !(Number.isInteger(v) && v > 0))
      throw new Error(`${k} must be a positive integer, got ${v}`);
  }
  return { seed, startTime, duration, rate: o.rate, sites: o.sites, sensors: o.sensors, target: o.target };
}

function toEpoch(v: number | Date | string): number {
  const ms = typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : v.getTime();
  if (!Number.isFinite(ms)) throw new Error(`startTime is not a time: ${String(v)}`);
  return Math.round(ms);
}

function normaliseFormats(f: FormatOptions | undefined): Required<FormatOptions> {
  const out = { batch: f?.batch ?? 0, bare: f?.bare ?? 0, batchSize: f?.batchSize ?? 3 };
  if (!(out.batch >= 0 && out.bare >= 0 && out.batch + out.bare <= 1)) {
    throw new Error('formats.batch and formats.bare are probabilities with a sum of at most 1');
  }
  if (!(Number.isInteger(out.batchSize) && out.batchSize >= 2)) throw new Error('formats.batchSize must be ≥ 2');
  return out;
}
