/**
 * The HTTP room (SPEC §8): health and metrics, the alarm and sensor API, the live event stream and
 * the operator console. It sees the daemon only through the ports in ports.ts.
 *
 * `createHttpServer` only builds; `start()` binds the port and starts the event stream; `stop()`
 * ends the streams, then closes the server.
 *
 * Hostile clients (issue 11, docs/security.md): node's header, request, keep-alive and idle
 * timeouts end slow requests; the connection budget (connections.ts) keeps them from using the
 * descriptors MQTT, InfluxDB and the state files need; credentials are judged before any body is
 * read, and a reply sent before its request was read whole closes the connection.
 */
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance, LogController } from 'fastify';
import type { Registry } from 'prom-client';
import { localesDir } from '../i18n/index.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { rangeMatcher } from '../util/net-ranges.js';
import { type OperatorConfig, OperatorDirectory, type SessionOptions, SessionStore } from './auth.js';
import { ConnectionGuard } from './connections.js';
import { connectionBudget, readDescriptorLimit } from './descriptors.js';
import { type GuardContext, need } from './guard.js';
import { hostChecker } from './host-check.js';
import { LoginGuard } from './login-guard.js';
import type { GaswatchMetrics } from './metrics.js';
import type { AlarmsApi, HaApi, HazardsApi, HealthApi, KpisApi, LiveFeed, SensorsApi } from './ports.js';
import { consoleDir } from './public-dir.js';
import { registerAlarmRoutes } from './routes-alarms.js';
import { registerAuthRoutes } from './routes-auth.js';
import { registerHazardRoutes } from './routes-hazards.js';
import { registerKpiRoutes } from './routes-kpis.js';
import { registerSensorRoutes } from './routes-sensors.js';
import { DEFAULT_CONNECTIONS, DEFAULT_TIMEOUTS, type HttpSettings, type OpenEndpoint } from './settings.js';
import { EventStream, type EventStreamOptions } from './sse.js';
import { StreamSlots } from './stream-slots.js';
import { HttpError } from './validate.js';

export { type HttpSettings, httpSettings } from './settings.js';
export type { OperatorConfig };

export interface HttpServerDeps extends HttpSettings {
  /** `host:port`, `[v6]:port` or `:port`; port 0 picks a free one (tests). */
  listen: string;
  alarms: AlarmsApi;
  sensors: SensorsApi;
  live: LiveFeed;
  health: HealthApi;
  /** The hazard register and the alarm-system KPIs (SPEC §11); their endpoints exist when given. */
  hazards?: HazardsApi;
  kpis?: KpisApi;
  /** A node of a hot-standby pair: its role, for the console (`GET /api/ha`). */
  ha?: HaApi | undefined;
  /** The daemon's registry, or the whole metrics object (then logins and SSE clients are counted too). */
  metrics: Registry | GaswatchMetrics;
  operators: readonly OperatorConfig[];
  logger: Logger;
  clock: Clock;
  sessions?: SessionOptions;
  events?: EventStreamOptions;
  /** The open-file limit to budget connections from; default the process's own (tests lower it). */
  descriptorLimit?: number;
  publicDir?: string;
}

export interface HttpServer {
  /** The fastify instance, for `inject()` in tests. */
  readonly app: FastifyInstance;
  start(): Promise<{ url: string }>;
  stop(): Promise<void>;
  /**
   * Config reload: new operators apply to the next request; the sessions of removed operators, and
   * of operators whose password or token changed, end.
   */
  setOperators(operators: readonly OperatorConfig[]): void;
  /** The connection budget, for tests and the log. */
  readonly connections: ConnectionGuard;
}

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "font-src 'self'; media-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};

const CLIENT_ERROR_CODES: Record<number, string> = {
  403: 'forbidden',
  404: 'not_found',
  413: 'too_large',
  415: 'unsupported_media_type',
};

export function parseListen(listen: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(listen.trim());
  const port = m ? Number(m[3]) : Number.NaN;
  if (!m || port > 65535) throw new Error(`http.listen: expected host:port such as 127.0.0.1:8080, got "${listen}"`);
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}

export function createHttpServer(deps: HttpServerDeps): HttpServer {
  const { host, port } = parseListen(deps.listen);
  const logger = deps.logger.child({ module: 'http' });
  const typed = 'registry' in deps.metrics ? deps.metrics : undefined;
  const registry = typed ? typed.registry : (deps.metrics as Registry);
  let directory = new OperatorDirectory(deps.operators);
  const sessions = new SessionStore(deps.clock, deps.sessions);
  const t = { ...DEFAULT_TIMEOUTS, ...deps.timeouts };
  const c = { ...DEFAULT_CONNECTIONS, ...deps.connections };
  const budget = connectionBudget(c.max, c.reserve, deps.descriptorLimit ?? readDescriptorLimit());
  const trustProxy = deps.trustProxy ?? false;
  const isProxy = trustProxy === true ? () => true : trustProxy === false ? () => false : rangeMatcher(trustProxy);
  const connections = new ConnectionGuard({ max: budget.max, perAddress: c.perAddress, exempt: isProxy }, (reason) =>
    typed?.httpShed.inc({ reason }),
  );
  const guard: GuardContext = {
    directory: () => directory,
    sessions,
    anonymousViewer: deps.anonymousViewer,
    connections,
  };
  const events = new EventStream(deps.live, deps.clock, logger, deps.events);
  const slots = new StreamSlots(deps.streams);
  if (typed) {
    typed.live.sseClients = () => events.size;
    typed.live.httpConnections = () => connections.size;
  }

  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // Request lines for every SSE heartbeat and poll would bury what matters; writes are audited in routes-alarms.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: deps.bodyLimit ?? 16 * 1024,
    trustProxy: trustProxy === true || trustProxy === false ? trustProxy : [...trustProxy],
    // Ids are up to 128 characters (SPEC §4) and a listed name up to 1024 (validate.ts); the
    // router's default of 100 would answer 404 for them.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 1024 },
    connectionTimeout: t.idle,
    keepAliveTimeout: t.keepAlive,
    requestTimeout: t.request,
    // Node checks the header and request timeouts on this beat (its default, 30 s, would let a
    // slow client hold on half a minute past them).
    http: { headersTimeout: Math.min(t.headers, t.request), connectionsCheckingInterval: 1000 },
    // Stopping must not wait for slow clients to finish their requests.
    forceCloseConnections: true,
  });
  connections.attach(app.server);

  const hostAllowed =
    deps.anonymousViewer || (deps.allowedHosts?.length ?? 0) > 0
      ? hostChecker(host, deps.allowedHosts ?? [])
      : undefined;
  app.addHook('onRequest', async (req, reply) => {
    reply.headers(SECURITY_HEADERS);
    if (req.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
    if (hostAllowed && !hostAllowed(req.headers.host))
      throw new HttpError(
        421,
        'misdirected',
        `this server does not answer to host "${req.headers.host}"; add it to http.allowedHosts`,
      );
    // An unknown path is answered before its body is read (fastify would read and parse it first).
    if (req.is404 && req.method !== 'GET' && req.method !== 'HEAD')
      throw new HttpError(404, 'not_found', `no such path: ${req.method} ${req.url.split('?')[0]}`);
  });

  // A reply sent before the request was read whole (401 before the body, 413, 429…): close the
  // connection instead of reading the rest of a body nobody wants, slowly, from a hostile client.
  app.addHook('onSend', async (req, reply) => {
    if (!req.raw.complete) reply.header('connection', 'close');
  });

  app.setErrorHandler((err: FastifyError | HttpError, req, reply) => {
    if (err instanceof HttpError)
      return reply.code(err.status).headers(err.headers).send({ error: err.code, message: err.message });
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const code = CLIENT_ERROR_CODES[status] ?? 'bad_request';
      return reply.code(status).send({ error: code, message: err.message });
    }
    logger.error({ err, url: req.url, method: req.method }, 'request failed');
    return reply.code(500).send({ error: 'internal', message: 'internal error; see the daemon log' });
  });

  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({ error: 'not_found', message: `no such path: ${req.method} ${req.url.split('?')[0]}` }),
  );

  void app.register(fastifyCookie);
  void app.register(fastifyStatic, {
    root: deps.publicDir ?? consoleDir(),
    prefix: '/',
    index: ['index.html'],
    dotfiles: 'deny',
    // The console must pick up a new version at once after an upgrade; ETags keep reloads cheap.
    cacheControl: false,
    setHeaders: (res) => res.setHeader('cache-control', 'no-cache'),
  });
  // The message catalogues the daemon speaks from, shared with the console (SPEC §8).
  void app.register(fastifyStatic, {
    root: localesDir(),
    prefix: '/locales/',
    decorateReply: false,
    dotfiles: 'deny',
    cacheControl: false,
    setHeaders: (res) => res.setHeader('cache-control', 'no-cache'),
  });

  const open = new Set<OpenEndpoint>(deps.open ?? ['healthz', 'readyz']);
  const probe = (name: OpenEndpoint) => (open.has(name) ? {} : { onRequest: need(guard, 'viewer', { write: false }) });
  app.get('/healthz', probe('healthz'), async () => ({ status: 'ok' }));
  app.get('/readyz', probe('readyz'), async (_req, reply) => {
    const r = deps.health.readiness();
    return reply.code(r.ready ? 200 : 503).send(r);
  });
  app.get('/metrics', probe('metrics'), async (_req, reply) =>
    reply.type(registry.contentType).send(await registry.metrics()),
  );

  registerAuthRoutes(app, {
    ...guard,
    limiter: new LoginGuard(deps.clock, deps.login),
    logger,
    metrics: typed,
    secureCookies: deps.secureCookies ?? 'auto',
  });
  registerAlarmRoutes(app, { ...guard, alarms: deps.alarms, logger });
  registerSensorRoutes(app, {
    ...guard,
    sensors: deps.sensors,
    events,
    slots,
    onRefused: (reason) => typed?.httpShed.inc({ reason: `stream_${reason}` }),
  });
  if (deps.hazards) registerHazardRoutes(app, { ...guard, hazards: deps.hazards, logger });
  if (deps.kpis) registerKpiRoutes(app, { ...guard, kpis: deps.kpis, clock: deps.clock });
  // The node's role, open like /readyz (it says no more than /readyz does) so the console can show it
  // before anyone logs in; a single node answers too (no pair: the console shows no role).
  const ha = deps.ha;
  app.get('/api/ha', probe('readyz'), async () => (ha ? { pair: true, ...ha.role() } : { pair: false }));

  let started = false;
  return {
    app,
    async start() {
      events.start();
      started = true;
      await app.listen({ host, port });
      const addr = app.server.address();
      const actual = addr && typeof addr === 'object' ? addr.port : port;
      const shown = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
      const url = `http://${shown}:${actual}`;
      logger.info({ url }, 'http listening');
      logger.info(
        { maxConnections: budget.max, descriptorLimit: budget.limit ?? 'unknown', reserve: c.reserve },
        `http connection budget: ${budget.max} connections`,
      );
      if (budget.warning) logger.warn({ descriptorLimit: budget.limit }, budget.warning);
      return { url };
    },
    async stop() {
      if (started) events.stop();
      started = false;
      await app.close();
    },
    setOperators(operators) {
      const changed = directory.credentialsChangedIn(operators);
      directory = new OperatorDirectory(operators);
      for (const name of changed) {
        const ended = sessions.deleteOperator(name);
        if (ended > 0)
          logger.warn({ operator: name, sessions: ended }, 'password or token changed: the operator’s sessions ended');
      }
    },
    connections,
  };
}
