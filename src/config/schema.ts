/**
 * The config schemas (SPEC §6). These zod schemas are the only source of config types,
 * defaults and field docs: `gaswatch schema` generates the JSON Schema editors use from them
 * (config/schema/*.json), and the loader reports their issues at the line of the offending key.
 * Checks the schema cannot express (profiles exist, setpoints ordered, units fit the kind,
 * GB/T 50493 caps) live in check-*.ts and resolve*.ts.
 */
import { validateDetailed as validateCron } from 'node-cron';
import { z } from 'zod';
import { ALARM_EVENT_TYPES, PRIORITIES, READING_STATUSES, SENSOR_KINDS } from '../domain/types.js';
import { hazardsSection } from './schema-hazards.js';
import { parseDuration, parseSize } from './units-parse.js';

const DURATION_HINT = 'expected a duration such as 500ms, 5s, 10m, 2h, 1d';
const SIZE_HINT = 'expected a size such as 256KiB, 512MB, 1GB';

/** A duration as `500ms`, `5s`, `10m`, `2h`, `1d` (or a number of milliseconds); parsed to ms. */
export const Duration = z
  .union([z.number().nonnegative(), z.string().regex(/^\s*\d+(\.\d+)?\s*(ms|s|m|h|d)\s*$/, DURATION_HINT)], {
    error: DURATION_HINT,
  })
  .transform((v) => (typeof v === 'number' ? v : (parseDuration(v) as number)))
  .describe('A duration: 500ms, 5s, 10m, 2h, 1d (a bare number is milliseconds)');

/** A size as `512MB`, `1GB` (or a number of bytes); parsed to bytes. */
export const Size = z
  .union(
    [
      z.number().int().nonnegative(),
      z.string().regex(/^\s*\d+(\.\d+)?\s*(B|KB|KiB|MB|MiB|GB|GiB|TB|TiB)?\s*$/i, SIZE_HINT),
    ],
    { error: SIZE_HINT },
  )
  .transform((v) => (typeof v === 'number' ? v : (parseSize(v) as number)))
  .describe('A size: 256KiB, 512MB, 1GB (binary multiples; a bare number is bytes)');

export const Priority = z.enum(PRIORITIES).describe('Alarm priority: critical, high, medium, low');
const Range = z
  .tuple([z.number(), z.number()])
  .describe('[min, max] the instrument can measure: a reading outside is a sensor fault (over/under-range)');
export const Id = z
  .string()
  .min(1)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'ids may use letters, digits, ".", "_" and "-" (no spaces, "/", "+", "#")');

// ---------------------------------------------------------------------------------------------
// Thresholds

const setpointFields = {
  value: z.number().describe('The setpoint, in `unit` (default: the profile unit)'),
  priority: Priority,
  unit: z.string().optional().describe('Unit the setpoint is written in; default the profile unit'),
  deadband: z
    .number()
    .nonnegative()
    .optional()
    .describe(
      'Hysteresis, in the setpoint unit: a hi alarm clears below value − deadband, a lo alarm above value + deadband',
    ),
  onDelay: Duration.optional().describe('The value must stay past the setpoint this long before the alarm raises'),
  offDelay: Duration.optional().describe('The value must stay back inside this long before the alarm clears'),
  latch: z
    .boolean()
    .optional()
    .describe('Stays active until acknowledged even after the value returns (GB/T 50493: latch the second level)'),
  realarmAfter: Duration.optional().describe('A standing unacknowledged alarm is announced again after this'),
  exceedsStandard: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Reason for a combustible-gas setpoint above the GB/T 50493-2019 caps (first level 25 %LEL, second 50 %LEL); ' +
        'without it such a setpoint is rejected',
    ),
};

export const Setpoint = z.strictObject(setpointFields).describe('One level setpoint');
export type SetpointConfig = z.output<typeof Setpoint>;

export const SetpointOverride = z
  .strictObject({ ...setpointFields, value: setpointFields.value.optional(), priority: Priority.optional() })
  .describe('Per-sensor override of a profile setpoint, field by field');

const setpointsOf = <T extends z.ZodType>(sp: T) =>
  z
    .strictObject({
      hihi: sp.optional().describe('High-high (second level): value ≥ setpoint'),
      hi: sp.optional().describe('High (first level): value ≥ setpoint'),
      lo: sp.optional().describe('Low: value ≤ setpoint'),
      lolo: sp.optional().describe('Low-low: value ≤ setpoint'),
    })
    .describe('Level setpoints, ordered lolo < lo < hi < hihi');

export const Roc = z
  .strictObject({
    rise: z.number().positive().optional().describe('Alarm when the value rises at least this much within `per`'),
    fall: z.number().positive().optional().describe('Alarm when the value falls at least this much within `per`'),
    per: Duration.describe('The window, on the readings’ own timestamps'),
    priority: Priority,
    unit: z.string().optional().describe('Unit of rise/fall; default the profile unit'),
  })
  .describe('Rate-of-change alarm (a sudden pressure fall is a rupture); give rise, fall or both');

const thresholdDefaults = {
  deadband: z.number().nonnegative().optional().describe('Default deadband of the setpoints, in their unit'),
  onDelay: Duration.optional().describe('Default onDelay of the setpoints'),
  offDelay: Duration.optional().describe('Default offDelay of the setpoints'),
  realarmAfter: Duration.optional().describe('Default realarmAfter of the setpoints'),
};

export const Profile = z
  .strictObject({
    description: z.string().optional().describe('What the profile is for, and the standard it follows'),
    unit: z.string().describe('Unit the setpoints and range are written in (MPa, %LEL, C, %, …)'),
    ...thresholdDefaults,
    range: Range.optional(),
    setpoints: setpointsOf(Setpoint).default({}),
    roc: Roc.optional(),
    staleAfter: Duration.optional().describe('No valid reading for this long raises `stale` (default 3 × interval)'),
    stalePriority: Priority.optional().describe('Priority of the stale alarm (default high)'),
    faultPriority: Priority.optional().describe('Priority of the fault alarm (default high)'),
  })
  .describe('A named threshold profile');
export type ProfileConfig = z.output<typeof Profile>;

export const ProfilesFile = z
  .record(Id, Profile)
  .describe('config/profiles.yaml: named threshold profiles, referenced by sensors with `profile:`');

// ---------------------------------------------------------------------------------------------
// Sites

export const Sensor = z
  .strictObject({
    id: Id.describe('Sensor id, unique in the site: the last level of its MQTT topic (gas/{site}/{sensor})'),
    kind: z.enum(SENSOR_KINDS).describe('pressure, gas, temperature, level or flow'),
    name: z.string().optional().describe('Human name shown on the console'),
    asset: z.string().optional().describe('The equipment the sensor watches (cng-tank-1, compressor-2)'),
    unit: z.string().describe('The unit readings are stored and shown in; payloads in another unit are converted'),
    gas: z
      .string()
      .optional()
      .describe('Gas of a gas sensor: methane, propane, butane, hydrogen, ethylene, vinyl chloride (or give `lel`)'),
    lel: z
      .number()
      .positive()
      .optional()
      .describe('LEL in %vol, overriding the gas table (e.g. methane calibrated at 5.0)'),
    molarMass: z.number().positive().optional().describe('Molar mass in g/mol, needed for mg/m3 of an unlisted gas'),
    profile: Id.optional().describe('Name of a profile in profiles.yaml'),
    interval: Duration.optional().describe('How often the sensor publishes (default alarms.defaultInterval)'),
    staleAfter: Duration.optional().describe('No valid reading for this long raises `stale` (default 3 × interval)'),
    range: Range.optional(),
    scale: z
      .tuple([z.number(), z.number()])
      .optional()
      .describe('[min, max] in `unit` that a 4–20 mA loop maps to, for payloads sent in mA'),
    ...thresholdDefaults,
    setpoints: setpointsOf(SetpointOverride).optional(),
    roc: Roc.nullable().optional().describe('Override the profile roc; null removes it'),
    maintenance: z.boolean().optional().describe('In maintenance: readings are stored, alarms suppressed'),
    calibratedAt: z
      .string()
      .optional()
      .describe('Date of the last calibration (ISO-8601, e.g. 2026-05-12); with calibrationInterval'),
    calibrationInterval: Duration.optional().describe(
      'Calibration due this long after calibratedAt (e.g. 180d; the maker’s interval, at most a year for gas detectors)',
    ),
  })
  .describe('One sensor');
export type SensorConfig = z.output<typeof Sensor>;

export const Responsible = z
  .strictObject({
    name: z.string().min(1).describe('Person (or duty desk) notified at this step'),
    role: z.string().optional().describe('Their role, shown in notifications'),
    phone: z.string().optional(),
    email: z.string().optional(),
    webhook: z.string().optional().describe('Webhook URL (DingTalk, WeCom, Feishu robot or generic JSON)'),
    escalateAfter: Duration.describe('Escalate to the next person when unacknowledged this long'),
  })
  .describe('One link of the escalation chain');

export const MaintenanceWindow = z
  .strictObject({
    from: z.string().describe('ISO-8601 start, e.g. 2026-03-02T08:00:00+08:00'),
    to: z.string().describe('ISO-8601 end'),
    sensors: z.array(Id).optional().describe('Sensors in maintenance; default the whole site'),
    reason: z.string().optional().describe('Why: shown beside suppressed alarms'),
  })
  .describe('A maintenance window: readings are stored, alarms suppressed');

export const Site = z
  .strictObject({
    id: Id.describe('Site id: the {site} level of the MQTT topics; unique across site files'),
    name: z.string().optional().describe('Human name shown on the console'),
    type: z.enum(['storage', 'station']).describe('storage (depot) or station (filling station)'),
    location: z.string().optional().describe('Address or coordinates, for the people called out'),
    responsible: z.array(Responsible).default([]).describe('Escalation chain, first person first'),
    maintenance: z.array(MaintenanceWindow).default([]).describe('Maintenance windows'),
    sensors: z.array(Sensor).default([]).describe('The sensors of the site'),
  })
  .describe('config/sites/*.yaml: one facility');
export type SiteConfig = z.output<typeof Site>;

// ---------------------------------------------------------------------------------------------
// Main file

export const Operator = z
  .strictObject({
    name: z.string().min(1).describe('Login name, recorded with every ack and shelve'),
    role: z.enum(['viewer', 'operator', 'admin']).describe('viewer reads; operator acks and shelves; admin all'),
    passwordHash: z.string().optional().describe('scrypt$… from `gaswatch hash-password`'),
    token: z.string().optional().describe('Bearer token for the API (use ${env:…} or ${file:…})'),
  })
  .describe('A console/API user');

const urlOf = (schemes: string, extra = '') => new RegExp(`^(${extra ? `${extra}|` : ''}(${schemes})://[^\\s]+)$`);

// ---------------------------------------------------------------------------------------------
// Notifications (SPEC §9)

const HttpUrl = z.string().regex(urlOf('http|https'), 'expected http://… or https://…');
const EMAIL = /^[^\s@<>]+@[^\s@<>]+$/;
const Email = z.string().regex(EMAIL, 'expected an email address such as ops@example.com');

/** A valid IANA time zone, as Intl knows them (Asia/Shanghai, UTC). */
const TimeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'expected an IANA time zone such as Asia/Shanghai or UTC');

const channelFields = {
  name: Id.describe('Channel name, used by routes, escalation and dailyReport; also the metrics label'),
  timeout: Duration.default(10_000).describe('One delivery attempt fails after this and is retried'),
};

const WebhookChannel = z
  .strictObject({
    ...channelFields,
    type: z.literal('webhook').describe('Generic JSON webhook'),
    url: HttpUrl.describe('Receiver URL; POSTed {type, title, text, event | report, recipient} as JSON'),
    headers: z
      .record(z.string(), z.string())
      .optional()
      .describe('Extra HTTP headers, e.g. Authorization: Bearer ${env:SCADA_TOKEN}'),
  })
  .describe('Generic JSON webhook: the alarm event exactly as on gaswatch/events, plus a text rendering');

const DingTalkChannel = z
  .strictObject({
    ...channelFields,
    type: z.literal('dingtalk').describe('DingTalk group robot'),
    url: HttpUrl.describe('Robot webhook https://oapi.dingtalk.com/robot/send?access_token=… (use ${env:…})'),
    secret: z
      .string()
      .min(1)
      .optional()
      .describe('SEC… secret of a robot secured by signature: requests carry an HMAC-SHA256 timestamp signature'),
  })
  .describe('DingTalk group robot: markdown messages; the person escalated to is @-mentioned by phone');

const WeComChannel = z
  .strictObject({
    ...channelFields,
    type: z.literal('wecom').describe('WeCom (企业微信) group robot'),
    url: HttpUrl.describe('Robot webhook https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=… (use ${env:…})'),
  })
  .describe('WeCom group robot: markdown messages; the person escalated to is @-mentioned by phone');

const FeishuChannel = z
  .strictObject({
    ...channelFields,
    type: z.literal('feishu').describe('Feishu / Lark group robot'),
    url: HttpUrl.describe('Robot webhook https://open.feishu.cn/open-apis/bot/v2/hook/… (use ${env:…})'),
    secret: z
      .string()
      .min(1)
      .optional()
      .describe('Secret of a robot secured by signature: requests carry an HMAC-SHA256 timestamp signature'),
  })
  .describe('Feishu group robot: a card coloured by priority');

const EmailChannel = z
  .strictObject({
    ...channelFields,
    type: z.literal('email').describe('Email through an SMTP server'),
    smtp: z
      .strictObject({
        host: z.string().min(1).describe('SMTP server'),
        port: z.number().int().min(1).max(65535).default(587).describe('587 (STARTTLS) or 465 (TLS)'),
        secure: z
          .boolean()
          .optional()
          .describe('TLS from the first byte; default true on port 465, else STARTTLS when the server offers it'),
        requireTLS: z.boolean().default(false).describe('Refuse to send unless STARTTLS succeeds'),
        user: z.string().optional().describe('SMTP login (use ${env:…})'),
        password: z.string().optional().describe('SMTP password (use ${env:…} or ${file:…})'),
      })
      .describe('SMTP server'),
    from: z.string().min(1).describe('Sender, e.g. "gaswatch <gaswatch@example.com>"'),
    to: z
      .array(Email)
      .optional()
      .describe('Recipients of routed alarms and the daily report; escalations go to the person’s own email'),
  })
  .describe('Email over SMTP');

export const NOTIFY_CHANNEL_TYPES = ['webhook', 'dingtalk', 'wecom', 'feishu', 'email'] as const;

export const NotifyChannel = z
  .discriminatedUnion('type', [WebhookChannel, DingTalkChannel, WeComChannel, FeishuChannel, EmailChannel], {
    error: `type must be one of: ${NOTIFY_CHANNEL_TYPES.join(', ')}`,
  })
  .describe('A notification channel');
export type NotifyChannelConfig = z.output<typeof NotifyChannel>;

/** Every event type but `notified`: a notice of a notice would never end. */
export const ROUTABLE_EVENTS = ALARM_EVENT_TYPES.filter((t) => t !== 'notified');
const DEFAULT_ROUTE_EVENTS = ['raised', 'realarmed', 'escalated', 'flood'] as const;

const NotifyRoute = z
  .strictObject({
    sites: z
      .array(z.string().min(1))
      .min(1)
      .default(['*'])
      .describe('Site ids, or patterns with * ("*" every site, "zjk-*"); _gaswatch is gaswatch’s own alarms'),
    priorities: z
      .array(Priority)
      .min(1)
      .default([...PRIORITIES])
      .describe('Alarm priorities routed (default all)'),
    events: z
      .array(z.enum(ROUTABLE_EVENTS as [string, ...string[]]))
      .min(1)
      .default([...DEFAULT_ROUTE_EVENTS])
      .describe(`Event types routed (default ${DEFAULT_ROUTE_EVENTS.join(', ')}); add cleared, acked… as wanted`),
    channels: z.array(Id).min(1).describe('Channel names'),
  })
  .describe('Sends matching alarm events to channels; shelved and suppressed alarms are never sent');

export const Notify = z
  .strictObject({
    channels: z.array(NotifyChannel).default([]).describe('Where notifications can go'),
    routes: z.array(NotifyRoute).default([]).describe('Which alarm events go to which channels; each at most once'),
    escalation: z
      .strictObject({
        channels: z
          .array(Id)
          .default([])
          .describe(
            'How the people of a site’s responsible chain are reached: an email channel mails the person’s ' +
              'address; a robot or webhook channel posts to its group addressed to them',
          ),
        personalWebhooks: z
          .boolean()
          .default(true)
          .describe('Also post to the `webhook` a responsible person has in the site file (format from its host)'),
        priorities: z
          .array(Priority)
          .min(1)
          .default([...PRIORITIES])
          .describe('Priorities that climb the chain (default all)'),
      })
      .prefault({})
      .describe(
        'Escalation along each site’s `responsible` chain: the first person when an alarm is raised, the next ' +
          'one after escalateAfter unacknowledged, then reminders to the last one',
      ),
    dailyReport: z
      .strictObject({
        schedule: z
          .string()
          .default('0 8 * * *')
          .describe('cron expression (minute hour day month weekday), e.g. "0 8 * * *" for 08:00')
          .superRefine((expr, ctx) => {
            const v = validateCron(expr);
            if (!v.valid)
              ctx.addIssue({
                code: 'custom',
                message: `not a cron expression: ${v.errors.map((e) => e.message).join('; ')}`,
              });
          }),
        timezone: TimeZone.optional().describe('Time zone of the schedule (default notify.timezone)'),
        channels: z.array(Id).min(1).describe('Channel names the report goes to'),
      })
      .optional()
      .describe('A daily summary per site: alarms, still unacknowledged, sensors stale or in fault, shelved'),
    timezone: TimeZone.optional().describe('Time zone of the times in messages (default the machine’s)'),
    consoleUrl: HttpUrl.optional().describe('Console address put in messages, for people to acknowledge'),
    maxQueue: z
      .number()
      .int()
      .positive()
      .default(1000)
      .describe('Messages waiting per channel; beyond it the oldest non-critical one is dropped (and counted)'),
    retry: z
      .strictObject({
        initialDelay: Duration.default(1000).describe('Wait before the first retry; doubles each time, with jitter'),
        maxDelay: Duration.default(300_000).describe('Longest wait between retries'),
        giveUpAfter: Duration.default(3_600_000).describe('A message still undelivered after this is dropped'),
      })
      .prefault({})
      .describe('Retries of a failing channel'),
  })
  // Run even when parts failed, so that every mistake is reported in one go (SPEC §6).
  .superRefine((n, ctx) => checkNotifyRefs(n, ctx), { when: () => true })
  .describe('Notification channels, routes, escalation and the daily report (SPEC §9)');
export type NotifyConfig = z.output<typeof Notify>;

/**
 * Names used by routes, escalation and the report must be declared channels, once each; an email
 * channel routed to needs recipients. Reads `n` defensively: it runs on partly invalid input too.
 */
function checkNotifyRefs(raw: unknown, ctx: z.RefinementCtx): void {
  const n = (raw ?? {}) as Record<string, unknown>;
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
  const field = (v: unknown, k: string): unknown =>
    v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  const names = new Map<string, number>();
  list(n.channels).forEach((c, i) => {
    const name = field(c, 'name');
    if (typeof name !== 'string') return;
    const first = names.get(name);
    if (first === undefined) names.set(name, i);
    else
      ctx.addIssue({
        code: 'custom',
        path: ['channels', i, 'name'],
        message: `channel "${name}" is already declared at notify.channels.${first}`,
      });
  });
  const check = (refs: unknown, path: (string | number)[], needsTo: boolean) =>
    list(refs).forEach((name, j) => {
      if (typeof name !== 'string') return;
      const i = names.get(name);
      const c = i === undefined ? undefined : list(n.channels)[i];
      if (i === undefined)
        ctx.addIssue({
          code: 'custom',
          path: [...path, j],
          message: `no channel "${name}" in notify.channels (declared: ${[...names.keys()].join(', ') || 'none'})`,
        });
      else if (needsTo && field(c, 'type') === 'email' && list(field(c, 'to')).length === 0)
        ctx.addIssue({
          code: 'custom',
          path: [...path, j],
          message: `email channel "${name}" needs \`to\` recipients to be used here`,
        });
    });
  list(n.routes).forEach((r, i) => {
    check(field(r, 'channels'), ['routes', i, 'channels'], true);
  });
  check(field(n.escalation, 'channels'), ['escalation', 'channels'], false);
  check(field(n.dailyReport, 'channels'), ['dailyReport', 'channels'], true);
}

export const Main = z
  .strictObject({
    mqtt: z
      .strictObject({
        url: z
          .string()
          .regex(
            urlOf('mqtt|mqtts|tcp|tls|ws|wss', 'embedded'),
            'expected mqtt://host:port, mqtts://…, ws://… or embedded',
          )
          .default('mqtt://127.0.0.1:1883')
          .describe('Broker URL, or "embedded" for an in-process broker'),
        clientId: z
          .string()
          .min(1)
          .default('gaswatch-1')
          .describe('Stable client id: the broker keeps our session by it'),
        username: z.string().optional().describe('Broker user (use ${env:…} or ${file:…})'),
        password: z.string().optional().describe('Broker password (use ${env:…} or ${file:…})'),
        topics: z
          .array(z.string())
          .min(1)
          .default(['gas/{site}/{sensor}'])
          .describe('Topic patterns of readings: {site} and {sensor} capture one level each; + and # match freely'),
        prefix: z.string().min(1).default('gaswatch').describe('Root of the topics gaswatch publishes'),
        maxPayload: Size.default(256 * 1024).describe('Larger payloads are rejected'),
        receiveMaximum: z.number().int().min(1).max(65535).default(65535).describe('MQTT 5 in-flight QoS 1 limit'),
        protocolVersion: z.literal([4, 5]).default(5).describe('4 = MQTT 3.1.1, 5 = MQTT 5'),
        subscribe: z
          .enum(['all', 'sites'])
          .default('all')
          .describe(
            'all: every site on the topic patterns; sites: only the sites in this config (one instance ' +
              'per partition of sites behind a clustered broker, SPEC §10)',
          ),
        instance: Id.optional().describe(
          'Name of this instance when several run: its status goes to {prefix}/status/{instance}',
        ),
      })
      .prefault({})
      .meta({ apply: 'restart' })
      .describe('MQTT broker connection (restart to apply changes)'),
    influx: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Store readings and alarm events in InfluxDB'),
        url: z
          .string()
          .regex(urlOf('http|https'), 'expected http://host:port or https://…')
          .default('http://127.0.0.1:8086')
          .describe('InfluxDB 1.x URL'),
        database: z.string().min(1).default('gaswatch').describe('Database, created if missing'),
        username: z.string().optional().describe('Use ${env:…} or ${file:…}'),
        password: z.string().optional().describe('Use ${env:…} or ${file:…}'),
        batchSize: z.number().int().positive().default(5000).describe('Points per write'),
        flushInterval: Duration.default(1000).describe('Write a partial batch after this'),
        spoolMaxBytes: Size.default(1024 ** 3).describe('Disk spool while InfluxDB is down; oldest telemetry dropped'),
      })
      .prefault({})
      .meta({ apply: 'restart' })
      .describe('InfluxDB 1.x time-series store (restart to apply changes)'),
    http: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Serve the console, API and /metrics'),
        listen: z
          .string()
          .regex(/^(\[[0-9A-Fa-f:.]+\]|[^\s:[\]]+):\d{1,5}$/, 'expected host:port, e.g. 127.0.0.1:8080')
          .default('127.0.0.1:8080')
          .describe('host:port'),
        anonymousViewer: z.boolean().default(false).describe('Anyone may read without logging in (demo)'),
      })
      .prefault({})
      .meta({ apply: 'restart' })
      .describe('Console and HTTP API (restart to apply changes)'),
    state: z
      .strictObject({
        dir: z.string().min(1).default('var/gaswatch').describe('Alarm state and spool directory'),
      })
      .prefault({})
      .meta({ apply: 'restart' })
      .describe('On-disk state (restart to apply changes)'),
    alarms: z
      .strictObject({
        startupGrace: Duration.default(60_000).describe(
          'Sensors never heard from go stale only after this, counted from when they appear (start, or a reload that adds them)',
        ),
        defaultInterval: Duration.default(10_000).describe('Interval of sensors that do not set one'),
      })
      .prefault({})
      .describe('Alarm engine defaults (apply at once on reload)'),
    log: z
      .strictObject({
        level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info').describe('Log level'),
      })
      .prefault({})
      .describe('Logging (applies at once on reload; GASWATCH_LOG_LEVEL, when set, wins)'),
    hazards: hazardsSection(Duration),
    operators: z.array(Operator).default([]).describe('Console/API users'),
    notify: Notify.optional().describe(
      'Notification channels, routes, escalation and the daily report (SPEC §9). Absent: alarms and ' +
        'escalations go out on MQTT (gaswatch/events) and the console only; nothing is sent elsewhere',
    ),
    sites: z.string().min(1).default('sites/*.yaml').describe('Glob of site files, relative to this file'),
    profiles: z.string().min(1).default('profiles.yaml').describe('Profile file, relative to this file'),
  })
  .describe('config/gaswatch.yaml: connections, operators and where the site and profile files are');
export type MainConfig = z.output<typeof Main>;

export const ReadingStatusSchema = z.enum(READING_STATUSES);
