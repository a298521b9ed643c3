/**
 * The config schemas (SPEC §6). These zod schemas are the only source of config types,
 * defaults and field docs: `gaswatch schema` generates the JSON Schema editors use from them
 * (config/schema/*.json), and the loader reports their issues at the line of the offending key.
 * Checks the schema cannot express (profiles exist, setpoints ordered, units fit the kind,
 * GB/T 50493 caps) live in check-*.ts and resolve*.ts.
 */
import { z } from 'zod';
import { READING_STATUSES } from '../domain/types.js';
import { Duration, Locale, TimeZone } from './schema-common.js';
import { HaSection, HttpSection, InfluxSection, MqttSection } from './schema-connections.js';
import { hazardsSection } from './schema-hazards.js';
import { Notify } from './schema-notify.js';

export * from './schema-common.js';
export * from './schema-connections.js';
export * from './schema-notify.js';
export * from './schema-profiles.js';
export * from './schema-site.js';

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

export const Main = z
  .strictObject({
    locale: Locale.default('en').describe(
      'Language of alarm messages, notifications, escalations and daily reports: en or zh-CN (a channel may set its own)',
    ),
    timezone: TimeZone.optional().describe(
      'Time zone of the sites, e.g. Asia/Shanghai: console times and messages (default the machine’s; a site may set its own)',
    ),
    mqtt: MqttSection,
    influx: InfluxSection,
    http: HttpSection,
    ha: HaSection.optional(),
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
