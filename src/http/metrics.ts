/**
 * The daemon's Prometheus metrics, one typed object the rooms update. Gauges that mirror a live
 * value (alarm counts, spool size, MQTT link) read it at scrape time through `live`, so nothing
 * has to remember to set them. No per-sensor labels: at 100k sensors they would swamp Prometheus.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import {
  ALARM_STATES,
  type AlarmBatch,
  type AlarmRecord,
  type AlarmState,
  PRIORITIES,
  type Priority,
} from '../domain/types.js';

/** Callbacks the composition root sets once their owner exists; unset ones report nothing. */
export interface LiveSources {
  /** Counts of non-normal alarms; gauges for absent combinations read 0 so a series drops to 0, not stale. */
  alarmCounts?: () => Iterable<{ state: AlarmState; priority: Priority; count: number }>;
  spool?: () => { bytes: number; segments: number };
  mqttConnected?: () => boolean;
  /** Sites currently in an alarm flood (SPEC §2). */
  floodSites?: () => Iterable<string>;
  sseClients?: () => number;
  httpConnections?: () => number;
}

export interface GaswatchMetrics {
  registry: Registry;
  live: LiveSources;
  readings: Counter;
  rejected: Counter<'reason'>;
  unconfiguredReadings: Counter;
  evaluationErrors: Counter;
  alarms: Gauge<'state' | 'priority'>;
  alarmEvents: Counter<'type' | 'priority'>;
  alarmFlood: Gauge<'site'>;
  processing: Histogram;
  influxWrite: Histogram<'result'>;
  influxPoints: Counter<'result'>;
  spoolBytes: Gauge;
  spoolSegments: Gauge;
  spoolDropped: Counter;
  mqttConnected: Gauge;
  configReloads: Counter<'result'>;
  notifications: Counter<'channel' | 'result'>;
  httpLogins: Counter<'result'>;
  sseClients: Gauge;
  httpConnections: Gauge;
  httpShed: Counter<'reason'>;
}

export function createMetrics(opts: { defaultMetrics?: boolean } = {}): GaswatchMetrics {
  const registry = new Registry();
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'gaswatch_' });
  const live: LiveSources = {};
  const registers = [registry];

  const alarms = new Gauge<'state' | 'priority'>({
    name: 'gaswatch_alarms',
    help: 'Alarms not in state normal, by state and priority',
    labelNames: ['state', 'priority'],
    registers,
    collect() {
      if (!live.alarmCounts) return;
      for (const state of ALARM_STATES)
        if (state !== 'normal') for (const priority of PRIORITIES) this.set({ state, priority }, 0);
      for (const c of live.alarmCounts()) this.set({ state: c.state, priority: c.priority }, c.count);
    },
  });

  const alarmFlood = new Gauge<'site'>({
    name: 'gaswatch_alarm_flood',
    help: '1 while a site is in an alarm flood (more than 10 alarms in 10 minutes)',
    labelNames: ['site'],
    registers,
    collect() {
      if (!live.floodSites) return;
      this.reset();
      for (const site of live.floodSites()) this.set({ site }, 1);
    },
  });

  return {
    registry,
    live,
    readings: new Counter({ name: 'gaswatch_readings_total', help: 'Readings accepted', registers }),
    rejected: new Counter({
      name: 'gaswatch_rejected_messages_total',
      help: 'MQTT messages rejected, by reason',
      labelNames: ['reason'],
      registers,
    }),
    evaluationErrors: new Counter({
      name: 'gaswatch_evaluation_errors_total',
      help: 'Readings whose evaluation failed (a bug; the reading was stored anyway)',
      registers,
    }),
    unconfiguredReadings: new Counter({
      name: 'gaswatch_unconfigured_readings_total',
      help: 'Readings from sensors no config declares',
      registers,
    }),
    alarms,
    alarmEvents: new Counter({
      name: 'gaswatch_alarm_events_total',
      help: 'Alarm transitions, by event type and priority',
      labelNames: ['type', 'priority'],
      registers,
    }),
    alarmFlood,
    processing: new Histogram({
      name: 'gaswatch_processing_seconds',
      help: 'Time from receiving an MQTT message to its readings evaluated and queued for storage',
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    }),
    influxWrite: new Histogram({
      name: 'gaswatch_influx_write_seconds',
      help: 'Duration of InfluxDB batch writes, by result',
      labelNames: ['result'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    influxPoints: new Counter({
      name: 'gaswatch_influx_points_total',
      help: 'Points written to InfluxDB or the spool, by result',
      labelNames: ['result'],
      registers,
    }),
    spoolBytes: new Gauge({
      name: 'gaswatch_spool_bytes',
      help: 'Bytes waiting in the on-disk spool',
      registers,
      collect() {
        if (live.spool) this.set(live.spool().bytes);
      },
    }),
    spoolSegments: new Gauge({
      name: 'gaswatch_spool_segments',
      help: 'Segment files in the on-disk spool',
      registers,
      collect() {
        if (live.spool) this.set(live.spool().segments);
      },
    }),
    spoolDropped: new Counter({
      name: 'gaswatch_spool_dropped_total',
      help: 'Telemetry points dropped because the spool was full (alarm events are never dropped)',
      registers,
    }),
    mqttConnected: new Gauge({
      name: 'gaswatch_mqtt_connected',
      help: '1 while connected to the MQTT broker',
      registers,
      collect() {
        if (live.mqttConnected) this.set(live.mqttConnected() ? 1 : 0);
      },
    }),
    configReloads: new Counter({
      name: 'gaswatch_config_reload_total',
      help: 'Config reloads, by result (applied, rejected, unchanged)',
      labelNames: ['result'],
      registers,
    }),
    notifications: new Counter({
      name: 'gaswatch_notifications_total',
      help: 'Notification deliveries, by channel and result',
      labelNames: ['channel', 'result'],
      registers,
    }),
    httpLogins: new Counter({
      name: 'gaswatch_http_logins_total',
      help: 'Console logins, by result (ok, failed, rate_limited)',
      labelNames: ['result'],
      registers,
    }),
    sseClients: new Gauge({
      name: 'gaswatch_sse_clients',
      help: 'Browsers and clients connected to /api/events',
      registers,
      collect() {
        if (live.sseClients) this.set(live.sseClients());
      },
    }),
    httpConnections: new Gauge({
      name: 'gaswatch_http_connections',
      help: 'Open HTTP connections (the budget is logged at start)',
      registers,
      collect() {
        if (live.httpConnections) this.set(live.httpConnections());
      },
    }),
    httpShed: new Counter({
      name: 'gaswatch_http_shed_total',
      help:
        'HTTP connections closed or refused, and live streams refused, to keep the console reachable: ' +
        'address, capacity, refused (connections); stream_address, stream_identity, stream_full (streams)',
      labelNames: ['reason'],
      registers,
    }),
  };
}

/** Standing alarms counted by state and priority, for the `gaswatch_alarms` gauge. */
export function countAlarms(
  records: readonly AlarmRecord[],
): Iterable<{ state: AlarmState; priority: Priority; count: number }> {
  const counts = new Map<string, { state: AlarmState; priority: Priority; count: number }>();
  for (const r of records) {
    if (r.state === 'normal') continue; // listed only because shelved
    const key = `${r.state}/${r.priority}`;
    const c = counts.get(key) ?? { state: r.state, priority: r.priority, count: 0 };
    c.count++;
    counts.set(key, c);
  }
  return counts.values();
}

/** A batch from the alarm stream, counted by event type and priority. */
export function countAlarmEvents(m: GaswatchMetrics, batch: AlarmBatch): void {
  for (const e of batch.events) m.alarmEvents.inc({ type: e.type, priority: e.alarm.priority });
}

/** A commit of the store: its latency and points, by where they went. */
export function observeCommit(
  m: GaswatchMetrics,
  c: { points: number; target: 'influx' | 'spool' | 'failed'; ms: number },
): void {
  m.influxWrite.observe({ result: c.target }, c.ms / 1000);
  m.influxPoints.inc({ result: c.target }, c.points);
}

/** The hot path's counters (pipeline.ts `PipelineMetrics`). */
export function pipelineMetrics(m: GaswatchMetrics) {
  return {
    reading: (configured: boolean) => {
      m.readings.inc();
      if (!configured) m.unconfiguredReadings.inc();
    },
    rejected: (reason: string) => m.rejected.inc({ reason }),
    processed: (seconds: number) => m.processing.observe(seconds),
    evaluationFailed: () => m.evaluationErrors.inc(),
  };
}
