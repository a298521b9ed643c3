/**
 * The hazard rules of SPEC §11 as pure functions: what each rule finds now, given what the register
 * has watched go by on the streams (watch.ts) and the config. A finding is a condition present now;
 * the register turns findings into hazards (one per rule and sensor) and notes when they go away.
 *
 * | rule          | present when                                                                   |
 * | ------------- | ------------------------------------------------------------------------------ |
 * | `stale`       | the sensor's `stale` alarm is active and has been for `for` (not suppressed)   |
 * | `standing`    | an alarm of the sensor has stood (not normal) for `for` (not suppressed; `stale` left to its own rule when that is on) |
 * | `chattering`  | one alarm of the sensor was raised `count` times within `per`, counted after `after(key)` |
 * | `shelved`     | one alarm of the sensor was shelved `count` times within `per`, counted after `after(key)` |
 * | `drift`       | a gas detector has read ≥ `above` for `for` with no alarm of it active, and is still reporting |
 * | `calibration` | `calibratedAt + calibrationInterval` has passed                                |
 *
 * `after(key)` makes counts start afresh once a hazard was rectified (its `rectifiedAt`) or closed
 * (its verification): the raises that opened a hazard must not open the next one.
 */
import type { HazardRule } from '../domain/hazards.js';
import type { AlarmState } from '../domain/types.js';
import type { Translate } from '../i18n/index.js';
import type { Zone } from './texts.js';
import * as text from './texts.js';

export interface Finding {
  rule: HazardRule;
  key: string;
  site: string;
  sensor: string;
  /** The alarm it is about, for the alarm rules. */
  alarm: string | null;
  /**
   * The hazard's description in `t`'s language, its times in the site's zone; only asked for when a
   * hazard is opened (a pass finds the same ones again and again).
   */
  describe(t: Translate, zone: Zone): string;
}

/** What the register keeps of a standing alarm (from the alarm stream). */
export interface StandingAlarm {
  id: string;
  site: string;
  sensor: string;
  condition: string;
  state: AlarmState;
  /** Daemon ms. */
  raisedAt: number;
  suppressed: boolean;
}

/** Daemon times of raises or shelves of one alarm. */
export interface Counted {
  site: string;
  sensor: string;
  times: number[];
}

/** A gas detector reading at or above its drift limit. */
export interface Drifting {
  site: string;
  sensor: string;
  /** Daemon ms of the first reading at or above the limit in this run. */
  since: number;
  /** Daemon ms of the latest such reading, and its value in the rule's unit. */
  lastAt: number;
  value: number;
  /** The sensor counts as still reporting while lastAt is within this (its staleAfter). */
  staleAfter: number;
}

export interface Calibrated {
  key: string;
  site: string;
  sensor: string;
  calibratedAt: number;
  dueAt: number;
}

export function hazardKey(rule: HazardRule, site: string, sensor: string): string {
  return `${rule}:${site}/${sensor}`;
}

const isActive = (s: AlarmState) => s === 'active_unacked' || s === 'active_acked';

export function staleFindings(standing: Iterable<StandingAlarm>, rule: { for: number }, now: number): Finding[] {
  const out: Finding[] = [];
  for (const a of standing) {
    if (a.condition !== 'stale' || !isActive(a.state) || a.suppressed || now - a.raisedAt < rule.for) continue;
    out.push({
      rule: 'stale',
      key: hazardKey('stale', a.site, a.sensor),
      site: a.site,
      sensor: a.sensor,
      alarm: a.id,
      describe: (t, zone) => text.staleDescription(t, zone, a.site, a.sensor, a.raisedAt, rule.for),
    });
  }
  return out;
}

/** One finding per sensor: its longest-standing alarm. */
export function standingFindings(
  standing: Iterable<StandingAlarm>,
  rule: { for: number },
  now: number,
  staleRuleOn: boolean,
): Finding[] {
  const oldest = new Map<string, StandingAlarm>();
  for (const a of standing) {
    if (a.suppressed || now - a.raisedAt < rule.for || (staleRuleOn && a.condition === 'stale')) continue;
    const key = hazardKey('standing', a.site, a.sensor);
    const prev = oldest.get(key);
    if (!prev || a.raisedAt < prev.raisedAt || (a.raisedAt === prev.raisedAt && a.id < prev.id)) oldest.set(key, a);
  }
  return [...oldest].map(([key, a]) => ({
    rule: 'standing' as const,
    key,
    site: a.site,
    sensor: a.sensor,
    alarm: a.id,
    describe: (t, zone) => text.standingDescription(t, zone, a.id, a.raisedAt, rule.for),
  }));
}

/** `chattering` (raises) or `shelved` (shelves): one finding per sensor, about its busiest alarm. */
export function countFindings(
  rule: 'chattering' | 'shelved',
  counted: ReadonlyMap<string, Counted>,
  cfg: { count: number; per: number },
  now: number,
  after: (key: string) => number,
): Finding[] {
  const best = new Map<string, { alarm: string; n: number; c: Counted }>();
  for (const [alarm, c] of counted) {
    const key = hazardKey(rule, c.site, c.sensor);
    const from = Math.max(now - cfg.per, after(key));
    let n = 0;
    for (const t of c.times) if (t > from && t <= now) n++;
    if (n < cfg.count) continue;
    const prev = best.get(key);
    if (!prev || n > prev.n || (n === prev.n && alarm < prev.alarm)) best.set(key, { alarm, n, c });
  }
  return [...best].map(([key, { alarm, n, c }]) => ({
    rule,
    key,
    site: c.site,
    sensor: c.sensor,
    alarm,
    describe: (t: Translate) =>
      rule === 'chattering'
        ? text.chatteringDescription(t, alarm, n, cfg.per)
        : text.shelvedDescription(t, alarm, n, cfg.per),
  }));
}

export function driftFindings(
  drifting: Iterable<Drifting>,
  cfg: { above: number; unit: string; for: number },
  now: number,
): Finding[] {
  const out: Finding[] = [];
  for (const d of drifting) {
    if (now - d.since < cfg.for || now - d.lastAt > d.staleAfter) continue;
    out.push({
      rule: 'drift',
      key: hazardKey('drift', d.site, d.sensor),
      site: d.site,
      sensor: d.sensor,
      alarm: null,
      describe: (t, zone) => text.driftDescription(t, zone, d.site, d.sensor, d.value, cfg.unit, cfg.above, d.since),
    });
  }
  return out;
}

/** `due` sorted by dueAt (oldest first): the prefix that is due. */
export function calibrationFindings(due: readonly Calibrated[], now: number): Finding[] {
  const out: Finding[] = [];
  for (const c of due) {
    if (c.dueAt > now) break;
    out.push({
      rule: 'calibration',
      key: c.key,
      site: c.site,
      sensor: c.sensor,
      alarm: null,
      describe: (t) => text.calibrationDescription(t, c.site, c.sensor, c.calibratedAt, c.dueAt),
    });
  }
  return out;
}
