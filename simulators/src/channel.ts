/**
 * From a sensor's emission to the message on the wire: saturation at the range ends, resolution,
 * the unit the device speaks, and the payload form (object, gateway batch, bare number).
 */
import type { SimMessage } from './message.js';
import type { Rng } from './rng.js';
import {
  encodeBare,
  encodeBatch,
  encodeReading,
  fromPpm,
  type IntendedReading,
  quantise,
  toPpm,
  topicOf,
} from './wire.js';
import type { SimSensor } from './world.js';

/**
 * How often a sensor's payload takes a gateway's other forms. Both default to 0: every payload is
 * one JSON object, so runs are comparable unless a caller asks for variety.
 */
export interface FormatOptions {
  /** Probability that a reading starts a batch: it and the next `batchSize − 1` go out as one array. */
  batch?: number;
  /** Probability that a reading goes out as a bare JSON number (in the configured unit, no ts). */
  bare?: number;
  /** Readings per batch; default 3. */
  batchSize?: number;
}

export class Channel {
  private pending: IntendedReading[] | undefined;
  private readonly topic: string;
  /** The measuring range in the model's unit: ppm for gas detectors, the configured unit otherwise. */
  private readonly lo: number;
  private readonly hi: number;

  constructor(
    readonly sensor: SimSensor,
    private readonly startTime: number,
    private readonly duration: number,
    private readonly formats: Required<FormatOptions>,
    private readonly formatRng: Rng,
  ) {
    this.topic = topicOf(sensor.spec.site, sensor.spec.id);
    const { kind, gas, unit, range } = sensor.spec;
    [this.lo, this.hi] = kind === 'gas' ? [toPpm(range[0], unit, gas), toPpm(range[1], unit, gas)] : range;
  }

  fire(t: number): SimMessage | null {
    const s = this.sensor;
    const e = s.behaviour(t, () => s.measure(t));
    if (e === null) return null;
    const value = Math.min(this.hi, Math.max(this.lo, e.value));
    const ts = this.startTime + Math.round(t);
    const reading: IntendedReading = {
      value: quantise(this.inUnit(value, s.spec.wireUnit), s.spec.wireUnit),
      ts,
      unit: s.spec.wireUnit,
      status: e.status ?? 'ok',
    };
    // The last tick of the run flushes a batch in progress rather than losing its readings.
    const last = t + s.intervalMs >= this.duration;

    if (this.pending !== undefined) {
      this.pending.push(reading);
      if (this.pending.length < this.formats.batchSize && !last) return null;
      const batch = this.pending;
      this.pending = undefined;
      return this.message(ts, encodeBatch(batch), 'batch', batch);
    }
    const { batch, bare } = this.formats;
    if (batch > 0 || bare > 0) {
      const r = this.formatRng.next();
      if (r < batch && !last) {
        this.pending = [reading];
        return null;
      }
      if (r >= batch && r < batch + bare && reading.status === 'ok') {
        const v = quantise(this.inUnit(value, s.spec.unit), s.spec.unit);
        return this.message(ts, encodeBare(v), 'bare', [{ value: v, ts: null, unit: s.spec.unit, status: 'ok' }]);
      }
    }
    return this.message(ts, encodeReading(reading), 'object', [reading]);
  }

  /** A model value in `target`: gas detectors are modelled in ppm, everything else in its configured unit. */
  private inUnit(value: number, target: string): number {
    const { kind, unit, gas } = this.sensor.spec;
    if (kind === 'gas') return fromPpm(value, target, gas);
    if (target === unit) return value;
    throw new Error(`${this.sensor.key}: no conversion from ${unit} to ${target}`);
  }

  private message(at: number, payload: string, format: SimMessage['format'], readings: IntendedReading[]): SimMessage {
    const { site, id } = this.sensor.spec;
    return { at, topic: this.topic, site, sensor: id, payload, format, readings };
  }
}
