/**
 * The store's read port for the KPIs (SPEC §11) against a real InfluxDB 1.6.7: alarm events written
 * by the store come back as rows of a time range, filtered by site, in time order, bounded; and the
 * KPI service joins them with the journal at its oldest event, counting nothing twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlarmEvent, AlarmEventType, AlarmRecord, Priority } from '../../src/domain/types.js';
import { KpiService } from '../../src/kpis/service.js';
import { InfluxAlarmHistory } from '../../src/store/history.js';
import { alarmEventPoint } from '../../src/store/points.js';
import { createStore, type Store } from '../../src/store/store.js';
import { systemClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { type Influxd, startInfluxd } from '../helpers/influxd.js';
import { influxConfig, tempDir } from './support.js';

const DB = 'gaswatch_history';
const FROM = Date.parse('2026-11-27T00:00:00Z');
const MIN = 60_000;

let influxd: Influxd;
let store: Store;
let removeDir: () => Promise<void>;

function event(at: number, type: AlarmEventType, id: string, priority: Priority, state: string): AlarmEvent {
  const [site, sensor, condition] = id.split('/') as [string, string, string];
  const alarm = { id, site, sensor, condition, priority, state, message: `${id} ${type}` } as unknown as AlarmRecord;
  return { type, at: new Date(at).toISOString(), alarm };
}

// Ten minutes of history: five raises at the depot (one a minute), one at the station, acks.
const EVENTS: AlarmEvent[] = [
  ...[0, 1, 2, 3, 4].map((i) => event(FROM + i * MIN, 'raised', `zjk-depot/GD-1${i}/hi`, 'high', 'active_unacked')),
  event(FROM + 5 * MIN, 'raised', 'hx-station/GD-21/hihi', 'critical', 'active_unacked'),
  event(FROM + 6 * MIN, 'acked', 'hx-station/GD-21/hihi', 'critical', 'active_acked'),
  event(FROM + 9 * MIN, 'acked', 'zjk-depot/GD-10/hi', 'high', 'active_acked'),
];

beforeAll(async () => {
  influxd = await startInfluxd();
  const tmp = await tempDir();
  removeDir = tmp.remove;
  store = createStore({
    influx: influxConfig({ url: influxd.url, database: DB }),
    stateDir: tmp.dir,
    clock: systemClock,
    logger: silentLogger(),
  });
  await store.start();
  await store.write(EVENTS.map(alarmEventPoint));
  await store.flush();
});

afterAll(async () => {
  await store?.stop();
  await influxd?.stop();
  await removeDir?.();
});

describe('InfluxAlarmHistory', () => {
  const history = () => new InfluxAlarmHistory(influxConfig({ url: influxd.url, database: DB }));

  it('reads the events of a range, oldest first, with their tags', async () => {
    const { rows, truncated } = await history().alarmEvents({ from: FROM, to: FROM + 10 * MIN, limit: 100 });
    expect(truncated).toBe(false);
    expect(
      rows.map((r) => `${r.at - FROM} ${r.type} ${r.site}/${r.sensor}/${r.condition} ${r.priority} ${r.state}`),
    ).toEqual(
      EVENTS.map((e) => `${Date.parse(e.at) - FROM} ${e.type} ${e.alarm.id} ${e.alarm.priority} ${e.alarm.state}`),
    );
  });

  it('from ≤ at < to, one site (a bound parameter, not spliced into the query), and a row limit', async () => {
    const h = history();
    const depot = await h.alarmEvents({ from: FROM + MIN, to: FROM + 9 * MIN, site: 'zjk-depot', limit: 100 });
    expect(depot.rows.map((r) => r.sensor)).toEqual(['GD-11', 'GD-12', 'GD-13', 'GD-14']);
    const odd = await h.alarmEvents({ from: FROM, to: FROM + 10 * MIN, site: "x' OR '1'='1", limit: 100 });
    expect(odd.rows).toEqual([]);
    const few = await h.alarmEvents({ from: FROM, to: FROM + 10 * MIN, limit: 3 });
    expect(few.rows).toHaveLength(3);
    expect(few.truncated).toBe(true);
  });

  it('rejects when InfluxDB cannot answer', async () => {
    const dead = new InfluxAlarmHistory(influxConfig({ url: 'http://127.0.0.1:9', database: DB }), undefined, 2000);
    await expect(dead.alarmEvents({ from: FROM, to: FROM + MIN, limit: 10 })).rejects.toThrow();
  });
});

describe('KpiService', () => {
  it('joins InfluxDB (before the journal) and the journal (from its oldest event), counting nothing twice', async () => {
    // The journal holds the last three of the eight events (newest first, as the alarm room gives it)
    // and is full: older events left memory, InfluxDB has them.
    const journal = [...EVENTS.slice(5)].reverse();
    const notice = event(FROM + 5 * MIN, 'notified', 'hx-station/GD-21/hihi', 'critical', 'active_unacked');
    const full = Array.from({ length: 10_000 - journal.length }, () => notice);
    const service = new KpiService({
      journal: () => [...journal, ...full],
      standing: () => [],
      stored: new InfluxAlarmHistory(influxConfig({ url: influxd.url, database: DB })),
      now: () => FROM + 10 * MIN,
    });
    const k = await service.compute(FROM, FROM + 10 * MIN);
    // Six raises: five at the depot from InfluxDB (before 00:05, the journal's oldest), one at the
    // station from the journal — the journal's copies of 00:05 count once.
    expect(k.source).toBe('journal+influxdb');
    expect(k.raised).toBe(6);
    expect(k.priorities.counts).toEqual({ critical: 1, high: 5, medium: 0, low: 0 });
    expect(k.partial).toBeNull();

    // Without InfluxDB the journal alone, and it says what it is missing.
    const memoryOnly = new KpiService({
      journal: () => [...journal, ...full],
      standing: () => [],
      stored: undefined,
      now: () => FROM + 10 * MIN,
    });
    const m = await memoryOnly.compute(FROM, FROM + 10 * MIN);
    expect(m.raised).toBe(1);
    expect(m.partial).toBe(
      `InfluxDB is disabled: events before ${new Date(FROM + 5 * MIN).toISOString()} (the oldest in memory) are not counted`,
    );
  });
});
