/**
 * The hot path, as plain function calls a benchmark can follow (STYLE "the house"):
 * topic → decode → normalize → evaluate/alarms → store. Returns the promise the MQTT connection
 * waits on before it acknowledges the message: the readings and any alarm events they caused are
 * durable once it resolves. This room only joins the others; each step lives in its own room.
 */

import type { HandleResult } from '../alarms/book.js';
import { decodePayload, type Rejection } from '../decode/json.js';
import { normalize } from '../decode/normalize.js';
import { isValidId } from '../domain/ids.js';
import type { SiteDef } from '../domain/sensor.js';
import { type Reading, SYSTEM_SITE } from '../domain/types.js';
import { parseTopic, type TopicPattern } from '../ingest/topics.js';
import { ReadingPoint } from '../store/points.js';
import type { Point, WritePort } from '../store/port.js';
import type { Clock } from '../util/clock.js';
import { type Logger, RateLimitedLog } from '../util/logger.js';

export interface PipelineMetrics {
  reading(configured: boolean): void;
  rejected(reason: string): void;
  processed(seconds: number): void;
  /** Evaluation threw (a bug): the reading was stored anyway. */
  evaluationFailed(): void;
}

export interface PipelineDeps {
  engine: { handle(r: Reading): HandleResult };
  store: WritePort;
  clock: Clock;
  logger: Logger;
  metrics: PipelineMetrics;
  /** Current config (swapped on reload). */
  sites: () => Map<string, SiteDef>;
  patterns: () => readonly TopicPattern[];
  maxPayload: number;
  /** Listeners of accepted readings (SSE). */
  onReading?: (r: Reading) => void;
}

const EXCERPT = 120;
const TOPIC_EXCERPT = 200;

/**
 * Why a topic's ids break SPEC §4's one id rule, or null when they keep it. Nothing that breaks it
 * is stored or shown: the console and the API could not address it again. The site `_gaswatch` is
 * gaswatch's own: a reading there would pose as a system alarm's sensor.
 */
export function badIds(site: string, sensor: string): string | null {
  if (!isValidId(site))
    return 'site id breaks the id rule (1–128 letters, digits, ".", "_", "-", not starting with ".")';
  if (!isValidId(sensor))
    return 'sensor id breaks the id rule (1–128 letters, digits, ".", "_", "-", not starting with ".")';
  if (site === SYSTEM_SITE) return `the site ${SYSTEM_SITE} is reserved for gaswatch’s own alarms`;
  return null;
}

export class Pipeline {
  private readonly rejectLog = new RateLimitedLog(60_000);

  constructor(private readonly deps: PipelineDeps) {}

  handle(topic: string, payload: Buffer): Promise<unknown> | undefined {
    const d = this.deps;
    const started = performance.now();
    const where = parseTopic(d.patterns(), topic);
    if (!where) {
      this.reject(topic, payload, { reason: 'bad_topic', detail: 'topic matches no telemetry pattern' });
      return undefined;
    }
    const bad = badIds(where.site, where.sensor);
    if (bad) {
      this.reject(topic, payload, { reason: 'bad_topic', detail: bad });
      return undefined;
    }
    const now = d.clock.now();
    const decoded = decodePayload(payload, now, d.maxPayload);
    for (const r of decoded.rejections) this.reject(topic, payload, r);
    if (decoded.readings.length === 0) return undefined;
    const def = d.sites().get(where.site)?.sensors.get(where.sensor);
    // The config's own strings when the sensor is declared: every point held until its batch is
    // durable then shares them instead of keeping copies cut from its topic.
    const site = def ? def.site : where.site;
    const sensor = def ? def.id : where.sensor;
    const points: Point[] = [];
    let durable: Promise<unknown>[] | undefined;
    // Batches may arrive out of order; evaluate in time order so delays and roc see the true sequence.
    const raws = decoded.readings.length > 1 ? decoded.readings.sort((a, b) => a.ts - b.ts) : decoded.readings;
    for (const raw of raws) {
      const reading = normalize(site, sensor, raw, def);
      if ('reason' in reading) {
        this.reject(topic, payload, reading);
        continue;
      }
      d.metrics.reading(reading.configured);
      try {
        const res = d.engine.handle(reading);
        if (res.durable) {
          durable ??= [];
          durable.push(res.durable);
        }
      } catch (err) {
        // A bug in evaluation must not cost the reading: it is still stored (and acknowledged).
        this.evaluationFailed(topic, err);
      }
      points.push(
        new ReadingPoint(
          site,
          sensor,
          def?.kind ?? '',
          def?.asset ?? '',
          reading.unit,
          reading.configured,
          reading.value,
          reading.ts,
        ),
      );
      d.onReading?.(reading);
    }
    d.metrics.processed((performance.now() - started) / 1000);
    if (points.length === 0) return undefined;
    const written = d.store.write(points);
    return durable ? Promise.all([written, ...durable]) : written;
  }

  private evaluationFailed(topic: string, err: unknown): void {
    this.deps.metrics.evaluationFailed();
    if (this.rejectLog.take(`eval:${topic}`, this.deps.clock.now()) >= 0)
      this.deps.logger.error({ err, topic }, 'evaluating a reading failed; the reading is stored');
  }

  private reject(topic: string, payload: Buffer, r: Rejection): void {
    this.deps.metrics.rejected(r.reason);
    // Bad topics are limited as one key: a flood of random topics must not mean a line per message.
    const suppressed = this.rejectLog.take(r.reason === 'bad_topic' ? 'bad_topic' : topic, this.deps.clock.now());
    if (suppressed < 0) return;
    this.deps.logger.warn(
      {
        topic: topic.length > TOPIC_EXCERPT ? `${topic.slice(0, TOPIC_EXCERPT)}…` : topic,
        reason: r.reason,
        detail: r.detail,
        excerpt: payload.subarray(0, EXCERPT).toString('utf8'),
        bytes: payload.length,
        ...(suppressed > 0 ? { suppressedSinceLast: suppressed } : {}),
      },
      'payload rejected',
    );
  }
}
