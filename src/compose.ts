/**
 * The wiring of the composition root (app.ts): the process's own parts — the state lock, the store,
 * the console, the config watch — and the active set (term.ts), with what each needs; started by
 * the runner in dependency order, stopped in reverse (STYLE habits 13–14). A single node runs one
 * active set for its whole life, its parts listed beside the process's own exactly as before there
 * were pairs. A node of a hot-standby pair (`ha`, src/ha/) runs the pair's controller instead, which
 * starts a fresh active set for each term the node holds and the standby set in between. Nothing
 * here decides anything about readings, alarms or settings; that policy lives in the rooms.
 */
import path from 'node:path';
import type { AppOptions } from './app.js';
import { composePair, type HaView } from './compose-pair.js';
import type { LoadedConfig } from './config/load.js';
import { Reloader } from './config/reload.js';
import { ConfigWatcher } from './config/watch.js';
import type { HazardBatch, HazardCommandResult } from './domain/hazards.js';
import type { AlarmBatch, CommandResult, Reading } from './domain/types.js';
import { countAlarms, createMetrics, type GaswatchMetrics, observeCommit } from './http/metrics.js';
import type { HazardsApi } from './http/ports.js';
import { createHttpServer, type HttpServer, httpSettings } from './http/server.js';
import { compilePattern, subscriptionFilters, type TopicPattern } from './ingest/topics.js';
import { createOpsMetrics, type OpsMetrics } from './ops-metrics.js';
import { createStore, type Store } from './store/store.js';
import { buildTerm, type Part, type Term, type TermContext } from './term.js';
import type { Clock } from './util/clock.js';
import { Runner } from './util/lifecycle.js';
import type { Logger } from './util/logger.js';
import type { Redactor } from './util/redact.js';
import { lockStateDir, type StateLock } from './util/state-lock.js';
import { Stream } from './util/stream.js';

export const VERSION = '0.1.0';
export type { HaView };

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
}

/** What `/readyz` says; a node of a pair adds its role, and which node holds the partition. */
export interface Readiness {
  ready: boolean;
  reasons: string[];
  role?: 'active' | 'standby';
  node?: string;
  term?: number;
  /** Whether the node sees the partition's status (a standby that does not cannot take over). */
  watching?: boolean;
  active?: { node: string; term: number; online: boolean } | null;
  peers?: Record<string, string>;
}

/** Everything built for one run: the runner, and the parts tests and the demo look at. */
export interface Composed {
  config(): LoadedConfig;
  metrics: GaswatchMetrics;
  ops: OpsMetrics;
  store: Store;
  /** The active set in force: always on a single node; on a node of a pair only while it is active. */
  active(): Term | undefined;
  ha(): HaView | undefined;
  http: HttpServer | undefined;
  runner: Runner;
  watcher: ConfigWatcher;
  httpUrl(): string | undefined;
  readiness(): Readiness;
}

const STANDBY_MESSAGE = 'this node is the standby: acknowledge, shelve and change hazards on the active node';
const STANDBY: CommandResult = { ok: false, code: 'standby', message: STANDBY_MESSAGE };

export function compose(initial: LoadedConfig, ctx: ComposeContext): Composed {
  const { clock, opts } = ctx;
  const log = ctx.logger;
  let config = initial;
  const main = config.main;
  // Relative to the working directory, as the shipped config documents.
  const stateDir = path.resolve(main.state.dir);
  const metrics = createMetrics();
  const ops = createOpsMetrics(metrics.registry);
  const patterns: TopicPattern[] = main.mqtt.topics.map(compilePattern);
  const filters = (c: LoadedConfig) =>
    subscriptionFilters(patterns, c.main.mqtt.subscribe === 'sites' ? c.sites.keys() : undefined);
  const partitioned = main.mqtt.subscribe === 'sites';
  // A partition owns the retained records of its own sites only; gaswatch's own alarms (named by
  // instance, engine.ts) are left to an instance holding every site to clear at a start.
  const owns = partitioned ? (site: string) => config.sites.has(site) : () => true;

  // The streams: what leaves the alarm book, every accepted reading, and what leaves the hazard register.
  const streams = {
    alarmsOut: new Stream<AlarmBatch>('alarms', log),
    readings: new Stream<Reading>('readings', log),
    hazardsOut: new Stream<HazardBatch>('hazards', log),
  };

  const store = createStore({
    influx: main.influx,
    influxCa: config.tls.influx?.ca,
    stateDir,
    clock,
    logger: log.child({ module: 'store' }),
    onCommit: (c) => {
      observeCommit(metrics, c);
      active()?.spoolWatch.check();
    },
  });
  const termContext: TermContext = {
    config: () => config,
    opts,
    clock,
    logger: log,
    since: ctx.since,
    version: VERSION,
    stateDir,
    metrics,
    ops,
    store,
    streams,
    patterns,
    filters,
    owns,
  };

  // ------------------------------------------------------------------ a single node, or a pair's
  const single = main.ha ? undefined : buildTerm(termContext);
  const pair = main.ha ? composePair(main.ha, termContext, VERSION) : undefined;
  /** The active set in force. */
  const active = (): Term | undefined => single ?? pair?.active();

  // ------------------------------------------------------------------ the console
  const refusedHazard = (): Promise<HazardCommandResult> =>
    Promise.resolve({ ok: false, code: 'standby', message: STANDBY_MESSAGE });
  const hazardsApi: HazardsApi = {
    list: (f) => active()?.hazards.register.list(f) ?? pair?.hazards.list(f) ?? [],
    register: (h, by) => active()?.hazards.register.register(h, by) ?? refusedHazard(),
    rectify: (id, by, note) => active()?.hazards.register.rectify(id, by, note) ?? refusedHazard(),
    verify: (id, by, note) => active()?.hazards.register.verify(id, by, note) ?? refusedHazard(),
    reopen: (id, by, note) => active()?.hazards.register.reopen(id, by, note) ?? refusedHazard(),
  };
  const http = main.http.enabled
    ? createHttpServer({
        listen: opts.httpListen ?? main.http.listen,
        alarms: {
          list: (f) => active()?.engine.list(f) ?? pair?.alarms.list(f) ?? [],
          history: (q) => active()?.engine.history(q) ?? pair?.alarms.history(q) ?? [],
          ack: (id, op, comment) => active()?.engine.ack(id, op, comment) ?? STANDBY,
          shelve: (id, op, minutes, reason) => active()?.engine.shelve(id, op, minutes, reason) ?? STANDBY,
          unshelve: (id, op) => active()?.engine.unshelve(id, op) ?? STANDBY,
        },
        sensors: {
          list: () => active()?.sensors.list() ?? [],
          trend: (site, sensor) => active()?.sensors.trend(site, sensor),
          setpoints: (site, sensor) =>
            (config.sites.get(site)?.sensors.get(sensor)?.setpoints ?? [])
              .map((sp) => ({ condition: sp.condition, priority: sp.priority, value: sp.value }))
              .sort((a, b) => b.value - a.value),
          // A site's name and zone for the console: its own zone, else the main file's, else the machine's.
          site: (id) => {
            const site = config.sites.get(id);
            const zone = site?.timezone ?? config.main.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
            return { name: site?.name ?? null, timezone: zone };
          },
        },
        live: {
          onAlarmEvent: (fn) =>
            streams.alarmsOut.subscribe((b) => {
              for (const e of b.events) fn(e);
            }),
          onReading: (fn) => streams.readings.subscribe(fn),
          onHazards: (fn) => streams.hazardsOut.subscribe(fn),
        },
        health: { readiness: () => readiness() },
        hazards: hazardsApi,
        kpis: {
          compute: (from, to, site) =>
            active()?.kpis.compute(from, to, site) ?? Promise.reject(new Error('this node is the standby')),
        },
        ha: pair ? { role: () => pair.view() } : undefined,
        metrics,
        operators: main.operators,
        ...httpSettings(main.http),
        logger: log,
        clock,
      })
    : undefined;
  let httpUrl: string | undefined;
  const watcher = new ConfigWatcher({
    file: opts.configFile,
    current: config,
    onReload: (result, cause) => reloader.apply(result, cause),
    logger: log.child({ module: 'config' }),
    env: ctx.env,
  });
  let lock: StateLock | undefined;

  Object.assign(metrics.live, {
    mqttConnected: () => active()?.conn.connected ?? pair?.connected() ?? false,
    spool: () => ({ bytes: store.stats().spoolBytes, segments: store.stats().spoolSegments }),
    floodSites: () => active()?.engine.health().floodingSites ?? [],
    alarmCounts: () => countAlarms(active()?.engine.list() ?? []),
  } satisfies typeof metrics.live);
  ops.live.unconfigured = () => active()?.sensors.unconfiguredStats() ?? { tracked: 0, evicted: 0 };

  const head: Part[] = [
    {
      name: 'state-lock',
      start: async () => {
        lock = await lockStateDir(stateDir);
      },
      stop: () => lock?.release(),
    },
    { name: 'store', needs: ['state-lock'], start: () => store.start(), stop: () => store.stop() },
  ];
  // The console and /readyz come up before the broker: with the broker down, operators must see why.
  const httpPart: Part = {
    name: 'http',
    // The hazard endpoints use the register: restored before the first request, saved after the last.
    needs: single ? ['alarms', 'sensor-view', 'hazards'] : ['state-lock'],
    start: async () => {
      if (!http) return;
      httpUrl = (await http.start()).url;
    },
    stop: () => http?.stop(),
    applyConfig: (c) => http?.setOperators(c.main.operators),
  };
  const tail: Part[] = [
    {
      name: 'logging',
      applyConfig: (c) => {
        ctx.redactor.setSecrets(c.secrets);
        opts.setLogLevel?.(c.main.log.level);
      },
    },
    {
      name: 'config-watch',
      needs: single ? ['mqtt', 'http', 'notifier'] : ['http', 'ha'],
      start: () => watcher.start(),
      stop: () => watcher.stop(),
    },
  ];
  const parts: Part[] = single
    ? [...head, ...single.core, httpPart, ...single.io, ...tail]
    : [...head, httpPart, ...(pair ? [pair.part] : []), ...tail];
  const runner = new Runner(parts, log);
  const reloader = new Reloader({
    current: () => config,
    swap: (next) => {
      config = next;
    },
    // A pair's active set takes the config too, while it runs.
    appliers: () => [...(runner.components as Part[]), ...(pair?.parts() ?? [])],
    logger: log.child({ module: 'config' }),
    onOutcome: (result) => metrics.configReloads.inc({ result }),
  });

  const readiness = (): Readiness => {
    const reasons: string[] = [];
    if (!runner.running) reasons.push('starting');
    if (!pair) {
      if (!single?.conn.connected) reasons.push('MQTT not connected');
      return { ready: reasons.length === 0, reasons };
    }
    const role = pair.readiness(reasons);
    if (role.role === 'active' && !active()?.conn.connected) reasons.push('MQTT not connected');
    return { ready: reasons.length === 0, reasons, ...role };
  };

  return {
    config: () => config,
    metrics,
    ops,
    store,
    active,
    ha: () => pair?.view(),
    http,
    runner,
    watcher,
    httpUrl: () => httpUrl,
    readiness,
  };
}
