/**
 * What the hazard rules need to remember, fed from the streams (never by asking the alarm engine):
 * the standing alarms (from the alarm stream, seeded at start from the book through a narrow
 * port), the recent raises and shelves of each alarm, and the gas detectors reading above their
 * drift limit (from the readings stream). The rules (rules.ts) read it; the register persists the
 * counts and drift so that a restart does not reset them.
 *
 * `onReading` is on the reading path: for a sensor without a drift limit it is two map lookups.
 */
import type { HazardsConfig } from '../config/schema-hazards.js';
import type { SiteDef } from '../domain/sensor.js';
import type { AlarmEvent, AlarmRecord, Reading } from '../domain/types.js';
import { convert } from '../domain/units.js';
import { getOrSet } from '../util/maps.js';
import { type Calibrated, type Counted, type Drifting, hazardKey, type StandingAlarm } from './rules.js';

/** What of the watch survives a restart. */
export interface WatchState {
  raises: [string, Counted][];
  shelves: [string, Counted][];
  drift: Drifting[];
}

interface DriftLimit {
  /** In the sensor's unit. */
  limit: number;
  /** From the sensor's unit to the rule's, for the description. */
  toRuleUnit: (v: number) => number;
  staleAfter: number;
}

const isActive = (r: { state: string }) => r.state === 'active_unacked' || r.state === 'active_acked';

export class HazardWatch {
  readonly standing = new Map<string, StandingAlarm>();
  readonly raises = new Map<string, Counted>();
  readonly shelves = new Map<string, Counted>();
  /** site → sensor → drifting. */
  private readonly drifting = new Map<string, Map<string, Drifting>>();
  private limits = new Map<string, Map<string, DriftLimit>>();
  /** Sensors with an active alarm ("site/sensor"): their readings do not count as drift. */
  private readonly alarmed = new Map<string, number>();
  private calibrations: Calibrated[] = [];
  /** Something worth saving changed (a raise or shelve counted, drift began or ended). */
  dirty = false;
  private rules: HazardsConfig['rules'] = {};

  /** The rules and sites in force: drift limits in each sensor's unit, calibration due dates. */
  configure(rules: HazardsConfig['rules'], sites: ReadonlyMap<string, SiteDef>): void {
    this.rules = rules;
    const limits = new Map<string, Map<string, DriftLimit>>();
    const calibrations: Calibrated[] = [];
    for (const site of sites.values())
      for (const def of site.sensors.values()) {
        if (def.calibratedAt !== undefined && def.calibrationInterval !== undefined)
          calibrations.push({
            key: hazardKey('calibration', site.id, def.id),
            site: site.id,
            sensor: def.id,
            calibratedAt: def.calibratedAt,
            dueAt: def.calibratedAt + def.calibrationInterval,
          });
        const drift = rules.drift;
        if (!drift || def.kind !== 'gas') continue;
        const limit = convert(drift.above, drift.unit, def.unit, def);
        if (!limit.ok) continue; // a unit this detector cannot express (check-config says so)
        const toRule = (v: number) => {
          const r = convert(v, def.unit, drift.unit, def);
          return r.ok ? r.value : v;
        };
        getOrSet(limits, site.id, () => new Map()).set(def.id, {
          limit: limit.value,
          toRuleUnit: toRule,
          staleAfter: def.staleAfter,
        });
      }
    this.limits = limits;
    this.calibrations = calibrations.sort((a, b) => a.dueAt - b.dueAt);
    for (const [site, m] of this.drifting)
      for (const sensor of m.keys()) if (!limits.get(site)?.has(sensor)) m.delete(sensor);
    if (!rules.chattering) this.raises.clear();
    if (!rules.shelved) this.shelves.clear();
  }

  /** Standing alarms of the restored book, at start. */
  seed(records: readonly AlarmRecord[]): void {
    for (const r of records) this.noteRecord(r);
  }

  onAlarmEvent(e: AlarmEvent): void {
    const r = e.alarm;
    if (r.condition === 'flood' || r.condition === 'system') return;
    this.noteRecord(r);
    const at = Date.parse(e.at);
    if (e.type === 'raised' && this.rules.chattering) this.dirty = note(this.raises, r, at);
    else if (e.type === 'shelved' && this.rules.shelved) this.dirty = note(this.shelves, r, at);
  }

  onReading(r: Reading, now: number): void {
    const lim = this.limits.get(r.site)?.get(r.sensor);
    if (!lim) return;
    const valid = r.status === 'ok' && !r.fault && Number.isFinite(r.value);
    if (!valid) return; // a reading in fault or maintenance says nothing about drift
    let m = this.drifting.get(r.site);
    if (r.value < lim.limit || this.alarmed.has(`${r.site}/${r.sensor}`)) {
      if (m?.delete(r.sensor)) this.dirty = true;
      return;
    }
    m ??= getOrSet(this.drifting, r.site, () => new Map());
    const d = m.get(r.sensor);
    const value = lim.toRuleUnit(r.value);
    if (d) {
      d.lastAt = now;
      d.value = value;
    } else {
      m.set(r.sensor, { site: r.site, sensor: r.sensor, since: now, lastAt: now, value, staleAfter: lim.staleAfter });
      this.dirty = true;
    }
  }

  *driftingSensors(): IterableIterator<Drifting> {
    for (const m of this.drifting.values()) yield* m.values();
  }

  dueCalibrations(): readonly Calibrated[] {
    return this.calibrations;
  }

  /** Forget raises and shelves older than their rule's window. */
  prune(now: number): void {
    prune(this.raises, now - (this.rules.chattering?.per ?? 0));
    prune(this.shelves, now - (this.rules.shelved?.per ?? 0));
  }

  save(): WatchState {
    return { raises: [...this.raises], shelves: [...this.shelves], drift: [...this.driftingSensors()] };
  }

  restore(s: WatchState | undefined): void {
    for (const [id, c] of s?.raises ?? []) this.raises.set(id, c);
    for (const [id, c] of s?.shelves ?? []) this.shelves.set(id, c);
    for (const d of s?.drift ?? []) {
      getOrSet(this.drifting, d.site, () => new Map()).set(d.sensor, d);
    }
  }

  private noteRecord(r: AlarmRecord): void {
    const was = this.standing.get(r.id);
    const standing = r.state !== 'normal' && r.raisedAt !== null;
    const a: StandingAlarm | undefined = standing
      ? {
          id: r.id,
          site: r.site,
          sensor: r.sensor,
          condition: r.condition,
          state: r.state,
          raisedAt: Date.parse(r.raisedAt as string),
          suppressed: r.suppressed,
        }
      : undefined;
    if (a) this.standing.set(r.id, a);
    else this.standing.delete(r.id);
    // How many alarms of the sensor are active: while any is, its readings are not drift.
    const delta = (a && isActive(a) ? 1 : 0) - (was && isActive(was) ? 1 : 0);
    if (delta === 0) return;
    const key = `${r.site}/${r.sensor}`;
    const n = (this.alarmed.get(key) ?? 0) + delta;
    if (n > 0) this.alarmed.set(key, n);
    else this.alarmed.delete(key);
    if (delta > 0) this.drifting.get(r.site)?.delete(r.sensor);
  }
}

function note(into: Map<string, Counted>, r: AlarmRecord, at: number): true {
  getOrSet(into, r.id, () => ({ site: r.site, sensor: r.sensor, times: [] })).times.push(at);
  return true;
}

function prune(m: Map<string, Counted>, before: number): void {
  for (const [id, c] of m) {
    let i = 0;
    while (i < c.times.length && (c.times[i] as number) <= before) i++;
    if (i) c.times.splice(0, i);
    if (c.times.length === 0) m.delete(id);
  }
}
