/**
 * Runs a scenario against a broker: the pure generator's messages, paced by the simulated clock and
 * published through a bounded window. The result lists exactly what was published.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectAsync, type MqttClient } from 'mqtt';
import { SimClock } from './clock.js';
import type { GarbageKind } from './garbage.js';
import type { PayloadFormat, SimMessage } from './message.js';
import { WindowedPublisher } from './publisher.js';
import { createSimulation, type Simulation, type SimulationOptions, type SimulationPlan } from './simulation.js';

export interface RunOptions extends SimulationOptions {
  /** Broker URL (`mqtt://127.0.0.1:1883`), or a connected MQTT.js client that the run will not end. */
  broker: string | MqttClient;
  /** Simulated seconds per wall second; Infinity or 'max' publishes as fast as the broker takes it. Default 1. */
  speed?: number | 'max';
  /** Default 1: each message awaits its PUBACK (within the in-flight window). */
  qos?: 0 | 1;
  /** Start again when the scenario ends, seed + 1 and simulated time continuing, until stopped. */
  loop?: boolean;
  signal?: AbortSignal;
  /** Keep every published message in the result (default true; the CLI and benchmarks turn it off). */
  record?: boolean;
  /** Messages awaiting acknowledgement at most. Default 64. */
  maxInFlight?: number;
  /** How long the end of a run waits for outstanding PUBACKs. Default 10 s. */
  drainTimeoutMs?: number;
  clientId?: string;
  username?: string;
  password?: string;
  /** Called after each message is handed to the client. */
  onPublish?: (message: PublishedMessage) => void;
}

export interface PublishedMessage extends SimMessage {
  qos: 0 | 1;
  /** 0 for the first pass, 1… for `loop` repetitions. */
  iteration: number;
}

export interface RunResult {
  plan: SimulationPlan;
  /** Every message handed to the broker, in order (empty when `record: false`). */
  messages: PublishedMessage[];
  published: number;
  /** PUBACKed (QoS 1) or written to the socket (QoS 0). */
  acknowledged: number;
  failed: number;
  /** Published but neither acknowledged nor failed when the drain timed out. */
  unacknowledged: number;
  errors: string[];
  /** Readings carried (a batch counts each of its readings; garbage none). */
  readings: number;
  bytes: number;
  byFormat: Record<PayloadFormat, number>;
  garbage: Partial<Record<GarbageKind, number>>;
  bySite: Record<string, number>;
  iterations: number;
  /** Simulated time of the first and last message, epoch ms (NaN when nothing was published). */
  firstAt: number;
  lastAt: number;
  wallMs: number;
  /** How far publication fell behind the simulated clock at worst, wall ms (0 at speed Infinity). */
  maxLagMs: number;
  /** True when stop() or the signal ended the run before the scenario did. */
  stopped: boolean;
}

export interface ScenarioRun {
  readonly plan: SimulationPlan;
  readonly done: Promise<RunResult>;
  /** Ends the run after the message in progress, waits for its acknowledgements, and resolves with the result. */
  stop(): Promise<RunResult>;
}

export function startScenario(options: RunOptions): ScenarioRun {
  const stopper = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stopper.signal]) : stopper.signal;
  const first = createSimulation(options);
  const done = execute(options, first, signal);
  return {
    plan: first.plan,
    done,
    stop() {
      stopper.abort();
      return done;
    },
  };
}

export function runScenario(options: RunOptions): Promise<RunResult> {
  return startScenario(options).done;
}

async function execute(o: RunOptions, first: Simulation, signal: AbortSignal): Promise<RunResult> {
  const { plan } = first;
  const speed = o.speed === 'max' ? Number.POSITIVE_INFINITY : (o.speed ?? 1);
  const qos = o.qos ?? 1;
  if (qos !== 0 && qos !== 1) throw new Error(`qos must be 0 or 1, got ${qos}`);
  const ownClient = typeof o.broker === 'string';
  const client =
    typeof o.broker === 'string'
      ? await connectAsync(
          o.broker,
          {
            clientId: o.clientId ?? `gaswatch-sim-${randomBytes(4).toString('hex')}`,
            clean: true,
            reconnectPeriod: 1000,
            connectTimeout: 10_000,
            username: o.username,
            password: o.password,
            // Reject when the first attempt fails instead of retrying forever; later drops do reconnect.
          },
          false,
        )
      : o.broker;

  const r: RunResult = {
    plan,
    messages: [],
    published: 0,
    acknowledged: 0,
    failed: 0,
    unacknowledged: 0,
    errors: [],
    readings: 0,
    bytes: 0,
    byFormat: { object: 0, batch: 0, bare: 0, garbage: 0 },
    garbage: {},
    bySite: {},
    iterations: 0,
    firstAt: Number.NaN,
    lastAt: Number.NaN,
    wallMs: 0,
    maxLagMs: 0,
    stopped: false,
  };
  const wallStart = performance.now();
  const publisher = new WindowedPublisher(client, qos, o.maxInFlight ?? 64);
  const clock = new SimClock(plan.startTime, speed);
  try {
    let sim = first;
    outer: for (let iteration = 0; ; iteration++) {
      r.iterations = iteration + 1;
      for (const m of sim.messages()) {
        if (signal.aborted) break outer;
        const delay = clock.delayUntil(m.at);
        if (delay >= 1) {
          const woke = await sleep(delay, true, { signal }).catch(() => false);
          if (!woke) break outer;
        } else if (-delay > r.maxLagMs) {
          r.maxLagMs = -delay;
        }
        if (!(await publisher.publish(m.topic, m.payload, signal))) break outer;
        tally(r, m);
        const published: PublishedMessage = { ...m, qos, iteration };
        if (o.record !== false) r.messages.push(published);
        o.onPublish?.(published);
      }
      const end = sim.plan.startTime + sim.plan.duration;
      if (!o.loop || !Number.isFinite(end)) break;
      sim = createSimulation({ ...o, seed: plan.seed + iteration + 1, startTime: end });
    }
    r.stopped = signal.aborted;
    const drained = await publisher.drain(o.drainTimeoutMs ?? 10_000);
    r.unacknowledged = drained ? 0 : publisher.pending;
  } finally {
    r.acknowledged = publisher.acknowledged;
    r.failed = publisher.failed;
    r.errors = publisher.errors;
    r.wallMs = performance.now() - wallStart;
    if (ownClient) await client.endAsync().catch(() => undefined);
  }
  return r;
}

function tally(r: RunResult, m: SimMessage): void {
  r.published++;
  r.readings += m.readings.length;
  r.bytes += Buffer.byteLength(m.payload);
  r.byFormat[m.format]++;
  if (m.garbage) r.garbage[m.garbage.kind] = (r.garbage[m.garbage.kind] ?? 0) + 1;
  r.bySite[m.site] = (r.bySite[m.site] ?? 0) + 1;
  if (Number.isNaN(r.firstAt)) r.firstAt = m.at;
  r.lastAt = m.at;
}
