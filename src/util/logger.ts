/** Logger factory (STYLE habit 10): JSON lines, pretty in a terminal, secrets redacted. */
import { type DestinationStream, type Logger, pino } from 'pino';

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
];

export function createLogger(opts: { level?: string; pretty?: boolean; destination?: DestinationStream } = {}): Logger {
  const level = opts.level ?? process.env.GASWATCH_LOG_LEVEL ?? 'info';
  if (opts.destination) return pino({ level, redact: REDACT }, opts.destination);
  const pretty = opts.pretty ?? (process.stdout.isTTY && process.env.GASWATCH_LOG_FORMAT !== 'json');
  if (pretty)
    return pino({
      level,
      redact: REDACT,
      transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' } },
    });
  return pino({ level, redact: REDACT });
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
