/**
 * The `hazards` section of gaswatch.yaml (SPEC §11): the rules that register hidden hazards, the
 * deadlines by severity and how an overdue hazard climbs the chain. Applies live on reload.
 *
 * Built by a function of the shared `Duration` schema so that schema.ts can include it without an
 * import cycle (schema.ts imports this module; this one only needs Duration's type).
 */
import { z } from 'zod';
import { HAZARD_SEVERITIES } from '../domain/hazards.js';

type DurationSchema = z.ZodType<number, unknown>;

const DAY = 24 * 3600_000;

export function hazardsSection(Duration: DurationSchema) {
  const Severity = z
    .enum(HAZARD_SEVERITIES)
    .describe(
      'major (严重隐患: short deadline) or minor (一般隐患: long deadline); not the legal 重大事故隐患 category',
    );
  const rule = <T extends z.ZodRawShape>(shape: T, what: string) =>
    z
      .strictObject({ ...shape, severity: Severity })
      .optional()
      .describe(what);
  const positive = (d: string) => Duration.refine((ms) => ms > 0, 'must be longer than 0').describe(d);
  const count = (d: string) => z.number().int().min(1).describe(d);
  return z
    .strictObject({
      rules: z
        .strictObject({
          stale: rule(
            {
              for: positive(
                'How long the sensor’s stale alarm must have stood (it raises staleAfter after the last reading)',
              ),
            },
            'A sensor silent for long: the area it watches is unmonitored',
          ),
          standing: rule(
            { for: positive('How long an alarm must have stood (active, or cleared but unacknowledged)') },
            'An alarm standing for long (ISA-18.2 "stale alarm"): a known abnormal state nobody resolves',
          ),
          chattering: rule(
            { count: count('Raises of one alarm…'), per: positive('…within this window') },
            'An alarm raised again and again: a setpoint, deadband or detector that needs an engineer',
          ),
          shelved: rule(
            { count: count('Shelves of one alarm…'), per: positive('…within this window') },
            'An alarm shelved again and again: a nuisance alarm hidden instead of fixed',
          ),
          drift: rule(
            {
              above: z.number().describe('A gas detector reading at or above this…'),
              unit: z.string().default('%LEL').describe('…in this unit (%LEL, ppm, %vol; converted per sensor)'),
              for: positive('…continuously for this long, with no alarm of the sensor active'),
            },
            'A gas detector creeping up where there should be no gas: zero drift, or a small leak below the alarm',
          ),
          calibration: rule(
            {},
            'A sensor past its calibration: calibratedAt + calibrationInterval in its site file has passed',
          ),
        })
        .prefault({})
        .describe('Rules that register hidden hazards; a rule left out is off. Hazards can also be registered by hand'),
      deadlines: z
        .strictObject({
          major: positive('Time to rectify a major hazard').default(DAY),
          minor: positive('Time to rectify a minor hazard').default(7 * DAY),
        })
        .prefault({})
        .describe('Rectification deadline by severity, counted from when the hazard is opened'),
      escalateAfter: positive(
        'An overdue hazard goes to the next person of the site’s chain at its deadline, and one person further ' +
          'up every escalateAfter while still open; the last person is reminded as often',
      ).default(DAY),
      keepVerified: z
        .number()
        .int()
        .min(0)
        .default(5000)
        .describe('Verified hazards kept in the register (newest first); InfluxDB hazard_event keeps them all'),
    })
    .prefault({})
    .meta({ apply: 'live' })
    .describe('Hidden hazards (SPEC §11): rules, deadlines and escalation (apply at once on reload)');
}

export type HazardsConfig = z.output<ReturnType<typeof hazardsSection>>;
