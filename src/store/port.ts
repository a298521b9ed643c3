/**
 * The write port of the store room. The hot path hands points to `write()`; the promise resolves
 * once the points are durable — written to InfluxDB or appended and fsynced to the disk spool — and
 * only then does ingest acknowledge the MQTT message (SPEC §1, §5). An outage never rejects: points
 * go to the spool. `write()` rejects only when neither InfluxDB nor the spool can take the points
 * (disk failure), so that the message is not acknowledged and the broker redelivers it.
 */
export type FieldValue = number | string | boolean;

export interface Point {
  measurement: 'reading' | 'alarm_event' | string;
  tags: Record<string, string>;
  fields: Record<string, FieldValue>;
  /** Epoch milliseconds. */
  ts: number;
}

export interface StoreStats {
  /** Points written to InfluxDB since start. */
  written: number;
  /** Bytes and segment files in the spool now. */
  spoolBytes: number;
  spoolSegments: number;
  /** Telemetry points dropped because the spool was full (oldest first). */
  dropped: number;
  /** Points InfluxDB refused as bad (4xx), moved to the quarantine file. */
  quarantined: number;
  /** Write attempts that failed and were retried. */
  retries: number;
  /** Is InfluxDB reachable right now (last write or ping succeeded)? */
  connected: boolean;
}

export interface WritePort {
  start(): Promise<void>;
  write(points: Point[]): Promise<void>;
  /** Resolves when everything accepted so far is durable (and, if reachable, in InfluxDB). */
  flush(): Promise<void>;
  stop(): Promise<void>;
  stats(): StoreStats;
}

/**
 * A reading as a point. The hot path makes one per reading and holds it until its batch is durable,
 * so it is one small object whose strings are the sensor's own (from the config, shared by every
 * reading of the sensor); `tags` and `fields` are built only when something asks (the spool, the
 * quarantine), and line-protocol.ts encodes it without them.
 */
export class ReadingPoint implements Point {
  constructor(
    readonly site: string,
    readonly sensor: string,
    readonly kind: string,
    /** '' when the sensor has no asset. */
    readonly asset: string,
    readonly unit: string,
    readonly configured: boolean,
    readonly value: number,
    readonly ts: number,
  ) {}

  get measurement(): 'reading' {
    return 'reading';
  }

  get tags(): Record<string, string> {
    return {
      site: this.site,
      sensor: this.sensor,
      kind: this.kind,
      asset: this.asset,
      unit: this.unit,
      configured: this.configured ? 'true' : 'false',
    };
  }

  get fields(): Record<string, FieldValue> {
    return { value: this.value };
  }

  toJSON(): Point {
    return { measurement: 'reading', tags: this.tags, fields: this.fields, ts: this.ts };
  }
}

/**
 * Readings are stored as float `value` always: InfluxDB 1.x fixes a field's type at first write,
 * so an integer 12 written first would make every later 12.5 a type conflict.
 */
export function readingPoint(r: {
  site: string;
  sensor: string;
  kind: string;
  asset: string | undefined;
  unit: string;
  configured: boolean;
  value: number;
  ts: number;
}): Point {
  return new ReadingPoint(r.site, r.sensor, r.kind, r.asset ?? '', r.unit, r.configured, r.value, r.ts);
}
