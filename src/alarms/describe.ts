/**
 * Human text and display values of alarm records (SPEC §3: value and threshold in the setpoint's
 * unit). The text is in the configured `locale` (SPEC §8), from the shared catalogues: a record's
 * `message` is written once, when the alarm changes, and kept as written.
 */
import type { LevelSetpointDef, RocDef, SensorDef } from '../domain/sensor.js';
import type { FaultCause } from '../domain/types.js';
import { convert } from '../domain/units.js';
import { conditionName, DEFAULT_LOCALE, formatSpan, type Locale, type Translate, translator } from '../i18n/index.js';

/** Round for display and records: six significant digits, no float noise (52.49999 → 52.5). */
export function tidy(v: number): number {
  return Number.isFinite(v) ? Number(v.toPrecision(6)) : v;
}

function fmt(v: number): string {
  return String(Number(v.toPrecision(4)));
}

/** "GD-12 methane", "GD-12 甲烷", or with the sensor's configured name as written: "GD-12 压缩机房 (methane)". */
function subject(t: Translate, def: SensorDef): string {
  const what = def.gas ? t(`gas.${def.gas}`, { defaultValue: def.gas }) : t(`kind.${def.kind}`);
  return def.name && def.name !== def.id
    ? t('message.subjectNamed', { id: def.id, name: def.name, what })
    : t('message.subject', { id: def.id, what });
}

/** A value in the sensor unit shown in `unit`; falls back to the sensor unit if it cannot convert. */
export function inUnit(def: SensorDef, value: number, unit: string): { value: number; unit: string } {
  const r = convert(value, def.unit, unit, { kind: def.kind, lel: def.lel, molarMass: def.molarMass });
  return r.ok ? { value: tidy(r.value), unit } : { value: tidy(value), unit: def.unit };
}

export interface Described {
  value: number | null;
  threshold: number | null;
  unit: string | null;
  message: string;
}

export function describeLevel(
  def: SensorDef,
  sp: LevelSetpointDef,
  value: number,
  locale: Locale = DEFAULT_LOCALE,
): Described {
  const t = translator(locale);
  const v = inUnit(def, value, sp.display.unit);
  return {
    value: v.value,
    threshold: sp.display.value,
    unit: sp.display.unit,
    message: t('message.level', {
      subject: subject(t, def),
      value: fmt(v.value),
      unit: v.unit,
      op: sp.condition === 'hi' || sp.condition === 'hihi' ? '≥' : '≤',
      level: conditionName(t, sp.condition, def.kind === 'gas'),
      threshold: fmt(sp.display.value),
      thresholdUnit: sp.display.unit,
    }),
  };
}

export function describeRoc(
  def: SensorDef,
  roc: RocDef,
  value: number,
  change: number,
  locale: Locale = DEFAULT_LOCALE,
): Described {
  const t = translator(locale);
  const unit = roc.display.unit;
  const now = inUnit(def, value, unit);
  const delta = Math.abs(inUnit(def, change, unit).value - inUnit(def, 0, unit).value);
  const fell = change < 0;
  const limit = (fell ? roc.display.fall : roc.display.rise) ?? 0;
  return {
    value: now.value,
    threshold: limit,
    unit,
    message: t(fell ? 'message.rocFall' : 'message.rocRise', {
      subject: subject(t, def),
      delta: fmt(delta),
      unit,
      per: formatSpan(t, roc.per),
      limit: fmt(limit),
      value: fmt(now.value),
      valueUnit: now.unit,
    }),
  };
}

export function describeFault(
  def: SensorDef,
  value: number | null,
  cause: FaultCause,
  locale: Locale = DEFAULT_LOCALE,
): Described {
  const t = translator(locale);
  return {
    value: value === null || !Number.isFinite(value) ? null : tidy(value),
    threshold: null,
    unit: def.unit,
    message: t('message.fault', {
      subject: subject(t, def),
      reason: t(`message.faultCause.${cause.code}`, cause),
    }),
  };
}

export function describeStale(
  def: SensorDef,
  silentFor: number | null,
  lastValue: number | null,
  locale: Locale = DEFAULT_LOCALE,
): Described {
  const t = translator(locale);
  return {
    value: lastValue === null ? null : tidy(lastValue),
    threshold: null,
    unit: def.unit,
    message:
      silentFor === null
        ? t('message.staleNever', { subject: subject(t, def) })
        : t('message.stale', {
            subject: subject(t, def),
            silent: formatSpan(t, Math.round(silentFor / 1000) * 1000),
            interval: formatSpan(t, def.interval),
          }),
  };
}
