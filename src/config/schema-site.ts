/** The schema of config/sites/*.yaml (SPEC §6): one facility, its responsibility chain and sensors. */
import { z } from 'zod';
import { SYSTEM_SITE_ID } from '../domain/ids.js';
import { SENSOR_KINDS } from '../domain/types.js';
import { Duration, Id, Range, TimeZone } from './schema-common.js';
import { Roc, SetpointOverride, setpointsOf, thresholdDefaults } from './schema-profiles.js';

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
    id: Id.refine(
      (id) => id !== SYSTEM_SITE_ID,
      `"${SYSTEM_SITE_ID}" is reserved for gaswatch's own system alarms`,
    ).describe('Site id: the {site} level of the MQTT topics; unique across site files'),
    name: z.string().optional().describe('Human name shown on the console'),
    type: z.enum(['storage', 'station']).describe('storage (depot) or station (filling station)'),
    location: z.string().optional().describe('Address or coordinates, for the people called out'),
    timezone: TimeZone.optional().describe(
      'Time zone of the site: times on the console and in messages about it (default the main file’s timezone)',
    ),
    responsible: z.array(Responsible).default([]).describe('Escalation chain, first person first'),
    maintenance: z.array(MaintenanceWindow).default([]).describe('Maintenance windows'),
    sensors: z.array(Sensor).default([]).describe('The sensors of the site'),
  })
  .describe('config/sites/*.yaml: one facility');
export type SiteConfig = z.output<typeof Site>;
