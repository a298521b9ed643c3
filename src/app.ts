/**
 * The composition root: builds every room from the config, starts them in order and stops them in
 * reverse (STYLE habit 1). Nothing else in src/ constructs a dependency of another room.
 */
import path from 'node:path';
import { BookStore } from './alarms/book-store.js';
import { AlarmEngine } from './alarms/engine.js';
import { alarmEventPoint } from './alarms/event-point.js';
import { diffConfig } from './config/diff.js';
import { type LoadedConfig, type LoadResult, loadConfig } from './config/load.js';
import { ConfigWatcher, type ReloadCause } from './config/watch.js';
import type { AlarmEvent, Reading } from './domain/types.js';
import { createMetrics, type GaswatchMetrics } from './http/metrics.js';
import { createHttpServer, type HttpServer } from './http/server.js';
import { BrokerHealth } from './ingest/broker-health.js';
import { MqttConnection } from './ingest/connection.js';
import { type EmbeddedBroker, startEmbeddedBroker } from './ingest/embedded-broker.js';
import { Pipeline } from './ingest/pipeline.js';
import { compilePattern, subscriptionFilters, type TopicPattern } from './ingest/topics.js';
import { Notifier } from './notify/notifier.js';
import { AlarmPublisher } from './publish/alarm-publisher.js';
import { createStore, type Store } from './store/store.js';
import { Bus } from './util/bus.js';
import { type Clock, systemClock, type Timer } from './util/clock.js';
import type { Logger } from './util/logger.js';
import { lockStateDir, type StateLock } from './util/state-lock.js';

export const VERSION = '0.1.0';

export class ConfigError extends Error {
  constructor(readonly lines: string[]) {
    super(`invalid config:\n${lines.join('\n')}`);
  }
}

export interface AppOptions {
  configFile: string;
  logger: Logger;
  clock?: Clock;
  /** Override the HTTP listen address (tests, demo). */
  httpListen?: string;
  /** Use this broker URL instead of the config's (demo). */
  mqttUrl?: string;
}

type AppEvents = { alarm: AlarmEvent; reading: Reading };

export class App {
  readonly clock: Clock;
  readonly logger: Logger;
  config!: LoadedConfig;
  engine!: AlarmEngine;
  metrics!: GaswatchMetrics;
  store!: Store;
  conn!: MqttConnection;
  http: HttpServer | undefined;
  httpUrl: string | undefined;
  broker: EmbeddedBroker | undefined;
  brokerHealth: BrokerHealth | undefined;
  private bus: Bus<AppEvents>;
  private book!: BookStore;
  private publisher!: AlarmPublisher;
  private pipeline!: Pipeline;
  private notifier: Notifier | undefined;
  private patterns: TopicPattern[] = [];
  private ticker: Timer | undefined;
  private watcher: ConfigWatcher | undefined;
  private droppedSeen = 0;
  private started = false;
  private stateLock: StateLock | undefined;
  private spoolFull = false;
  private idleFlusher: Timer | undefined;
  private receivedAtLastCheck = 0;
  private readonly since = new Date().toISOString();

  constructor(private readonly opts: AppOptions) {
    this.clock = opts.clock ?? systemClock;
    this.logger = opts.logger;
    this.bus = new Bus<AppEvents>(opts.logger);
  }

  async start(): Promise<void> {
    const loaded = await loadConfig(this.opts.configFile);
    if (!loaded.ok) throw new ConfigError(loaded.errors);
    this.config = loaded.config;
    const main = this.config.main;
    // Relative to the working directory, as the shipped config documents.
    const stateDir = path.resolve(main.state.dir);
    const log = this.logger;
    this.metrics = createMetrics();
    this.patterns = main.mqtt.topics.map(compilePattern);

    this.stateLock = await lockStateDir(stateDir);
    this.book = new BookStore(stateDir, log.child({ module: 'book' }));
    this.store = createStore({
      influx: main.influx,
      stateDir,
      clock: this.clock,
      logger: log.child({ module: 'store' }),
      onCommit: (c) => {
        this.metrics.influxWrite.observe({ result: c.target }, c.ms / 1000);
        this.metrics.influxPoints.inc({ result: c.target }, c.points);
        const dropped = this.store.stats().dropped;
        if (dropped > this.droppedSeen) {
          this.metrics.spoolDropped.inc(dropped - this.droppedSeen);
          // Readings are being lost: that is an alarm about the monitor itself, not just a metric.
          this.spoolFull = true;
          void this.engine
            .setSystemAlarm(
              'spool-full',
              true,
              'high',
              `InfluxDB unreachable and the spool is full: ${dropped} oldest readings dropped`,
              dropped,
            )
            .durable?.catch(() => undefined);
        }
        this.droppedSeen = dropped;
      },
    });
    this.engine = new AlarmEngine({
      clock: this.clock,
      logger: log.child({ module: 'alarms' }),
      startupGrace: main.alarms.startupGrace,
      sink: (events) => {
        for (const e of events) {
          this.metrics.alarmEvents.inc({ type: e.type, priority: e.alarm.priority });
          this.bus.emit('alarm', e);
        }
      },
      persist: (entries, events) =>
        Promise.all([
          this.book.save(entries, events),
          events.length ? this.store.write(events.map(alarmEventPoint)) : undefined,
        ]).then(() => undefined),
      onRecord: (r) => this.publisher?.record(r),
    });
    const restored = await this.book.load();
    this.engine.restore(restored.entries, restored.journal);
    if (restored.entries.length) log.info({ alarms: restored.entries.length }, 'alarm book restored');
    this.engine.applyConfig(this.config.sites);
    await this.store.start();

    let url = this.opts.mqttUrl ?? main.mqtt.url;
    if (url === 'embedded') {
      this.broker = await startEmbeddedBroker('127.0.0.1', 0, log.child({ module: 'broker' }));
      url = this.broker.url;
      log.info({ url }, 'embedded MQTT broker started');
    }
    const prefix = main.mqtt.prefix;
    this.conn = new MqttConnection(
      {
        url,
        clientId: main.mqtt.clientId,
        username: main.mqtt.username,
        password: main.mqtt.password,
        // aedes speaks MQTT 3.1.1 only.
        protocolVersion: this.broker ? 4 : main.mqtt.protocolVersion,
        receiveMaximum: main.mqtt.receiveMaximum,
        filters: this.filters(this.config),
        // Several instances each keep their own retained status (and Will).
        statusTopic: main.mqtt.instance ? `${prefix}/status/${main.mqtt.instance}` : `${prefix}/status`,
        onlinePayload: () => JSON.stringify({ state: 'online', since: this.since, version: VERSION }),
        offlinePayload: JSON.stringify({ state: 'offline' }),
        // Four batches waiting to be durable keep InfluxDB busy (two commits in flight, one filling,
        // one spare); more is only memory.
        saturated: () => this.store.pending() >= Math.max(20_000, 4 * main.influx.batchSize),
      },
      { logger: log.child({ module: 'mqtt' }), clock: this.clock },
    );
    this.publisher = new AlarmPublisher({
      conn: this.conn,
      prefix,
      logger: log.child({ module: 'publish' }),
      alarms: this.engine,
    });
    this.bus.on('alarm', (e) => this.publisher.events([e]));
    // Before the connection starts, so that alarms raised from a persistent session's queued
    // readings are routed too; resumed escalations are recorded once this start() yields.
    this.notifier = new Notifier(main.notify, {
      clock: this.clock,
      logger: log.child({ module: 'notify' }),
      engine: this.engine,
      sites: () => this.config.sites,
      counter: this.metrics.notifications,
    });
    this.bus.on('alarm', (e) => this.notifier?.onEvent(e));
    this.notifier.start();
    this.pipeline = new Pipeline({
      engine: this.engine,
      store: this.store,
      clock: this.clock,
      logger: log.child({ module: 'ingest' }),
      metrics: {
        reading: (configured) => {
          this.metrics.readings.inc();
          if (!configured) this.metrics.unconfiguredReadings.inc();
        },
        rejected: (reason) => this.metrics.rejected.inc({ reason }),
        processed: (s) => this.metrics.processing.observe(s),
        evaluationFailed: () => this.metrics.evaluationErrors.inc(),
      },
      sites: () => this.config.sites,
      patterns: () => this.patterns,
      maxPayload: main.mqtt.maxPayload,
      onReading: (r) => this.bus.emit('reading', r),
    });
    // Our own topics and the broker's $SYS (BrokerHealth) arrive here too; they are not telemetry.
    this.conn.onMessage((topic, payload) =>
      topic.startsWith(`${prefix}/`) || topic.startsWith('$') ? undefined : this.pipeline.handle(topic, payload),
    );
    this.wireMetrics();

    // The console and /readyz come up before the broker: with the broker down, operators must see why.
    if (main.http.enabled) {
      this.http = createHttpServer({
        listen: this.opts.httpListen ?? main.http.listen,
        alarms: this.engine,
        sensors: this.engine.sensorsApi(),
        live: {
          onAlarmEvent: (fn) => this.bus.on('alarm', fn),
          onReading: (fn) => this.bus.on('reading', fn),
        },
        health: { readiness: () => this.readiness() },
        metrics: this.metrics,
        operators: main.operators,
        anonymousViewer: main.http.anonymousViewer,
        logger: log,
        clock: this.clock,
      });
      this.httpUrl = (await this.http.start()).url;
      log.info({ url: this.httpUrl }, 'HTTP listening');
    }

    try {
      await this.conn.start();
    } catch (err) {
      // Keep running: mqtt.js goes on reconnecting and /readyz says why we are not ready.
      log.error({ err: (err as Error).message }, 'MQTT broker not reachable yet; still trying');
    }
    this.conn.onConnect(() => void this.publisher.syncRetained(this.engine.list()).catch(() => undefined));
    if (this.conn.connected) {
      this.publisher.startCommands();
      await this.publisher.syncRetained(this.engine.list());
    } else this.conn.onConnect(() => this.publisher.startCommands());
    // Messages the broker drops never reach us; only its $SYS counter tells. aedes has none.
    if (!this.broker) {
      this.brokerHealth = new BrokerHealth({
        conn: this.conn,
        engine: this.engine,
        clock: this.clock,
        logger: log.child({ module: 'broker-health' }),
      });
      this.brokerHealth.start();
    }

    this.ticker = this.clock.setInterval(() => this.tick(), 1000);
    // When the stream pauses with messages waiting for their PUBACK (a broker with a small
    // in-flight window, e.g. MQTT 3.1.1), commit now rather than at flushInterval: the broker sends
    // no more until we acknowledge.
    this.idleFlusher = this.clock.setInterval(() => {
      const received = this.conn.received;
      if (received === this.receivedAtLastCheck && this.conn.unacked > 0) this.store.commitNow();
      this.receivedAtLastCheck = received;
    }, 20);

    this.watcher = new ConfigWatcher({
      file: this.opts.configFile,
      current: this.config,
      onReload: (result, cause) => this.applyReload(result, cause),
      logger: log.child({ module: 'config' }),
    });
    await this.watcher.start();
    this.started = true;
    log.info(
      { sites: this.config.sites.size, sensors: countSensors(this.config), version: VERSION },
      'gaswatch running',
    );
  }

  /** Telemetry subscriptions: every site, or only this instance's partition of sites. */
  private filters(config: LoadedConfig): string[] {
    return subscriptionFilters(this.patterns, config.main.mqtt.subscribe === 'sites' ? config.sites.keys() : undefined);
  }

  /** Re-read the config now (SIGHUP). */
  async reload(): Promise<void> {
    await this.watcher?.reload();
  }

  /**
   * Validate-then-swap (STYLE habit 5): an invalid config is reported and the running one stays;
   * a valid one applies sites, profiles and operators at once, keeping alarm state. Connection
   * settings are reported as needing a restart and keep their running values.
   */
  private applyReload(result: LoadResult, cause: ReloadCause): void {
    const log = this.logger.child({ module: 'config' });
    if (!result.ok) {
      this.metrics.configReloads.inc({ result: 'rejected' });
      log.error(
        { cause, errors: result.errors },
        `config rejected (${result.errors.length} errors); the running config stays`,
      );
      for (const line of result.errors) log.error(line);
      return;
    }
    const next = result.config;
    const diff = diffConfig(this.config, next);
    const changes =
      diff.setpointChanges.length +
      diff.addedSensors.length +
      diff.removedSensors.length +
      diff.removedConditions.length +
      diff.otherChanges.length +
      diff.liveChanges.length;
    if (changes === 0 && diff.restartNeeded.length === 0) {
      this.metrics.configReloads.inc({ result: 'unchanged' });
      log.info({ cause }, 'config re-read: no change');
      return;
    }
    for (const line of diff.setpointChanges) log.info({ change: line }, `setpoint ${line}`);
    for (const id of diff.addedSensors) log.info({ sensor: id }, `sensor added: ${id}`);
    for (const id of diff.removedSensors) log.warn({ sensor: id }, `sensor removed: ${id} (its alarms are closed)`);
    for (const line of diff.otherChanges) log.info({ change: line }, `changed ${line}`);
    if (diff.restartNeeded.length)
      log.warn(
        { keys: diff.restartNeeded },
        `changed ${diff.restartNeeded.join(', ')}: needs a restart; running values kept`,
      );
    const old = this.config.main;
    this.config = {
      ...next,
      main: { ...next.main, mqtt: old.mqtt, influx: old.influx, http: old.http, state: old.state },
    };
    const res = this.engine.applyConfig(next.sites);
    void res.durable?.catch((err) => log.error({ err }, 'persisting alarm state failed'));
    this.http?.setOperators(next.main.operators);
    // A partition that gained or lost sites subscribes to match.
    if (old.mqtt.subscribe === 'sites') this.conn.setFilters(this.filters(this.config));
    this.notifier?.applyConfig(next.main.notify);
    this.metrics.configReloads.inc({ result: 'applied' });
    log.info({ cause, changes }, 'config applied');
  }

  /** Evaluate time-driven conditions; a failure is logged and the next tick tries again. */
  tick(): void {
    try {
      if (this.spoolFull && this.store.stats().spoolBytes < this.config.main.influx.spoolMaxBytes / 2) {
        this.spoolFull = false;
        void this.engine.setSystemAlarm('spool-full', false, 'high', '').durable?.catch(() => undefined);
      }
      const res = this.engine.tick();
      void res.durable?.catch((err) => this.logger.error({ err }, 'persisting alarm state failed'));
    } catch (err) {
      this.logger.error({ err }, 'alarm tick failed');
    }
  }

  readiness(): { ready: boolean; reasons: string[] } {
    const reasons: string[] = [];
    if (!this.config) reasons.push('config not loaded');
    else if (!this.started) reasons.push('starting');
    if (!this.conn?.connected) reasons.push('MQTT not connected');
    return { ready: reasons.length === 0, reasons };
  }

  private wireMetrics(): void {
    const live = this.metrics.live;
    live.mqttConnected = () => this.conn.connected;
    live.spool = () => {
      const s = this.store.stats();
      return { bytes: s.spoolBytes, segments: s.spoolSegments };
    };
    live.floodSites = () => this.engine.health().floodingSites;
    live.alarmCounts = () => {
      const counts = new Map<string, { state: never; priority: never; count: number }>();
      for (const r of this.engine.list()) {
        if (r.state === 'normal') continue; // listed only because shelved
        const key = `${r.state}/${r.priority}`;
        const c = counts.get(key) ?? { state: r.state as never, priority: r.priority as never, count: 0 };
        c.count++;
        counts.set(key, c);
      }
      return counts.values();
    };
  }

  async stop(): Promise<void> {
    const log = this.logger;
    await this.watcher?.stop();
    this.ticker?.cancel();
    this.idleFlusher?.cancel();
    this.notifier?.stop();
    await this.http?.stop().catch((err) => log.error({ err }, 'HTTP stop failed'));
    // Make what we hold durable first, so the pending PUBACKs go out before we disconnect. (Not
    // flush(): a long spool backlog would hold the stop up; it is replayed after the next start.)
    await this.store?.durable().catch((err) => log.error({ err }, 'store commit failed'));
    await this.book?.flush().catch((err) => log.error({ err }, 'alarm book flush failed'));
    this.brokerHealth?.stop();
    this.publisher?.stop();
    await this.conn?.stop().catch((err) => log.error({ err }, 'MQTT stop failed'));
    await this.store?.stop().catch((err) => log.error({ err }, 'store stop failed'));
    await this.broker?.stop().catch((err) => log.error({ err }, 'embedded broker stop failed'));
    await this.stateLock?.release().catch((err) => log.error({ err }, 'releasing the state lock failed'));
    log.info('gaswatch stopped');
  }
}

function countSensors(c: LoadedConfig): number {
  let n = 0;
  for (const s of c.sites.values()) n += s.sensors.size;
  return n;
}
