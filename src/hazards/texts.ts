/**
 * Every text the register writes into a hazard record — descriptions of what a rule found, and the
 * notes of its own history lines — in the configured `locale` (SPEC §8), from the shared
 * catalogues (`hazard.describe.*`, `hazard.note.*`). Like an alarm record's `message`, a text is
 * written once, when the line is made, and kept as written. Times are the site's local time with
 * its offset ("2026-11-28 16:00:00 +08:00"): read in the control room's zone, unambiguous in any
 * other. Calibration dates are the config's own dates.
 *
 * Each language picks what it shows of a rule: English its config id (`stale`), Chinese its name
 * (数据中断…); both are passed (`ruleId`, `rule`).
 */
import type { HazardRule } from '../domain/hazards.js';
import type { Translate } from '../i18n/index.js';
import { formatTimeWithOffset } from '../util/zoned-time.js';

/** "45 s", "12 min", "3 h 5 min", "7 d", "2 d 4 h" — or "45 秒", "3 小时 5 分钟", "2 天 4 小时". */
export function span(t: Translate, ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return t('duration.seconds', { count: s });
  const min = Math.round(ms / 60_000);
  if (min < 60) return t('duration.minutes', { count: min });
  const h = Math.floor(min / 60);
  if (h < 48)
    return min % 60 ? t('duration.hoursMinutes', { hours: h, minutes: min % 60 }) : t('duration.hours', { count: h });
  const d = Math.floor(h / 24);
  return h % 24 ? t('duration.daysHours', { days: d, hours: h % 24 }) : t('duration.days', { count: d });
}

/** The zone a site's times are written in (its own, else the main file's, else the machine's). */
export type Zone = string | undefined;

const time = (t: number | string, zone: Zone) => formatTimeWithOffset(t, zone);
const day = (t: number) => new Date(t).toISOString().slice(0, 10);
const rule = (t: Translate, r: HazardRule) => ({ ruleId: r, rule: t(`hazard.kind.${r}`) });

export function staleDescription(
  t: Translate,
  zone: Zone,
  site: string,
  sensor: string,
  since: number,
  forMs: number,
): string {
  return t('hazard.describe.stale', { subject: `${site}/${sensor}`, since: time(since, zone), for: span(t, forMs) });
}

export function standingDescription(t: Translate, zone: Zone, alarm: string, since: number, forMs: number): string {
  return t('hazard.describe.standing', { alarm, since: time(since, zone), for: span(t, forMs) });
}

export function chatteringDescription(t: Translate, alarm: string, count: number, per: number): string {
  return t('hazard.describe.chattering', { alarm, count, per: span(t, per) });
}

export function shelvedDescription(t: Translate, alarm: string, count: number, per: number): string {
  return t('hazard.describe.shelved', { alarm, count, per: span(t, per) });
}

export function driftDescription(
  t: Translate,
  zone: Zone,
  site: string,
  sensor: string,
  value: number,
  unit: string,
  above: number,
  since: number,
): string {
  return t('hazard.describe.drift', {
    subject: `${site}/${sensor}`,
    above,
    unit,
    since: time(since, zone),
    value: Number(value.toPrecision(4)),
  });
}

export function calibrationDescription(
  t: Translate,
  site: string,
  sensor: string,
  calibratedAt: number,
  dueAt: number,
): string {
  return t('hazard.describe.calibration', { subject: `${site}/${sensor}`, due: day(dueAt), at: day(calibratedAt) });
}

export function conditionClearedNote(t: Translate): string {
  return t('hazard.note.conditionCleared');
}

export function ruleOffNote(t: Translate, r: HazardRule): string {
  return t('hazard.note.ruleOff', rule(t, r));
}

export function conditionReturnedNote(t: Translate): string {
  return t('hazard.note.conditionReturned');
}

export function reopenedByConditionNote(t: Translate): string {
  return t('hazard.note.reopenedByCondition');
}

/** `deadline`: the record's ISO-8601 deadline. */
export function overdueNote(t: Translate, zone: Zone, deadline: string, to: string | null): string {
  const at = time(deadline, zone);
  return to ? t('hazard.note.overdueTo', { deadline: at, to }) : t('hazard.note.overdue', { deadline: at });
}

export function escalatedNote(t: Translate, to: string, step: number, of: number, overdueFor: number): string {
  return t('hazard.note.escalated', { to, step: step + 1, of, overdueFor: span(t, overdueFor) });
}

export function openedByRuleNote(t: Translate, r: HazardRule): string {
  return t('hazard.note.openedByRule', rule(t, r));
}
