/** The schema of config/profiles.yaml (SPEC §6): named threshold profiles. */
import { z } from 'zod';
import { Duration, Id, Priority, Range } from './schema-common.js';

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

export const setpointsOf = <T extends z.ZodType>(sp: T) =>
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

export const thresholdDefaults = {
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
