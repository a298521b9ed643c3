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
  return {
    measurement: 'reading',
    tags: {
      site: r.site,
      sensor: r.sensor,
      kind: r.kind,
      asset: r.asset ?? '',
      unit: r.unit,
      configured: r.configured ? 'true' : 'false',
    },
    fields: { value: r.value },
    ts: r.ts,
  };
}
