/**
 * Request validation with zod (the same library as the config) and the one error shape every
 * endpoint answers with: `{"error": code, "message": text}`. A message names the field and what
 * was expected, so a client author can fix the request from it alone.
 */
import { z } from 'zod';
import { ID_PATTERN, ID_RULE_TEXT } from '../domain/ids.js';
import { ALARM_EVENT_TYPES, ALARM_STATES } from '../domain/types.js';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function parseOr400<S extends z.ZodType>(
  schema: S,
  data: unknown,
  where: 'body' | 'query' | 'path',
): z.output<S> {
  const r = schema.safeParse(data);
  if (r.success) return r.data;
  const msg = r.error.issues
    .map((i) => `${[where, ...i.path.map(String)].join('.')}: ${i.message}`)
    .slice(0, 5)
    .join('; ');
  throw new HttpError(400, 'bad_request', msg);
}

/** SPEC §4's one id rule (src/domain/ids.ts): no "/", so a path segment is exactly one id. */
const Id = z.string().regex(ID_PATTERN, ID_RULE_TEXT);

/** The alarm a command addresses: only ids that can name an alarm (system alarms `_gaswatch/…` included). */
export const AlarmPath = z.object({ site: Id, sensor: Id, condition: Id });

/**
 * A site or sensor used only to filter or look up what the daemon itself listed. Whatever it
 * listed must be askable, even an id that slipped past ingest: a filter matches by equality and
 * never reaches a topic, a query or markup, so the id rule would only break the console (issue 11).
 */
const Name = z.string().min(1, 'expected a non-empty name').max(1024, 'longer than 1024 characters');

export const SensorPath = z.object({ site: Name, sensor: Name });

/** Says what shape was expected when the body is not an object, and leaves other messages (unknown keys) to zod. */
const notAnObject = (text: string) => ({
  error: (iss: { code: string }) => (iss.code === 'invalid_type' ? text : undefined),
});

const Text = (what: string, max: number) =>
  z
    .string(`expected ${what} as a string`)
    .max(max, `${what} is longer than ${max} characters`)
    .transform((s) => s.trim());

export const LoginBody = z.strictObject(
  {
    name: z.string('expected the operator name as a string').min(1, 'name is empty').max(200),
    password: z.string('expected the password as a string').min(1, 'password is empty').max(1024),
  },
  notAnObject('expected a JSON object {"name", "password"}'),
);

export const AckBody = z.strictObject(
  { comment: Text('comment', 1000).nullable().optional() },
  notAnObject('expected a JSON object {"comment": "…"}'),
);

/** ISA-18.2 wants shelving time-limited; a week is the longest a console offers. */
export const MAX_SHELVE_MINUTES = 7 * 24 * 60;

export const ShelveBody = z.strictObject(
  {
    minutes: z
      .number('expected minutes as a number')
      .int('minutes must be a whole number')
      .min(1, 'minutes must be at least 1')
      .max(MAX_SHELVE_MINUTES, `minutes must be at most ${MAX_SHELVE_MINUTES} (7 days)`),
    reason: Text('reason', 1000).refine((s) => s.length > 0, 'a reason is required to shelve an alarm'),
  },
  notAnObject('expected a JSON object {"minutes": 60, "reason": "…"}'),
);

export const UnshelveBody = z.strictObject({}, notAnObject('expected an empty JSON object or no body'));

/** `a,b` or repeated `?x=a&x=b`, as the query parser gives them. */
const List = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).filter((s) => s.length > 0));

export const AlarmsQuery = z.object({
  state: List.pipe(
    z.array(z.enum(ALARM_STATES, { error: `state must be one of ${ALARM_STATES.join(', ')}` })),
  ).optional(),
});

const Since = z
  .string()
  .transform((s, ctx) => {
    const t = /^\d+$/.test(s) ? Number(s) : Date.parse(s);
    if (!Number.isFinite(t)) ctx.addIssue({ code: 'custom', message: 'since must be epoch ms or an ISO-8601 time' });
    return t;
  })
  .optional();

export const HistoryQuery = z.object({
  limit: z.coerce
    .number('limit must be a number')
    .int('limit must be a whole number')
    .min(1, 'limit must be at least 1')
    .max(5000, 'limit must be at most 5000')
    .default(200),
  site: Name.optional(),
  sensor: Name.optional(),
  type: z.enum(ALARM_EVENT_TYPES, { error: `type must be one of ${ALARM_EVENT_TYPES.join(', ')}` }).optional(),
  since: Since,
});

export const SensorsQuery = z.object({
  site: Name.optional(),
  status: z
    .enum(['ok', 'stale', 'fault', 'maintenance', 'unconfigured'], {
      error: 'status must be one of ok, stale, fault, maintenance, unconfigured',
    })
    .optional(),
});

export const EventsQuery = z.object({
  /** Sites whose readings to stream; absent: all. */
  site: List.pipe(z.array(Name)).optional(),
  /** `false`: alarm events only. */
  readings: z.enum(['true', 'false'], { error: 'readings must be true or false' }).default('true'),
});
