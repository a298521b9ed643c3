/**
 * Logger factory (STYLE habit 10): JSON lines, pretty in a terminal, secrets redacted. Redaction is
 * two-fold: fields named like secrets are censored by pino, and every line as written passes
 * through the one redaction rule (redact.ts): credentials in URLs, query strings and authorization
 * headers, and every secret value the config holds — wherever they hide (an error message, a
 * request dumped inside an error, a path built from a substituted value).
 */
import { type DestinationStream, type Logger, pino, stdSerializers } from 'pino';
import { processRedactor, type Redactor } from './redact.js';

export type { Logger };

const REDACT = [
  'password',
  '*.password',
  '*.*.password',
  'passwordHash',
  '*.passwordHash',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'secret',
  '*.secret',
];

/** Errors without the request and response objects some clients attach (they carry auth headers). */
function errSerializer(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const out = stdSerializers.err(err) as unknown as Record<string, unknown>;
  const res = out.res as { statusCode?: unknown } | undefined;
  delete out.req;
  delete out.res;
  delete out.request;
  delete out.response;
  if (res?.statusCode !== undefined) out.statusCode = res.statusCode;
  return out;
}

export function createLogger(
  opts: { level?: string; pretty?: boolean; destination?: DestinationStream; redactor?: Redactor } = {},
): Logger {
  const level = opts.level ?? process.env.GASWATCH_LOG_LEVEL ?? 'info';
  const redactor = opts.redactor ?? processRedactor;
  const base = {
    level,
    redact: REDACT,
    serializers: { err: errSerializer },
    hooks: { streamWrite: (line: string) => redactor.text(line) },
  };
  if (opts.destination) return pino(base, opts.destination);
  const pretty = opts.pretty ?? (process.stdout.isTTY && process.env.GASWATCH_LOG_FORMAT !== 'json');
  if (pretty)
    return pino({
      ...base,
      transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' } },
    });
  return pino(base);
}

/** A logger that writes nothing, for tests that do not look at logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/**
 * Limits a log line to once per `intervalMs` per key (SPEC §1: bad payloads are logged at most
 * once a minute per topic), and says how many were held back.
 */
export class RateLimitedLog {
  private last = new Map<string, { at: number; suppressed: number }>();
  constructor(
    private readonly intervalMs: number,
    private readonly maxKeys = 10_000,
  ) {}

  /** Returns the number of lines suppressed since the last one, or -1 if this one is suppressed too. */
  take(key: string, now: number): number {
    const e = this.last.get(key);
    if (e && now - e.at < this.intervalMs) {
      e.suppressed++;
      return -1;
    }
    if (!e && this.last.size >= this.maxKeys) this.last.clear();
    const suppressed = e?.suppressed ?? 0;
    this.last.set(key, { at: now, suppressed: 0 });
    return suppressed;
  }
}
