/**
 * The config schemas (SPEC §6). These zod schemas are the only source of config types,
 * defaults and field docs; `gaswatch schema` generates the JSON Schema from them.
 */
import { z } from 'zod';
import { PRIORITIES, READING_STATUSES, SENSOR_KINDS } from '../domain/types.js';
import { parseDuration, parseSize } from './units-parse.js';

/** A duration as `500ms`, `5s`, `10m`, `2h`, `1d` (or a number of milliseconds); parsed to ms. */
export const Duration = z
  .union([
    z.number().nonnegative(),
    z.string().regex(/^\s*\d+(\.\d+)?\s*(ms|s|m|h|d)\s*$/, 'expected a duration such as 500ms, 5s, 10m, 2h'),
  ])
  .transform((v) => (typeof v === 'number' ? v : (parseDuration(v) as number)))
  .describe('A duration: 500ms, 5s, 10m, 2h, 1d');

/** A size as `512MB`, `1GB` (or a number of bytes); parsed to bytes. */
export const Size = z
  .union([
    z.number().int().nonnegative(),
    z.string().regex(/^\s*\d+(\.\d+)?\s*(B|KB|KiB|MB|MiB|GB|GiB|TB|TiB)?\s*$/i, 'expected a size such as 512MB, 1GB'),
  ])
  .transform((v) => (typeof v === 'number' ? v : (parseSize(v) as number)))
  .describe('A size: 256KiB, 512MB, 1GB');

export const Priority = z.enum(PRIORITIES).describe('Alarm priority: critical, high, medium, low');
const Range = z
  .tuple([z.number(), z.number()])
  .describe('[min, max]: a value outside is a sensor fault (over/under-range)');
const Id = z
  .string()
  .min(1)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'ids may use letters, digits, ".", "_" and "-" (no "/", "+" or "#")');

// ---------------------------------------------------------------------------------------------
// Thresholds

const setpointFields = {
  value: z.number().describe('The setpoint, in `unit` (default: the profile unit)'),
  priority: Priority,
  unit: z.string().optional().describe('Unit the setpoint is written in; default the profile unit'),
  deadband: z.number().nonnegative().optional().describe('Hysteresis: clears only past setpoint ∓ deadband'),
  onDelay: Duration.optional().describe('The value must stay past the setpoint this long before the alarm raises'),
  offDelay: Duration.optional().describe('The value must stay back inside this long before the alarm clears'),
  latch: z.boolean().optional().describe('Stays active until acknowledged even after the value returns'),
  realarmAfter: Duration.optional().describe('A standing unacknowledged alarm is announced again after this'),
  exceedsStandard: z
    .string()
    .min(1)
    .optional()
    .describe('Reason for a combustible-gas setpoint above the GB/T 50493-2019 caps (25 / 50 %LEL)'),
};

export const Setpoint = z.strictObject(setpointFields).describe('One level setpoint');
export type SetpointConfig = z.output<typeof Setpoint>;

export const SetpointOverride = z
  .strictObject({ ...setpointFields, value: setpointFields.value.optional(), priority: Priority.optional() })
  .describe('Per-sensor override of a profile setpoint, field by field');

const setpointsOf = <T extends z.ZodType>(sp: T) =>
  z.strictObject({ hihi: sp.optional(), hi: sp.optional(), lo: sp.optional(), lolo: sp.optional() });

export const Roc = z
  .strictObject({
    rise: z.number().positive().optional().describe('Alarm when the value rises at least this much within `per`'),
    fall: z.number().positive().optional().describe('Alarm when the value falls at least this much within `per`'),
    per: Duration.describe('The window, on the readings’ own timestamps'),
    priority: Priority,
    unit: z.string().optional().describe('Unit of rise/fall; default the profile unit'),
  })
  .describe('Rate-of-change alarm (a sudden pressure fall is a rupture)');

const thresholdDefaults = {
  deadband: z.number().nonnegative().optional().describe('Default deadband of the setpoints'),
  onDelay: Duration.optional().describe('Default onDelay of the setpoints'),
  offDelay: Duration.optional().describe('Default offDelay of the setpoints'),
  realarmAfter: Duration.optional().describe('Default realarmAfter of the setpoints'),
};

export const Profile = z
  .strictObject({
    description: z.string().optional(),
    unit: z.string().describe('Unit the setpoints are written in'),
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

export const ProfilesFile = z.record(Id, Profile).describe('config/profiles.yaml: named threshold profiles');

// ---------------------------------------------------------------------------------------------
// Sites

export const Sensor = z
  .strictObject({
    id: Id,
    kind: z.enum(SENSOR_KINDS),
    name: z.string().optional(),
    asset: z.string().optional().describe('The equipment the sensor watches (tank-1, compressor-2)'),
    unit: z.string().describe('The unit readings are stored and shown in'),
    gas: z.string().optional().describe('Gas for gas sensors: methane, propane, butane, hydrogen, …'),
    lel: z.number().positive().optional().describe('LEL in %vol, overriding the gas table'),
    molarMass: z.number().positive().optional().describe('Molar mass in g/mol, for mg/m3'),
    profile: Id.optional().describe('Name of a profile in profiles.yaml'),
    interval: Duration.optional().describe('How often the sensor publishes'),
    staleAfter: Duration.optional().describe('Default 3 × interval'),
    range: Range.optional(),
    scale: z.tuple([z.number(), z.number()]).optional().describe('[min, max] of a 4–20 mA loop in `unit`'),
    ...thresholdDefaults,
    setpoints: setpointsOf(SetpointOverride).optional(),
    roc: Roc.nullable().optional().describe('Override the profile roc; null removes it'),
    maintenance: z.boolean().optional().describe('In maintenance: alarms are suppressed'),
  })
  .describe('One sensor');
export type SensorConfig = z.output<typeof Sensor>;

export const Responsible = z
  .strictObject({
    name: z.string().min(1),
    role: z.string().optional(),
    phone: z.string().optional(),
    email: z.string().optional(),
    webhook: z.string().optional(),
    escalateAfter: Duration.describe('Escalate to the next person when unacknowledged this long'),
  })
  .describe('One link of the escalation chain');

export const MaintenanceWindow = z
  .strictObject({
    from: z.string().describe('ISO-8601 start'),
    to: z.string().describe('ISO-8601 end'),
    sensors: z.array(Id).optional().describe('Sensors in maintenance; default the whole site'),
    reason: z.string().optional(),
  })
  .describe('A maintenance window: alarms are suppressed');

export const Site = z
  .strictObject({
    id: Id,
    name: z.string().optional(),
    type: z.enum(['storage', 'station']),
    location: z.string().optional(),
    responsible: z.array(Responsible).default([]),
    maintenance: z.array(MaintenanceWindow).default([]),
    sensors: z.array(Sensor).default([]),
  })
  .describe('config/sites/*.yaml: one facility');
export type SiteConfig = z.output<typeof Site>;

// ---------------------------------------------------------------------------------------------
// Main file

export const Operator = z.strictObject({
  name: z.string().min(1),
  role: z.enum(['viewer', 'operator', 'admin']),
  passwordHash: z.string().optional().describe('scrypt$… from `gaswatch hash-password`'),
  token: z.string().optional().describe('Bearer token for the API (use ${env:…} or ${file:…})'),
});

export const Main = z
  .strictObject({
    mqtt: z
      .strictObject({
        url: z.string().default('mqtt://127.0.0.1:1883').describe('Broker URL, or "embedded" for an in-process broker'),
        clientId: z.string().default('gaswatch-1').describe('Stable client id: the broker keeps our session by it'),
        username: z.string().optional(),
        password: z.string().optional(),
        topics: z.array(z.string()).min(1).default(['gas/{site}/{sensor}']),
        prefix: z.string().default('gaswatch').describe('Root of the topics gaswatch publishes'),
        maxPayload: Size.default(256 * 1024).describe('Larger payloads are rejected'),
        receiveMaximum: z.number().int().min(1).max(65535).default(65535),
        protocolVersion: z.union([z.literal(4), z.literal(5)]).default(5),
      })
      .prefault({}),
    influx: z
      .strictObject({
        enabled: z.boolean().default(true),
        url: z.string().default('http://127.0.0.1:8086'),
        database: z.string().default('gaswatch'),
        username: z.string().optional(),
        password: z.string().optional(),
        batchSize: z.number().int().positive().default(5000),
        flushInterval: Duration.default(1000),
        spoolMaxBytes: Size.default(1024 ** 3),
      })
      .prefault({}),
    http: z
      .strictObject({
        enabled: z.boolean().default(true),
        listen: z.string().default('127.0.0.1:8080'),
        anonymousViewer: z.boolean().default(false).describe('Anyone may read without logging in (demo)'),
      })
      .prefault({}),
    state: z.strictObject({ dir: z.string().default('var/gaswatch') }).prefault({}),
    alarms: z
      .strictObject({
        startupGrace: Duration.default(60_000).describe('Sensors never heard from go stale only after this'),
        defaultInterval: Duration.default(10_000).describe('Interval of sensors that do not set one'),
      })
      .prefault({}),
    log: z
      .strictObject({ level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info') })
      .prefault({}),
    operators: z.array(Operator).default([]),
    notify: z.unknown().optional().describe('Notification routes and channels (SPEC §9)'),
    sites: z.string().default('sites/*.yaml').describe('Glob of site files, relative to this file'),
    profiles: z.string().default('profiles.yaml').describe('Profile file, relative to this file'),
  })
  .describe('config/gaswatch.yaml');
export type MainConfig = z.output<typeof Main>;

export const ReadingStatusSchema = z.enum(READING_STATUSES);
