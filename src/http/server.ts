/**
 * The HTTP room (SPEC §8): health and metrics, the alarm and sensor API, the live event stream and
 * the operator console. It sees the daemon only through the ports in ports.ts.
 *
 * `createHttpServer` only builds; `start()` binds the port and starts the event stream; `stop()`
 * ends the streams, then closes the server.
 */
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance, LogController } from 'fastify';
import type { Registry } from 'prom-client';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import {
  type LoginLimitOptions,
  LoginRateLimiter,
  type OperatorConfig,
  OperatorDirectory,
  type SessionOptions,
  SessionStore,
} from './auth.js';
import type { GuardContext } from './guard.js';
import type { GaswatchMetrics } from './metrics.js';
import type { AlarmsApi, HazardsApi, HealthApi, KpisApi, LiveFeed, SensorsApi } from './ports.js';
import { consoleDir } from './public-dir.js';
import { registerAlarmRoutes } from './routes-alarms.js';
import { registerAuthRoutes } from './routes-auth.js';
import { registerHazardRoutes } from './routes-hazards.js';
import { registerKpiRoutes } from './routes-kpis.js';
import { registerSensorRoutes } from './routes-sensors.js';
import { EventStream, type EventStreamOptions } from './sse.js';
import { HttpError } from './validate.js';

export type { OperatorConfig };

export interface HttpServerDeps {
  /** `host:port`, `[v6]:port` or `:port`; port 0 picks a free one (tests). */
  listen: string;
  alarms: AlarmsApi;
  sensors: SensorsApi;
  live: LiveFeed;
  health: HealthApi;
  /** The hazard register and the alarm-system KPIs (SPEC §11); their endpoints exist when given. */
  hazards?: HazardsApi;
  kpis?: KpisApi;
  /** The daemon's registry, or the whole metrics object (then logins and SSE clients are counted too). */
  metrics: Registry | GaswatchMetrics;
  operators: readonly OperatorConfig[];
  anonymousViewer: boolean;
  logger: Logger;
  clock: Clock;
  sessions?: SessionOptions;
  loginLimit?: LoginLimitOptions;
  events?: EventStreamOptions;
  /** Request bodies above this are refused with 413. Default 16 KiB: commands are small. */
  bodyLimit?: number;
  /** Behind a reverse proxy: trust its X-Forwarded-For (so the login limit sees real client addresses). */
  trustProxy?: boolean | string;
  publicDir?: string;
}

export interface HttpServer {
  /** The fastify instance, for `inject()` in tests. */
  readonly app: FastifyInstance;
  start(): Promise<{ url: string }>;
  stop(): Promise<void>;
  /** Config reload: new operators apply to the next request; sessions of removed operators end. */
  setOperators(operators: readonly OperatorConfig[]): void;
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
  const guard: GuardContext = { directory: () => directory, sessions, anonymousViewer: deps.anonymousViewer };
  const events = new EventStream(deps.live, deps.clock, logger, deps.events);
  if (typed) typed.live.sseClients = () => events.size;

  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // Request lines for every SSE heartbeat and poll would bury what matters; writes are audited in routes-alarms.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: deps.bodyLimit ?? 16 * 1024,
    trustProxy: deps.trustProxy ?? false,
    routerOptions: { ignoreTrailingSlash: true },
  });

  app.addHook('onRequest', async (req, reply) => {
    reply.headers(SECURITY_HEADERS);
    if (req.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
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

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const r = deps.health.readiness();
    return reply.code(r.ready ? 200 : 503).send(r);
  });
  app.get('/metrics', async (_req, reply) => reply.type(registry.contentType).send(await registry.metrics()));

  registerAuthRoutes(app, {
    ...guard,
    limiter: new LoginRateLimiter(deps.clock, deps.loginLimit),
    logger,
    metrics: typed,
  });
  registerAlarmRoutes(app, { ...guard, alarms: deps.alarms, logger });
  registerSensorRoutes(app, { ...guard, sensors: deps.sensors, events });
  if (deps.hazards) registerHazardRoutes(app, { ...guard, hazards: deps.hazards, logger });
  if (deps.kpis) registerKpiRoutes(app, { ...guard, kpis: deps.kpis, clock: deps.clock });

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
      return { url };
    },
    async stop() {
      if (started) events.stop();
      started = false;
      await app.close();
    },
    setOperators(operators) {
      directory = new OperatorDirectory(operators);
    },
  };
}
