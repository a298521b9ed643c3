/**
 * The wiring of the composition root (app.ts): every room built from the config, the streams
 * between them, and the list of components with what each needs — started by the runner in
 * dependency order, stopped in reverse (STYLE habits 13–14). Nothing here decides anything about
 * readings, alarms or settings; that policy lives in the rooms.
 *
 * Longer than 300 lines because it is the daemon's one wiring diagram: split, the order of the
 * streams' subscribers and of the components would have to be read across files.
 */
import path from 'node:path';
import { BookStore } from './alarms/book-store.js';
import { AlarmEngine } from './alarms/engine.js';
import type { AppOptions } from './app.js';
import type { LoadedConfig } from './config/load.js';
import { Reloader } from './config/reload.js';
import { ConfigWatcher } from './config/watch.js';
import type { HazardBatch } from './domain/hazards.js';
import type { AlarmBatch, Reading } from './domain/types.js';
import { HazardsComponent } from './hazards/component.js';
import type { HazardRegister } from './hazards/register.js';
import {
  countAlarmEvents,
  countAlarms,
  createMetrics,
  type GaswatchMetrics,
  observeCommit,
  pipelineMetrics,
} from './http/metrics.js';
import { createHttpServer, type HttpServer, httpSettings } from './http/server.js';
import { BrokerHealth } from './ingest/broker-health.js';
import { type ConnectionOptions, MqttConnection } from './ingest/connection.js';
import { type EmbeddedBroker, startEmbeddedBroker } from './ingest/embedded-broker.js';
import { IdleFlush } from './ingest/idle-flush.js';
import { PoisonGuard } from './ingest/poison.js';
import { SessionWatch } from './ingest/session-watch.js';
import { compilePattern, isOwnOrBrokerTopic, subscriptionFilters, type TopicPattern } from './ingest/topics.js';
import { KpiService } from './kpis/service.js';
import { HazardNotices } from './notify/hazard-notices.js';
import { Notifier } from './notify/notifier.js';
import { createOpsMetrics, type OpsMetrics } from './ops-metrics.js';
import { Pipeline } from './pipeline/pipeline.js';
import { AlarmPublisher } from './publish/alarm-publisher.js';
import { COMMAND_MAX_BYTES, CommandHandler } from './publish/commands.js';
import { HazardPublisher } from './publish/hazard-publisher.js';
import { hazardEventPoint } from './store/hazard-points.js';
import { InfluxAlarmHistory } from './store/history.js';
import { alarmEventPoint } from './store/points.js';
import { SpoolWatch } from './store/spool-watch.js';
import { createStore, type Store } from './store/store.js';
import type { Clock } from './util/clock.js';
import { type Component, Runner } from './util/lifecycle.js';
import type { Logger } from './util/logger.js';
import type { Redactor } from './util/redact.js';
import { lockStateDir, type StateLock } from './util/state-lock.js';
import { Stream } from './util/stream.js';
import { SensorView } from './views/sensors.js';

export const VERSION = '0.1.0';
/** A topic (at most 64 KiB) and MQTT 5 properties around a payload. */
const PACKET_OVERHEAD = 66 * 1024;

export interface ComposeContext {
  opts: AppOptions;
  clock: Clock;
  logger: Logger;
  /** When this process started, for the retained status. */
  since: string;
  /** The environment as started (`${env:}` on reload reads it). */
  env: NodeJS.ProcessEnv;
  /** Masks the config's secrets in every log line; told the new ones on reload. */
  redactor: Redactor;
  readiness(): { ready: boolean; reasons: string[] };
}

/** A component that may also take a reloaded config (config/reload.ts). */
type Part = Component & { applyConfig?(next: LoadedConfig): void };

/** Everything built for one run: the runner, and the parts tests and the demo look at. */
export interface Composed {
  config(): LoadedConfig;
  metrics: GaswatchMetrics;
  ops: OpsMetrics;
  store: Store;
  engine: AlarmEngine;
  hazards: HazardRegister;
  kpis: KpiService;
  sensors: SensorView;
  conn: MqttConnection;
  http: HttpServer | undefined;
  brokerHealth: BrokerHealth | undefined;
  runner: Runner;
  watcher: ConfigWatcher;
  broker(): EmbeddedBroker | undefined;
  httpUrl(): string | undefined;
}

export function compose(initial: LoadedConfig, ctx: ComposeContext): Composed {
  const { clock, opts } = ctx;
  const log = ctx.logger;
  let config = initial;
  const main = config.main;
  // Relative to the working directory, as the shipped config documents.
  const stateDir = path.resolve(main.state.dir);
  const prefix = main.mqtt.prefix;
  const metrics = createMetrics();
  const ops = createOpsMetrics(metrics.registry);
  const patterns: TopicPattern[] = main.mqtt.topics.map(compilePattern);
  const filters = (c: LoadedConfig) =>
    subscriptionFilters(patterns, c.main.mqtt.subscribe === 'sites' ? c.sites.keys() : undefined);

  // The streams: what leaves the alarm book, every accepted reading, and what leaves the hazard register.
  const alarmsOut = new Stream<AlarmBatch>('alarms', log);
  const readings = new Stream<Reading>('readings', log);
  const hazardsOut = new Stream<HazardBatch>('hazards', log);

  const bookStore = new BookStore({
    dir: stateDir,
    logger: log.child({ module: 'book' }),
    clock,
    onFailure: () => ops.stateWriteFailures.inc(),
    // Acks and alarm changes are only in memory until the disk takes them: an operator must know.
    onHealth: (f) =>
      systemAlarms.set(
        'state-write',
        f !== null,
        'high',
        f
          ? `alarm state cannot be written to the state directory (${f.error}) for ${Math.round(f.sinceMs / 1000)} s: ` +
              `${f.pendingEvents} changes held in memory and retried`
          : '',
      ),
  });
  const engine = new AlarmEngine({
    clock,
    logger: log.child({ module: 'alarms' }),
    out: (batch) => alarmsOut.publish(batch),
    startupGrace: main.alarms.startupGrace,
    locale: () => config.main.locale,
  });
  const systemAlarms = engine.systemAlarms();
  const store = createStore({
    influx: main.influx,
    influxCa: config.tls.influx?.ca,
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
  const hazards = new HazardsComponent({
    config,
    stateDir,
    clock,
    logger: log.child({ module: 'hazards' }),
    out: (batch) => hazardsOut.publish(batch),
    sites: () => config.sites,
    standing: () => engine.list(),
    systemAlarms,
  });
  const register = hazards.register;
  const kpis = new KpiService({
    journal: () => engine.history({ limit: Number.POSITIVE_INFINITY }),
    standing: () => engine.list(),
    stored: main.influx.enabled ? new InfluxAlarmHistory(main.influx, config.tls.influx?.ca) : undefined,
    now: () => clock.now(),
  });

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
    // The largest message we accept (telemetry or command) plus its topic and properties.
    maximumPacketSize: Math.max(main.mqtt.maxPayload, COMMAND_MAX_BYTES) + PACKET_OVERHEAD,
    filters: filters(config),
    onPublish: (packet) => poison.received(packet),
    tls: main.mqtt.url === 'embedded' ? undefined : config.tls.mqtt,
    // Several instances each keep their own retained status (and Will).
    statusTopic: main.mqtt.instance ? `${prefix}/status/${main.mqtt.instance}` : `${prefix}/status`,
    onlinePayload: () => JSON.stringify({ state: 'online', since: ctx.since, version: VERSION }),
    offlinePayload: JSON.stringify({ state: 'offline' }),
  };
  const embedded = connOptions.url === 'embedded';
  const conn = new MqttConnection(connOptions, { logger: log.child({ module: 'mqtt' }), clock });
  // The message being handled is recorded, so one that crashes the daemon is quarantined when it comes again.
  const poison = new PoisonGuard({
    dir: stateDir,
    logger: log.child({ module: 'poison' }),
    clock,
    onQuarantine: (q) => {
      ops.poisonMessages.inc();
      poisoned++;
      const topic = q.topic.length > 200 ? `${q.topic.slice(0, 200)}…` : q.topic;
      const message =
        `a message on ${topic} (${q.bytes} bytes) crashed gaswatch (${q.verdict}); delivered again, it was ` +
        `quarantined unprocessed to ${path.relative(stateDir, q.file) || q.file} in the state directory`;
      // Raised and cleared at once: it stays on the console (cleared, unacknowledged) until an operator acks it.
      for (const active of [true, false]) systemAlarms.set('poison-message', active, 'high', message, poisoned);
    },
  });
  let poisoned = 0;
  const publisher = new AlarmPublisher({
    conn,
    prefix,
    logger: log.child({ module: 'publish' }),
    skipping: () => poison.skipping(),
    commands: new CommandHandler({
      alarms: engine,
      operators: () => config.main.operators,
      requireToken: main.mqtt.commands.requireToken,
      logger: log.child({ module: 'commands' }),
      accepted: (verb) => ops.commands.inc({ verb }),
      refused: (reason) => ops.commandsRefused.inc({ reason }),
      now: () => clock.now(),
    }),
  });
  const notifier = new Notifier(main.notify, {
    clock,
    logger: log.child({ module: 'notify' }),
    alarms: {
      list: () => engine.list(),
      history: (q) => engine.history(q),
      entries: () => engine.entries(),
      sensorsApi: () => sensors,
      hazards: () => register.list(),
      kpis: (from, to) => kpis.fromJournal(from, to),
    },
    notices: engine.commands,
    systemAlarms,
    sites: () => config.sites,
    counter: metrics.notifications,
    settings: () => ({ locale: config.main.locale, timezone: config.main.timezone }),
  });
  const pipeline = new Pipeline({
    engine,
    store,
    clock,
    logger: log.child({ module: 'ingest' }),
    metrics: pipelineMetrics(metrics),
    sites: () => config.sites,
    patterns: () => patterns,
    maxPayload: main.mqtt.maxPayload,
    onReading: (r) => void readings.publish(r),
  });
  const hazardPublisher = new HazardPublisher({ conn, prefix, logger: log.child({ module: 'publish' }) });
  const hazardNotices = new HazardNotices({
    notifier,
    sites: () => config.sites,
    logger: log.child({ module: 'notify' }),
  });
  conn.onMessage((topic, payload) =>
    isOwnOrBrokerTopic(prefix, topic) || poison.skipping() ? undefined : pipeline.handle(topic, payload),
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
  alarmsOut.subscribe((b) => register.onAlarms(b));
  readings.subscribe((r) => sensors.onReading(r));
  readings.subscribe((r) => register.onReading(r));
  // The hazard register's output: retained records and events, the register on disk (what a
  // command's answer waits for), hazard_event points, and the people the events are addressed to.
  hazardsOut.subscribe((b) => hazardPublisher.onHazards(b));
  hazardsOut.subscribe(() => hazards.persist(), { durable: true });
  hazardsOut.subscribe((b) => (b.events.length ? store.write(b.events.map(hazardEventPoint)) : undefined));
  hazardsOut.subscribe((b) => hazardNotices.onHazards(b));

  const http = main.http.enabled
    ? createHttpServer({
        listen: opts.httpListen ?? main.http.listen,
        alarms: engine,
        sensors: {
          list: () => sensors.list(),
          trend: (site, sensor) => sensors.trend(site, sensor),
          // A site's name and zone for the console: its own zone, else the main file's, else the machine's.
          site: (id) => {
            const site = config.sites.get(id);
            const zone = site?.timezone ?? config.main.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
            return { name: site?.name ?? null, timezone: zone };
          },
        },
        live: {
          onAlarmEvent: (fn) =>
            alarmsOut.subscribe((b) => {
              for (const e of b.events) fn(e);
            }),
          onReading: (fn) => readings.subscribe(fn),
          onHazards: (fn) => hazardsOut.subscribe(fn),
        },
        health: { readiness: () => ctx.readiness() },
        hazards: register,
        kpis: { compute: (from, to, site) => kpis.compute(from, to, site) },
        metrics,
        operators: main.operators,
        ...httpSettings(main.http),
        logger: log,
        clock,
      })
    : undefined;
  let httpUrl: string | undefined;
  const brokerHealth = embedded
    ? undefined // aedes publishes no $SYS counters
    : new BrokerHealth({ conn, alarms: systemAlarms, clock, logger: log.child({ module: 'broker-health' }) });
  const sessionWatch = new SessionWatch({
    stateDir,
    clientId: main.mqtt.clientId,
    alarms: systemAlarms,
    logger: log.child({ module: 'mqtt' }),
  });
  // The embedded broker keeps sessions in memory and restarts with the daemon: nothing to watch.
  if (!embedded) conn.onConnect(({ sessionPresent }) => sessionWatch.connected(sessionPresent));
  const idleFlush = new IdleFlush({ conn, commitNow: () => store.commitNow(), clock });
  const watcher = new ConfigWatcher({
    file: opts.configFile,
    current: config,
    onReload: (result, cause) => reloader.apply(result, cause),
    logger: log.child({ module: 'config' }),
    env: ctx.env,
  });
  let lock: StateLock | undefined;
  let ticker: { cancel(): void } | undefined;

  Object.assign(metrics.live, {
    mqttConnected: () => conn.connected,
    spool: () => ({ bytes: store.stats().spoolBytes, segments: store.stats().spoolSegments }),
    floodSites: () => engine.health().floodingSites,
    alarmCounts: () => countAlarms(engine.list()),
  } satisfies typeof metrics.live);
  ops.live.unconfigured = () => sensors.unconfiguredStats();

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
    {
      name: 'hazards',
      needs: ['state-lock', 'alarms', 'store', 'notifier'],
      start: () => hazards.start(),
      stop: () => hazards.stop(),
      applyConfig: (c) => hazards.applyConfig(c),
    },
    // The console and /readyz come up before the broker: with the broker down, operators must see why.
    {
      name: 'http',
      // The hazard endpoints use the register: restored before the first request, saved after the last.
      needs: ['alarms', 'sensor-view', 'hazards'],
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
    // The message being handled is recorded from the first one on (needs the state directory).
    { name: 'poison-guard', needs: ['state-lock'], start: () => poison.start(), stop: () => poison.stop() },
    { name: 'session-watch', needs: ['state-lock', 'alarms'], start: () => sessionWatch.start() },
    {
      // Messages may arrive the moment we connect: everything the pipeline feeds is started first.
      name: 'mqtt',
      needs: [
        'embedded-broker',
        'alarms',
        'sensor-view',
        'store',
        'notifier',
        'spool-watch',
        'poison-guard',
        'session-watch',
        'hazards',
      ],
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
        conn.onConnect(() => void publisher.syncRetained(() => engine.list()).catch(() => undefined));
        if (conn.connected) {
          publisher.startCommands();
          await publisher.syncRetained(() => engine.list());
        } else conn.onConnect(() => publisher.startCommands());
      },
      stop: () => publisher.stop(),
    },
    {
      name: 'hazard-publisher',
      needs: ['mqtt', 'hazards'],
      start: () => {
        const sync = () =>
          void hazardPublisher
            .syncRetained(
              () => register.list(),
              (f) => conn.readRetained(f, 1000),
            )
            .catch(() => undefined);
        conn.onConnect(sync);
        if (conn.connected) sync();
      },
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
    {
      name: 'logging',
      applyConfig: (c) => {
        ctx.redactor.setSecrets(c.secrets);
        opts.setLogLevel?.(c.main.log.level);
      },
    },
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
    ops,
    store,
    engine,
    hazards: register,
    kpis,
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
