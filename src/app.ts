/**
 * The composition root: builds every room from the config, lists the daemon's components with what
 * each needs, and wires the streams between them (STYLE habits 13–14). The runner starts them in
 * dependency order and stops them in reverse; nothing here decides anything about readings,
 * alarms or settings — that policy lives in the rooms.
 */
import path from 'node:path';
import { BookStore } from './alarms/book-store.js';
import { AlarmEngine } from './alarms/engine.js';
import { type LoadedConfig, loadConfig } from './config/load.js';
import { Reloader } from './config/reload.js';
import { ConfigWatcher } from './config/watch.js';
import type { AlarmBatch, Reading } from './domain/types.js';
import { countAlarmEvents, countAlarms, createMetrics, type GaswatchMetrics, observeCommit } from './http/metrics.js';
import { createHttpServer, type HttpServer } from './http/server.js';
import { BrokerHealth } from './ingest/broker-health.js';
import { type ConnectionOptions, MqttConnection } from './ingest/connection.js';
import { type EmbeddedBroker, startEmbeddedBroker } from './ingest/embedded-broker.js';
import { IdleFlush } from './ingest/idle-flush.js';
import { compilePattern, isOwnOrBrokerTopic, subscriptionFilters, type TopicPattern } from './ingest/topics.js';
import { Notifier } from './notify/notifier.js';
import { Pipeline } from './pipeline/pipeline.js';
import { AlarmPublisher } from './publish/alarm-publisher.js';
import { alarmEventPoint } from './store/points.js';
import { SpoolWatch } from './store/spool-watch.js';
import { createStore, type Store } from './store/store.js';
import { type Clock, systemClock } from './util/clock.js';
import { type Component, Runner } from './util/lifecycle.js';
import type { Logger } from './util/logger.js';
import { lockStateDir, type StateLock } from './util/state-lock.js';
import { Stream } from './util/stream.js';
import { SensorView } from './views/sensors.js';

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
  /**
   * Set the log level (`log.level`, at start and on every reload). The process shell passes it
   * (it owns the logger and the GASWATCH_LOG_LEVEL override); tests that capture logs do not.
   */
  setLogLevel?: (level: LoadedConfig['main']['log']['level']) => void;
}

/** A component that may also take a reloaded config (config/reload.ts). */
type Part = Component & { applyConfig?(next: LoadedConfig): void };

/** Everything built for one run: the parts tests and the demo look at, and the runner. */
interface Built {
  config(): LoadedConfig;
  metrics: GaswatchMetrics;
  store: Store;
  engine: AlarmEngine;
  sensors: SensorView;
  conn: MqttConnection;
  http: HttpServer | undefined;
  brokerHealth: BrokerHealth | undefined;
  runner: Runner;
  watcher: ConfigWatcher;
  broker(): EmbeddedBroker | undefined;
  httpUrl(): string | undefined;
}

export class App {
  readonly clock: Clock;
  readonly logger: Logger;
  private built: Built | undefined;
  private readonly since = new Date().toISOString();

  constructor(private readonly opts: AppOptions) {
    this.clock = opts.clock ?? systemClock;
    this.logger = opts.logger;
  }

  async start(): Promise<void> {
    const loaded = await loadConfig(this.opts.configFile);
    if (!loaded.ok) throw new ConfigError(loaded.errors);
    this.opts.setLogLevel?.(loaded.config.main.log.level);
    this.built = this.build(loaded.config);
    await this.built.runner.start();
    const c = this.built.config();
    let sensors = 0;
    for (const s of c.sites.values()) sensors += s.sensors.size;
    this.logger.info({ sites: c.sites.size, sensors, version: VERSION }, 'gaswatch running');
  }

  async stop(): Promise<void> {
    await this.built?.runner.stop();
    this.logger.info('gaswatch stopped');
  }

  /** Re-read the config now (SIGHUP). */
  async reload(): Promise<void> {
    await this.built?.watcher.reload();
  }

  readiness(): { ready: boolean; reasons: string[] } {
    const reasons: string[] = [];
    if (!this.built) reasons.push('config not loaded');
    else if (!this.built.runner.running) reasons.push('starting');
    if (!this.built?.conn.connected) reasons.push('MQTT not connected');
    return { ready: reasons.length === 0, reasons };
  }

  // The parts, for tests, the demo and benchmarks.
  /** The config in force (after reloads). */
  get config(): LoadedConfig {
    return this.need().config();
  }
  get engine(): AlarmEngine {
    return this.need().engine;
  }
  get sensors(): SensorView {
    return this.need().sensors;
  }
  get metrics(): GaswatchMetrics {
    return this.need().metrics;
  }
  get store(): Store {
    return this.need().store;
  }
  get conn(): MqttConnection {
    return this.need().conn;
  }
  get brokerHealth(): BrokerHealth | undefined {
    return this.built?.brokerHealth;
  }
  get broker(): EmbeddedBroker | undefined {
    return this.built?.broker();
  }
  get httpUrl(): string | undefined {
    return this.built?.httpUrl();
  }

  private need(): Built {
    if (!this.built) throw new Error('gaswatch is not started');
    return this.built;
  }

  private build(initial: LoadedConfig): Built {
    const { clock, opts } = this;
    const log = this.logger;
    let config = initial;
    const main = config.main;
    // Relative to the working directory, as the shipped config documents.
    const stateDir = path.resolve(main.state.dir);
    const prefix = main.mqtt.prefix;
    const metrics = createMetrics();
    const patterns: TopicPattern[] = main.mqtt.topics.map(compilePattern);
    const filters = (c: LoadedConfig) =>
      subscriptionFilters(patterns, c.main.mqtt.subscribe === 'sites' ? c.sites.keys() : undefined);

    // The two streams: what leaves the alarm book, and every accepted reading.
    const alarmsOut = new Stream<AlarmBatch>('alarms', log);
    const readings = new Stream<Reading>('readings', log);

    const bookStore = new BookStore(stateDir, log.child({ module: 'book' }));
    const engine = new AlarmEngine({
      clock,
      logger: log.child({ module: 'alarms' }),
      out: (batch) => alarmsOut.publish(batch),
      startupGrace: main.alarms.startupGrace,
    });
    const systemAlarms = engine.systemAlarms();
    const store = createStore({
      influx: main.influx,
      stateDir,
      clock,
      logger: log.child({ module: 'store' }),
      onCommit: (c) => {
        observeCommit(metrics, c);
        spoolWatch.check();
      },
    });
    const spoolWatch = new SpoolWatch({
      stats: () => store.stats(),
      alarms: systemAlarms,
      maxBytes: main.influx.spoolMaxBytes,
      clock,
      onDropped: (n) => metrics.spoolDropped.inc(n),
    });
    const sensors = new SensorView({ clock });

    let broker: EmbeddedBroker | undefined;
    const connOptions: ConnectionOptions = {
      // Replaced by the embedded broker's address when it has started (see its component).
      url: opts.mqttUrl ?? main.mqtt.url,
      clientId: main.mqtt.clientId,
      username: main.mqtt.username,
      password: main.mqtt.password,
      // aedes speaks MQTT 3.1.1 only.
      protocolVersion: main.mqtt.url === 'embedded' && !opts.mqttUrl ? 4 : main.mqtt.protocolVersion,
      receiveMaximum: main.mqtt.receiveMaximum,
      filters: filters(config),
      // Several instances each keep their own retained status (and Will).
      statusTopic: main.mqtt.instance ? `${prefix}/status/${main.mqtt.instance}` : `${prefix}/status`,
      onlinePayload: () => JSON.stringify({ state: 'online', since: this.since, version: VERSION }),
      offlinePayload: JSON.stringify({ state: 'offline' }),
    };
    const embedded = connOptions.url === 'embedded';
    const conn = new MqttConnection(connOptions, { logger: log.child({ module: 'mqtt' }), clock });
    const publisher = new AlarmPublisher({ conn, prefix, logger: log.child({ module: 'publish' }), alarms: engine });
    const notifier = new Notifier(main.notify, {
      clock,
      logger: log.child({ module: 'notify' }),
      alarms: {
        list: () => engine.list(),
        history: (q) => engine.history(q),
        entries: () => engine.entries(),
        sensorsApi: () => sensors,
      },
      notices: engine.commands,
      systemAlarms,
      sites: () => config.sites,
      counter: metrics.notifications,
    });
    const pipeline = new Pipeline({
      engine,
      store,
      clock,
      logger: log.child({ module: 'ingest' }),
      metrics: {
        reading: (configured) => {
          metrics.readings.inc();
          if (!configured) metrics.unconfiguredReadings.inc();
        },
        rejected: (reason) => metrics.rejected.inc({ reason }),
        processed: (s) => metrics.processing.observe(s),
        evaluationFailed: () => metrics.evaluationErrors.inc(),
      },
      sites: () => config.sites,
      patterns: () => patterns,
      maxPayload: main.mqtt.maxPayload,
      onReading: (r) => void readings.publish(r),
    });
    conn.onMessage((topic, payload) =>
      isOwnOrBrokerTopic(prefix, topic) ? undefined : pipeline.handle(topic, payload),
    );

    // Subscribers of the alarm stream, in order: the retained records first (the control room's
    // latency), then the durable ones (the book on disk, the store), then the rest.
    alarmsOut.subscribe((b) => publisher.onAlarms(b));
    alarmsOut.subscribe((b) => bookStore.save(b.events, () => engine.entries()), { durable: true });
    alarmsOut.subscribe((b) => (b.events.length ? store.write(b.events.map(alarmEventPoint)) : undefined), {
      durable: true,
    });
    alarmsOut.subscribe((b) => notifier.onAlarms(b));
    alarmsOut.subscribe((b) => sensors.onAlarms(b));
    alarmsOut.subscribe((b) => countAlarmEvents(metrics, b));
    readings.subscribe((r) => sensors.onReading(r));

    const http = main.http.enabled
      ? createHttpServer({
          listen: opts.httpListen ?? main.http.listen,
          alarms: engine,
          sensors,
          live: {
            onAlarmEvent: (fn) =>
              alarmsOut.subscribe((b) => {
                for (const e of b.events) fn(e);
              }),
            onReading: (fn) => readings.subscribe(fn),
          },
          health: { readiness: () => this.readiness() },
          metrics,
          operators: main.operators,
          anonymousViewer: main.http.anonymousViewer,
          logger: log,
          clock,
        })
      : undefined;
    let httpUrl: string | undefined;
    const brokerHealth = embedded
      ? undefined // aedes publishes no $SYS counters
      : new BrokerHealth({ conn, alarms: systemAlarms, clock, logger: log.child({ module: 'broker-health' }) });
    const idleFlush = new IdleFlush({ conn, commitNow: () => store.commitNow(), clock });
    const watcher = new ConfigWatcher({
      file: opts.configFile,
      current: config,
      onReload: (result, cause) => reloader.apply(result, cause),
      logger: log.child({ module: 'config' }),
    });
    let lock: StateLock | undefined;
    let ticker: { cancel(): void } | undefined;

    metrics.live.mqttConnected = () => conn.connected;
    metrics.live.spool = () => ({ bytes: store.stats().spoolBytes, segments: store.stats().spoolSegments });
    metrics.live.floodSites = () => engine.health().floodingSites;
    metrics.live.alarmCounts = () => countAlarms(engine.list());

    const parts: Part[] = [
      {
        name: 'state-lock',
        start: async () => {
          lock = await lockStateDir(stateDir);
        },
        stop: () => lock?.release(),
      },
      { name: 'store', needs: ['state-lock'], start: () => store.start(), stop: () => store.stop() },
      {
        name: 'alarms',
        needs: ['state-lock', 'store'],
        start: async () => {
          const restored = await bookStore.load();
          engine.restore(restored.entries, restored.journal);
          if (restored.entries.length) log.info({ alarms: restored.entries.length }, 'alarm book restored');
          void engine.applyConfig(config.sites).durable?.catch(() => undefined);
        },
        stop: () => bookStore.flush(),
        applyConfig: (c) =>
          void engine
            .applyConfig(c.sites, c.main.alarms.startupGrace)
            .durable?.catch((err) => log.error({ err }, 'persisting alarm state failed')),
      },
      {
        name: 'sensor-view',
        needs: ['alarms'],
        start: () => {
          sensors.applyConfig(config.sites);
          sensors.seed(engine.list());
        },
        applyConfig: (c) => sensors.applyConfig(c.sites),
      },
      {
        name: 'spool-watch',
        needs: ['store', 'alarms'],
        start: () => spoolWatch.start(),
        stop: () => spoolWatch.stop(),
      },
      {
        name: 'notifier',
        needs: ['alarms', 'sensor-view'],
        start: () => notifier.start(),
        stop: () => notifier.stop(),
        applyConfig: (c) => notifier.applyConfig(c.main.notify),
      },
      // The console and /readyz come up before the broker: with the broker down, operators must see why.
      {
        name: 'http',
        needs: ['alarms', 'sensor-view'],
        start: async () => {
          if (!http) return;
          httpUrl = (await http.start()).url;
        },
        stop: () => http?.stop(),
        applyConfig: (c) => http?.setOperators(c.main.operators),
      },
      {
        name: 'embedded-broker',
        start: async () => {
          if (!embedded) return;
          broker = await startEmbeddedBroker('127.0.0.1', 0, log.child({ module: 'broker' }));
          connOptions.url = broker.url;
          log.info({ url: broker.url }, 'embedded MQTT broker started');
        },
        stop: () => broker?.stop(),
      },
      {
        // Messages may arrive the moment we connect: everything the pipeline feeds is started first.
        name: 'mqtt',
        needs: ['embedded-broker', 'alarms', 'sensor-view', 'store', 'notifier', 'spool-watch'],
        start: async () => {
          try {
            await conn.start();
          } catch (err) {
            // Keep running: mqtt.js goes on reconnecting and /readyz says why we are not ready.
            log.error({ err: (err as Error).message }, 'MQTT broker not reachable yet; still trying');
          }
        },
        stop: async () => {
          // Make what we hold durable first, so the pending PUBACKs go out before we disconnect. (Not
          // a full flush: a long spool backlog would hold the stop up; it is replayed after the next start.)
          await store.durable().catch((err) => log.error({ err }, 'store commit failed'));
          await bookStore.flush().catch((err) => log.error({ err }, 'alarm book flush failed'));
          await conn.stop();
        },
        applyConfig: (c) => {
          // A partition that gained or lost sites subscribes to match.
          if (c.main.mqtt.subscribe === 'sites') conn.setFilters(filters(c));
        },
      },
      {
        name: 'publisher',
        needs: ['mqtt'],
        start: async () => {
          conn.onConnect(() => void publisher.syncRetained(engine.list()).catch(() => undefined));
          if (conn.connected) {
            publisher.startCommands();
            await publisher.syncRetained(engine.list());
          } else conn.onConnect(() => publisher.startCommands());
        },
        stop: () => publisher.stop(),
      },
      {
        name: 'broker-health',
        needs: ['mqtt', 'alarms'],
        start: () => brokerHealth?.start(),
        stop: () => brokerHealth?.stop(),
      },
      {
        name: 'ticker',
        needs: ['alarms'],
        start: () => {
          ticker = clock.setInterval(() => {
            try {
              void engine.tick().durable?.catch((err) => log.error({ err }, 'persisting alarm state failed'));
            } catch (err) {
              log.error({ err }, 'alarm tick failed');
            }
          }, 1000);
        },
        stop: () => ticker?.cancel(),
      },
      { name: 'idle-flush', needs: ['mqtt', 'store'], start: () => idleFlush.start(), stop: () => idleFlush.stop() },
      { name: 'logging', applyConfig: (c) => opts.setLogLevel?.(c.main.log.level) },
      {
        name: 'config-watch',
        needs: ['mqtt', 'http', 'notifier'],
        start: () => watcher.start(),
        stop: () => watcher.stop(),
      },
    ];
    const runner = new Runner(parts, log);
    const reloader = new Reloader({
      current: () => config,
      swap: (next) => {
        config = next;
      },
      appliers: () => runner.components as Part[],
      logger: log.child({ module: 'config' }),
      onOutcome: (result) => metrics.configReloads.inc({ result }),
    });
    return {
      config: () => config,
      metrics,
      store,
      engine,
      sensors,
      conn,
      http,
      brokerHealth,
      runner,
      watcher,
      broker: () => broker,
      httpUrl: () => httpUrl,
    };
  }
}
