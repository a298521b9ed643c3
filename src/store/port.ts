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
