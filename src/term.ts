/**
 * The active set: the rooms and components that only the node holding the partition runs — the
 * partition's MQTT connection, the pipeline, the alarm engine and its book on disk, the publishers,
 * the notifier and escalation, the hazard register, the timed passes — wired to the daemon's
 * streams (STYLE habits 13–14). A single node builds it once and runs it for its whole life
 * (compose.ts lists its parts beside the process's own); a node of a hot-standby pair (src/ha/)
 * builds a fresh one for each term it is active and discards it when it steps down, so nothing of
 * an old term — a timer, a queued publish, a half-restored book — can act in a later one.
 *
 * Longer than 300 lines because it is the active set's one wiring diagram: split, the order of its
 * stream subscribers and of its components would have to be read across files.
 */
import path from 'node:path';
import { adoptRecords } from './alarms/adopt.js';
import type { AlarmEntry } from './alarms/book.js';
import { BookStore } from './alarms/book-store.js';
import { AlarmEngine } from './alarms/engine.js';
import type { AppOptions } from './app.js';
import type { LoadedConfig } from './config/load.js';
import type { HazardBatch, HazardRecord } from './domain/hazards.js';
import type { AlarmBatch, AlarmEvent, AlarmRecord, Reading } from './domain/types.js';
import type { TermLink } from './ha/active-set.js';
import { Gate } from './ha/gate.js';
import { adoptHazards } from './hazards/adopt.js';
import { HazardsComponent } from './hazards/component.js';
import { countAlarmEvents, type GaswatchMetrics, pipelineMetrics } from './http/metrics.js';
import { BrokerHealth } from './ingest/broker-health.js';
import { MqttConnection } from './ingest/connection.js';
import type { ConnectionOptions } from './ingest/connection-options.js';
import { type EmbeddedBroker, startEmbeddedBroker } from './ingest/embedded-broker.js';
import { IdleFlush } from './ingest/idle-flush.js';
import { PoisonGuard } from './ingest/poison.js';
import { SessionWatch } from './ingest/session-watch.js';
import { isOwnOrBrokerTopic, type TopicPattern } from './ingest/topics.js';
import { KpiService } from './kpis/service.js';
import { HazardNotices } from './notify/hazard-notices.js';
import { Notifier } from './notify/notifier.js';
import type { OpsMetrics } from './ops-metrics.js';
import { Pipeline } from './pipeline/pipeline.js';
import { AlarmPublisher } from './publish/alarm-publisher.js';
import { COMMAND_MAX_BYTES, CommandHandler } from './publish/commands.js';
import { HazardPublisher } from './publish/hazard-publisher.js';
import { hazardEventPoint } from './store/hazard-points.js';
import { InfluxAlarmHistory } from './store/history.js';
import { alarmEventPoint } from './store/points.js';
import { SpoolWatch } from './store/spool-watch.js';
import type { Store } from './store/store.js';
import type { Clock, Timer } from './util/clock.js';
import type { Component } from './util/lifecycle.js';
import type { Logger } from './util/logger.js';
import type { Stream } from './util/stream.js';
import { SensorView } from './views/sensors.js';

/** A topic (at most 64 KiB) and MQTT 5 properties around a payload. */
const PACKET_OVERHEAD = 66 * 1024;

/** A component that may also take a reloaded config (config/reload.ts). */
export type Part = Component & { applyConfig?(next: LoadedConfig): void };

export interface Streams {
  alarmsOut: Stream<AlarmBatch>;
  readings: Stream<Reading>;
  hazardsOut: Stream<HazardBatch>;
}

/**
 * What a term of a hot-standby pair needs from the node: its link to the controller
 * (ha/active-set.ts), and what compose-pair.ts adds for the active set.
 */
export interface TermHa extends TermLink {
  node: string;
  takeoverAfter: number;
  /** The retained alarm and hazard records of this partition, as the node sees them now. */
  alarmRecords(): AlarmRecord[];
  hazardRecords(): HazardRecord[];
  /** Events of the other node seen but not yet in this node's journal. */
  takeEvents(): AlarmEvent[];
  /** Sites of this partition (and gaswatch's own alarms when the node holds every site). */
  owns(site: string): boolean;
}

export interface TermContext {
  /** The config in force (after reloads). */
  config: () => LoadedConfig;
  opts: AppOptions;
  clock: Clock;
  logger: Logger;
  since: string;
  version: string;
  stateDir: string;
  metrics: GaswatchMetrics;
  ops: OpsMetrics;
  store: Store;
  streams: Streams;
  patterns: TopicPattern[];
  filters: (c: LoadedConfig) => string[];
  /** Which sites' retained records this node owns (a partition must not clear another's). */
  owns: (site: string) => boolean;
  /** Set for a node of a hot-standby pair. */
  ha?: TermHa | undefined;
}

export interface Term {
  /** The parts before the console in a single node's start order, and those after it. */
  core: Part[];
  io: Part[];
  engine: AlarmEngine;
  hazards: HazardsComponent;
  kpis: KpiService;
  sensors: SensorView;
  conn: MqttConnection;
  notifier: Notifier;
  spoolWatch: SpoolWatch;
  brokerHealth: BrokerHealth | undefined;
  broker(): EmbeddedBroker | undefined;
  /** Republish the online status now (a node of a pair asserting its term). */
  assertStatus(): void;
  /** Unsubscribe from the daemon's streams (after the parts stopped). */
  close(): void;
}

export function buildTerm(ctx: TermContext): Term {
  const { clock, opts, metrics, ops, store, ha } = ctx;
  const { alarmsOut, readings, hazardsOut } = ctx.streams;
  const log = ctx.logger;
  const config = ctx.config;
  const main = config().main;
  const stateDir = ctx.stateDir;
  const prefix = main.mqtt.prefix;

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
          ? {
              key: 'stateWriteFailing',
              vars: { error: f.error, seconds: Math.round(f.sinceMs / 1000), pending: f.pendingEvents },
            }
          : '',
      ),
  });
  const engine = new AlarmEngine({
    clock,
    logger: log.child({ module: 'alarms' }),
    out: (batch) => alarmsOut.publish(batch),
    startupGrace: main.alarms.startupGrace,
    locale: () => config().main.locale,
    instance: main.mqtt.instance,
  });
  const systemAlarms = engine.systemAlarms();
  const spoolWatch = new SpoolWatch({
    stats: () => store.stats(),
    alarms: systemAlarms,
    maxBytes: main.influx.spoolMaxBytes,
    clock,
    onDropped: (n) => metrics.spoolDropped.inc(n),
  });
  const sensors = new SensorView({ clock });
  const hazards = new HazardsComponent({
    config: config(),
    stateDir,
    clock,
    logger: log.child({ module: 'hazards' }),
    out: (batch) => hazardsOut.publish(batch),
    sites: () => config().sites,
    standing: () => engine.list(),
    systemAlarms,
    // A node taking a partition over from another: the retained records are the truth (hazards/adopt.ts).
    adopt: ha?.adopt
      ? (doc) => adoptHazards(doc, ha.hazardRecords(), ha.owns, config().main.hazards.escalateAfter)
      : undefined,
  });
  const register = hazards.register;
  const kpis = new KpiService({
    journal: () => engine.history({ limit: Number.POSITIVE_INFINITY }),
    standing: () => engine.list(),
    stored: main.influx.enabled ? new InfluxAlarmHistory(main.influx, config().tls.influx?.ca) : undefined,
    now: () => clock.now(),
  });

  let broker: EmbeddedBroker | undefined;
  const statusTopic = main.mqtt.instance ? `${prefix}/status/${main.mqtt.instance}` : `${prefix}/status`;
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
    filters: ctx.filters(config()),
    onPublish: (packet) => poison.received(packet),
    tls: main.mqtt.url === 'embedded' ? undefined : config().tls.mqtt,
    // Several instances each keep their own retained status (and Will).
    statusTopic,
    onlinePayload: ha
      ? ha.onlinePayload
      : () => JSON.stringify({ state: 'online', since: ctx.since, version: ctx.version }),
    offlinePayload: ha ? ha.offlinePayload : JSON.stringify({ state: 'offline' }),
    // Four batches waiting to be durable keep InfluxDB busy (two commits in flight, one filling,
    // one spare); more is only memory.
    saturated: () => store.pending() >= Math.max(20_000, 4 * main.influx.batchSize),
    ...(ha
      ? { reconnect: false, onClose: (code) => ha.onPartitionClosed(code), statusOnStop: () => !ha.deposed() }
      : {}),
  };
  const embedded = connOptions.url === 'embedded';
  const conn = new MqttConnection(connOptions, { logger: log.child({ module: 'mqtt' }), clock });
  /** The first connect was cut short by a stop: not a broker to report as unreachable. */
  let mqttAborted = false;
  // The message being handled is recorded, so one that crashes the daemon is quarantined when it comes again.
  const poison = new PoisonGuard({
    dir: stateDir,
    logger: log.child({ module: 'poison' }),
    clock,
    onQuarantine: (q) => {
      ops.poisonMessages.inc();
      poisoned++;
      const topic = q.topic.length > 200 ? `${q.topic.slice(0, 200)}…` : q.topic;
      const file = path.relative(stateDir, q.file) || q.file;
      const message = { key: 'poisonQuarantined', vars: { topic, bytes: q.bytes, verdict: q.verdict, file } };
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
    owns: ctx.owns,
    commands: new CommandHandler({
      alarms: engine,
      operators: () => config().main.operators,
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
    sites: () => config().sites,
    counter: metrics.notifications,
    settings: () => ({ locale: config().main.locale, timezone: config().main.timezone }),
    stateDir,
  });
  const pipeline = new Pipeline({
    engine,
    store,
    clock,
    logger: log.child({ module: 'ingest' }),
    metrics: pipelineMetrics(metrics),
    sites: () => config().sites,
    patterns: () => ctx.patterns,
    maxPayload: main.mqtt.maxPayload,
    onReading: (r) => void readings.publish(r),
  });
  const hazardPublisher = new HazardPublisher({
    conn,
    prefix,
    logger: log.child({ module: 'publish' }),
    owns: ctx.owns,
  });
  const hazardNotices = new HazardNotices({
    notifier,
    sites: () => config().sites,
    logger: log.child({ module: 'notify' }),
  });
  // A node taking over connects (and so fences the partition) before it has restored the alarm
  // state; messages the broker hands it meanwhile wait, in order, until the state is restored.
  const gate = new Gate((topic, payload) => pipeline.handle(topic, payload));
  if (ha)
    conn.onMessage((topic, payload) =>
      isOwnOrBrokerTopic(prefix, topic) || poison.skipping() ? undefined : gate.through(topic, payload),
    );
  else
    conn.onMessage((topic, payload) =>
      isOwnOrBrokerTopic(prefix, topic) || poison.skipping() ? undefined : pipeline.handle(topic, payload),
    );

  // Subscribers of the alarm stream, in order: the retained records first (the control room's
  // latency), then the durable ones (the book on disk, the store), then the rest.
  const subscriptions = [
    alarmsOut.subscribe((b) => publisher.onAlarms(b)),
    alarmsOut.subscribe((b) => bookStore.save(b.events, () => engine.entries()), { durable: true }),
    alarmsOut.subscribe((b) => (b.events.length ? store.write(b.events.map(alarmEventPoint)) : undefined), {
      durable: true,
    }),
    alarmsOut.subscribe((b) => notifier.onAlarms(b)),
    alarmsOut.subscribe((b) => sensors.onAlarms(b)),
    alarmsOut.subscribe((b) => countAlarmEvents(metrics, b)),
    alarmsOut.subscribe((b) => register.onAlarms(b)),
    readings.subscribe((r) => sensors.onReading(r)),
    readings.subscribe((r) => register.onReading(r)),
    // The hazard register's output: retained records and events, the register on disk (what a
    // command's answer waits for), hazard_event points, and the people the events are addressed to.
    hazardsOut.subscribe((b) => hazardPublisher.onHazards(b)),
    hazardsOut.subscribe(() => hazards.persist(), { durable: true }),
    hazardsOut.subscribe((b) => (b.events.length ? store.write(b.events.map(hazardEventPoint)) : undefined)),
    hazardsOut.subscribe((b) => hazardNotices.onHazards(b)),
  ];

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
  let ticker: Timer | undefined;
  let heartbeat: Timer | undefined;
  /** When the broker last acknowledged our status (the lease of a pair's active node). */
  let leaseRenewed = clock.now();
  const assertStatus = () => {
    if (conn.connected)
      conn
        .publish(statusTopic, connOptions.onlinePayload(), { retain: true, qos: 1 })
        .then(() => {
          leaseRenewed = clock.now();
        })
        .catch((err) => log.error({ err: (err as Error).message }, 'publishing the online status failed'));
  };
  // A connection the network has silently dropped looks alive for up to 1.5 × keep-alive; the
  // standby takes over takeoverAfter after the last heartbeat it heard. So the active node stops
  // acting when its heartbeat has gone unacknowledged for 2/3 of that, before the other starts.
  const beat = (h: TermHa) => {
    if (clock.now() - leaseRenewed > (2 * h.takeoverAfter) / 3) h.onLeaseLapsed();
    else assertStatus();
  };

  // A node of a pair has the partition fenced first: its connection (taking the session over from
  // whoever held it), then its view of the retained records complete, then everything else.
  const fence: Part[] = ha
    ? [
        { name: 'poison-guard', start: () => poison.start(), stop: () => poison.stop() },
        { name: 'session-watch', start: () => sessionWatch.start() },
        {
          name: 'fence',
          needs: ['poison-guard', 'session-watch'],
          start: async () => {
            await conn.start(Math.min(15_000, Math.max(5_000, ha.takeoverAfter)));
            await ha.sync();
          },
          abort: () => {
            conn.stop(true).catch(() => undefined);
          },
          // A connection to a broker that no longer answers can take minutes to close: not a reason
          // to hold up the demotion (it never reconnects, and the session is someone else's by now).
          stop: async () => {
            let timer: Timer | undefined;
            const stopped = conn.stop(!conn.connected);
            await Promise.race([stopped, new Promise<void>((r) => (timer = clock.setTimeout(r, 5000)))]);
            timer?.cancel();
          },
        },
      ]
    : [];
  const after = (names: string[]) => (ha ? ['fence', ...names] : names);
  const core: Part[] = [
    ...fence,
    {
      name: 'alarms',
      needs: after(['state-lock', 'store']),
      start: async () => {
        const restored = await bookStore.load();
        let entries: AlarmEntry[] = restored.entries;
        let journal = restored.journal;
        if (ha) {
          // The retained records are the truth of a partition taken over from another node
          // (alarms/adopt.ts); the other node's events this node saw join its journal, so
          // escalation knows who was reached.
          if (ha.adopt) {
            const adopted = adoptRecords(entries, ha.alarmRecords(), clock.now(), ha.owns);
            entries = adopted.entries;
            for (const line of adopted.notes) log.info({ module: 'ha' }, line);
          }
          const seen = ha.takeEvents();
          journal = [...journal, ...seen];
          if (seen.length) void bookStore.save(seen, () => engine.entries()).catch(() => undefined);
        }
        engine.restore(entries, journal);
        if (entries.length) log.info({ alarms: entries.length }, 'alarm book restored');
        void engine.applyConfig(config().sites).durable?.catch(() => undefined);
      },
      stop: () => bookStore.flush(),
      applyConfig: (c) =>
        void engine
          .applyConfig(c.sites, c.main.alarms.startupGrace)
          .durable?.catch((err) => log.error({ err }, 'persisting alarm state failed')),
    },
    // A pair node saw its CONNACK while fencing, before its alarms were restored: it reports now.
    ...(ha ? [{ name: 'session-report', needs: ['alarms'], start: () => sessionWatch.alarmsReady() }] : []),
    {
      name: 'sensor-view',
      needs: ['alarms'],
      start: () => {
        sensors.applyConfig(config().sites);
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
  ];
  const io: Part[] = [
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
    ...(ha
      ? []
      : [
          { name: 'poison-guard', needs: ['state-lock'], start: () => poison.start(), stop: () => poison.stop() },
          {
            name: 'session-watch',
            needs: ['state-lock', 'alarms'],
            start: () => {
              sessionWatch.start();
              sessionWatch.alarmsReady();
            },
          },
        ]),
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
        if (ha) {
          gate.open();
          return;
        }
        try {
          await conn.start();
        } catch (err) {
          // Keep running: mqtt.js goes on reconnecting and /readyz says why we are not ready.
          if (!mqttAborted) log.error({ err: (err as Error).message }, 'MQTT broker not reachable yet; still trying');
        }
      },
      // A stop (SIGTERM) while the first connect is pending does not wait for its timeout.
      abort: () => {
        mqttAborted = true;
        conn.stop(true).catch(() => undefined);
      },
      stop: async () => {
        // Messages that arrive from now on are not handled: the broker gives them to the next holder.
        if (ha) gate.close();
        // Make what we hold durable first, so the pending PUBACKs go out before we disconnect. (Not
        // a full flush: a long spool backlog would hold the stop up; it is replayed after the next start.)
        await store.durable().catch((err) => log.error({ err }, 'store commit failed'));
        await bookStore.flush().catch((err) => log.error({ err }, 'alarm book flush failed'));
        if (!ha) await conn.stop();
      },
      applyConfig: (c) => {
        // A partition that gained or lost sites subscribes to match.
        if (c.main.mqtt.subscribe === 'sites') conn.setFilters(ctx.filters(c));
      },
    },
    {
      name: 'publisher',
      needs: ['mqtt'],
      start: async () => {
        conn.onConnect(() => void publisher.syncRetained(() => engine.list()).catch(() => undefined));
        if (conn.connected) {
          publisher.startCommands();
          // A node taking over restored its book from these very records: no need to hold the takeover up.
          const synced = publisher.syncRetained(() => engine.list());
          if (ha) void synced.catch(() => undefined);
          else await synced;
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
    // The lease of a pair's active node: its status, republished, tells the standby it is alive.
    ...(ha
      ? [
          {
            name: 'heartbeat',
            needs: ['mqtt'],
            start: () => {
              leaseRenewed = clock.now();
              heartbeat = clock.setInterval(() => beat(ha), Math.max(250, Math.floor(ha.takeoverAfter / 6)));
            },
            stop: () => heartbeat?.cancel(),
          },
        ]
      : []),
  ];

  return {
    core,
    io,
    engine,
    hazards,
    kpis,
    sensors,
    conn,
    notifier,
    spoolWatch,
    brokerHealth,
    broker: () => broker,
    assertStatus,
    close: () => {
      for (const unsubscribe of subscriptions) unsubscribe();
    },
  };
}
