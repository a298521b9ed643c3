import type { GarbageTag } from './garbage.js';
import type { IntendedReading } from './wire.js';

export type PayloadFormat = 'object' | 'batch' | 'bare' | 'garbage';

/** One MQTT message the simulator publishes (or, from the pure generator, would publish). */
export interface SimMessage {
  /** Simulated time of publication, epoch ms. */
  at: number;
  topic: string;
  site: string;
  sensor: string;
  /** Exactly the bytes on the wire, as a UTF-8 string. */
  payload: string;
  format: PayloadFormat;
  /** What the payload means; empty for garbage. */
  readings: IntendedReading[];
  /** Set on malformed payloads only. */
  garbage?: GarbageTag;
}
