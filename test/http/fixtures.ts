/**
 * In-memory implementations of the HTTP ports (src/http/ports.ts), small but honest: the alarm
 * book follows the ISA-18.2 transitions of SPEC §3 and refuses what the real engine refuses, so the
 * API and console tests exercise real behaviour. `FakePlant` turns readings into hi/hihi alarms
 * the way a simulator's leak would reach the real daemon.
 */
import type { HazardBatch } from '../../src/domain/hazards.js';
import type {
  AlarmEvent,
  AlarmEventType,
  AlarmRecord,
  AlarmState,
  Priority,
  Reading,
  SensorKind,
} from '../../src/domain/types.js';
import type {
  AlarmsApi,
  CommandResult,
  HealthApi,
  LiveFeed,
  SensorSnapshot,
  SensorsApi,
  SiteInfo,
  TrendSetpoint,
} from '../../src/http/ports.js';
import { conditionName, isGasUnit, type Locale, translator } from '../../src/i18n/index.js';
import type { Clock } from '../../src/util/clock.js';

export class MemoryLiveFeed implements LiveFeed {
  private alarmFns = new Set<(e: AlarmEvent) => void>();
  private readingFns = new Set<(r: Reading) => void>();
  private hazardFns = new Set<(b: HazardBatch) => void>();
  onAlarmEvent(fn: (e: AlarmEvent) => void) {
    this.alarmFns.add(fn);
    return () => void this.alarmFns.delete(fn);
  }
  onReading(fn: (r: Reading) => void) {
    this.readingFns.add(fn);
    return () => void this.readingFns.delete(fn);
  }
  onHazards(fn: (b: HazardBatch) => void) {
    this.hazardFns.add(fn);
    return () => void this.hazardFns.delete(fn);
  }
  /** What a hazard register hands its output (the daemon wires the register's stream here). */
  emitHazards(b: HazardBatch): void {
    for (const fn of this.hazardFns) fn(b);
  }
  emitAlarm(e: AlarmEvent): void {
    for (const fn of this.alarmFns) fn(e);
  }
  emitReading(r: Reading): void {
    for (const fn of this.readingFns) fn(r);
  }
}

export interface RaiseInput {
  site: string;
  sensor: string;
  condition: AlarmRecord['condition'];
  priority: Priority;
  value?: number;
  threshold?: number;
  unit?: string;
}

export class MemoryAlarms implements AlarmsApi {
  readonly records = new Map<string, AlarmRecord>();
  readonly journal: AlarmEvent[] = [];
  /** The language of the records' messages, as the daemon's `locale`. */
  locale: Locale = 'en';

  constructor(
    private readonly clock: Clock,
    private readonly feed: MemoryLiveFeed,
  ) {}

  /** Raises (or updates the value of) an alarm; returns its id. */
  raise(i: RaiseInput): string {
    const id = `${i.site}/${i.sensor}/${i.condition}`;
    const old = this.records.get(id);
    const value = i.value ?? null;
    const fields = { value, threshold: i.threshold ?? null, unit: i.unit ?? null, message: message(i, this.locale) };
    if (old && (old.state === 'active_unacked' || old.state === 'active_acked')) {
      Object.assign(old, fields);
      return id;
    }
    const rec: AlarmRecord = {
      ...(old ?? { shelved: false, suppressed: false, shelvedBy: null, shelvedUntil: null, shelveReason: null }),
      id,
      site: i.site,
      sensor: i.sensor,
      condition: i.condition,
      priority: i.priority,
      state: 'active_unacked',
      ...fields,
      raisedAt: this.iso(),
      clearedAt: null,
      ackedAt: null,
      ackedBy: null,
      comment: null,
    };
    this.records.set(id, rec);
    this.emit('raised', rec);
    return id;
  }

  clear(id: string): void {
    const r = this.records.get(id);
    if (!r || (r.state !== 'active_unacked' && r.state !== 'active_acked')) return;
    r.state = r.state === 'active_acked' ? 'normal' : 'cleared_unacked';
    r.clearedAt = this.iso();
    this.emit('cleared', r);
  }

  list(filter?: { states?: AlarmState[] }): AlarmRecord[] {
    this.expireShelves();
    return [...this.records.values()]
      .filter((r) => r.state !== 'normal' && (!filter?.states || filter.states.includes(r.state)))
      .map((r) => ({ ...r }));
  }

  history(q: { limit?: number; site?: string; sensor?: string; type?: string; since?: number } = {}): AlarmEvent[] {
    return this.journal
      .filter(
        (e) =>
          (!q.site || e.alarm.site === q.site) &&
          (!q.sensor || e.alarm.sensor === q.sensor) &&
          (!q.type || e.type === q.type) &&
          (q.since === undefined || Date.parse(e.at) >= q.since),
      )
      .reverse()
      .slice(0, q.limit ?? 200);
  }

  ack(id: string, operator: string, comment: string | null): CommandResult {
    const r = this.records.get(id);
    if (!r) return { ok: false, code: 'not_found', message: `no alarm ${id}` };
    if (r.state !== 'active_unacked' && r.state !== 'cleared_unacked')
      return {
        ok: false,
        code: 'invalid_state',
        message: `${id} is ${r.state}; only unacknowledged alarms can be acknowledged`,
      };
    r.state = r.state === 'active_unacked' ? 'active_acked' : 'normal';
    Object.assign(r, { ackedAt: this.iso(), ackedBy: operator, comment });
    return { ok: true, alarm: this.emit('acked', r, operator, comment) };
  }

  shelve(id: string, operator: string, minutes: number, reason: string): CommandResult {
    const r = this.records.get(id);
    if (!r) return { ok: false, code: 'not_found', message: `no alarm ${id}` };
    if (!(Number.isInteger(minutes) && minutes > 0))
      return { ok: false, code: 'bad_request', message: 'minutes must be > 0' };
    if (r.state === 'normal')
      return { ok: false, code: 'invalid_state', message: `${id} is normal; nothing to shelve` };
    const until = new Date(this.clock.now() + minutes * 60_000).toISOString();
    Object.assign(r, { shelved: true, shelvedBy: operator, shelvedUntil: until, shelveReason: reason });
    return { ok: true, alarm: this.emit('shelved', r, operator, reason) };
  }

  unshelve(id: string, operator: string): CommandResult {
    const r = this.records.get(id);
    if (!r) return { ok: false, code: 'not_found', message: `no alarm ${id}` };
    if (!r.shelved) return { ok: false, code: 'invalid_state', message: `${id} is not shelved` };
    Object.assign(r, { shelved: false, shelvedBy: null, shelvedUntil: null, shelveReason: null });
    return { ok: true, alarm: this.emit('unshelved', r, operator, null) };
  }

  private expireShelves(): void {
    for (const r of this.records.values())
      if (r.shelved && r.shelvedUntil && Date.parse(r.shelvedUntil) <= this.clock.now()) {
        Object.assign(r, { shelved: false, shelvedBy: null, shelvedUntil: null, shelveReason: null });
        this.emit('unshelved', r, null, 'shelf expired');
      }
  }

  private emit(type: AlarmEventType, r: AlarmRecord, operator: string | null = null, comment: string | null = null) {
    const e: AlarmEvent = { type, at: this.iso(), alarm: { ...r }, operator, comment };
    this.journal.push(e);
    this.feed.emitAlarm(e);
    return e.alarm;
  }

  private iso(): string {
    return new Date(this.clock.now()).toISOString();
  }
}

/** The record message the daemon writes for a level alarm, from the same catalogue. */
function message(i: RaiseInput, locale: Locale): string {
  const t = translator(locale);
  const gas = isGasUnit(i.unit);
  return t('message.level', {
    subject: t('message.subject', { id: i.sensor, what: t(gas ? 'kind.gas' : 'kind.temperature') }),
    value: i.value ?? '',
    unit: i.unit ?? '',
    op: i.condition === 'lo' || i.condition === 'lolo' ? '≤' : '≥',
    level: conditionName(t, i.condition, gas),
    threshold: i.threshold ?? '',
    thresholdUnit: i.unit ?? '',
  });
}

interface SensorEntry {
  snap: SensorSnapshot;
  history: { ts: number; value: number }[];
}

export class MemorySensors implements SensorsApi {
  private readonly entries = new Map<string, SensorEntry>();
  /** Set to give sites names and zones, as the daemon's site files do. */
  site?: (id: string) => SiteInfo;
  constructor(private readonly clock: Clock) {}

  define(
    site: string,
    sensor: string,
    d: {
      kind: SensorKind;
      unit: string;
      asset?: string;
      name?: string;
      /** ISO dates, as the sensor view computes them from the site file. */
      calibratedAt?: string;
      calibrationDue?: string;
    },
  ): void {
    this.entries.set(`${site}/${sensor}`, {
      snap: {
        site,
        sensor,
        name: d.name ?? null,
        kind: d.kind,
        asset: d.asset ?? null,
        unit: d.unit,
        value: null,
        ts: null,
        status: 'stale',
        configured: true,
        calibratedAt: d.calibratedAt ?? null,
        calibrationDue: d.calibrationDue ?? null,
      },
      history: [],
    });
  }

  ingest(r: Reading): void {
    const key = `${r.site}/${r.sensor}`;
    let e = this.entries.get(key);
    if (!e) {
      e = {
        snap: {
          site: r.site,
          sensor: r.sensor,
          name: null,
          kind: null,
          asset: null,
          unit: r.unit,
          value: null,
          ts: null,
          status: 'unconfigured',
          configured: false,
        },
        history: [],
      };
      this.entries.set(key, e);
    }
    const status = !r.configured
      ? 'unconfigured'
      : r.status === 'fault'
        ? 'fault'
        : r.status === 'ok'
          ? 'ok'
          : 'maintenance';
    Object.assign(e.snap, { value: r.value, ts: new Date(r.ts).toISOString(), status });
    e.history.push({ ts: r.ts, value: r.value });
    const cutoff = this.clock.now() - 3600_000;
    while ((e.history[0]?.ts ?? cutoff) < cutoff) e.history.shift();
  }

  markStale(site: string, sensor: string): void {
    const e = this.entries.get(`${site}/${sensor}`);
    if (e) e.snap.status = 'stale';
  }

  list(): SensorSnapshot[] {
    return [...this.entries.values()].map((e) => ({ ...e.snap }));
  }

  trend(site: string, sensor: string) {
    return this.entries.get(`${site}/${sensor}`)?.history.map((p) => ({ ...p }));
  }

  /** The plant's hi/hihi of a gas sensor (FakePlant.gasSensor), as the daemon resolves them. */
  levels = new Map<string, TrendSetpoint[]>();

  setpoints(site: string, sensor: string): TrendSetpoint[] {
    return this.levels.get(`${site}/${sensor}`) ?? [];
  }
}

export class MemoryHealth implements HealthApi {
  reasons: string[] = [];
  readiness() {
    return { ready: this.reasons.length === 0, reasons: [...this.reasons] };
  }
}

/** The ports together, plus a tiny evaluator: readings past hi/hihi raise alarms, back under clears them. */
export class FakePlant {
  readonly live = new MemoryLiveFeed();
  readonly alarms: MemoryAlarms;
  readonly sensors: MemorySensors;
  readonly health = new MemoryHealth();
  private readonly setpoints = new Map<string, { hi: number; hihi: number; unit: string }>();

  constructor(readonly clock: Clock) {
    this.alarms = new MemoryAlarms(clock, this.live);
    this.sensors = new MemorySensors(clock);
  }

  gasSensor(site: string, sensor: string, asset: string, hi = 20, hihi = 40): void {
    this.sensors.define(site, sensor, { kind: 'gas', unit: '%LEL', asset });
    this.setpoints.set(`${site}/${sensor}`, { hi, hihi, unit: '%LEL' });
    this.sensors.levels.set(`${site}/${sensor}`, [
      { condition: 'hihi', priority: 'critical', value: hihi },
      { condition: 'hi', priority: 'high', value: hi },
    ]);
  }

  /** A reading as the daemon would hand it on after decoding. */
  publish(site: string, sensor: string, value: number, status: Reading['status'] = 'ok'): void {
    const sp = this.setpoints.get(`${site}/${sensor}`);
    const r: Reading = {
      site,
      sensor,
      value,
      ts: this.clock.now(),
      unit: sp?.unit ?? '',
      status,
      configured: sp !== undefined,
    };
    this.sensors.ingest(r);
    this.live.emitReading(r);
    if (!sp || status !== 'ok') return;
    for (const [condition, threshold, priority] of [
      ['hihi', sp.hihi, 'critical'],
      ['hi', sp.hi, 'high'],
    ] as const) {
      const id = `${site}/${sensor}/${condition}`;
      if (value >= threshold) this.alarms.raise({ site, sensor, condition, priority, value, threshold, unit: sp.unit });
      else this.alarms.clear(id);
    }
  }
}
