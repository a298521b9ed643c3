/**
 * Taking a partition over (SPEC §10): the alarm book and the hazard register rebuilt from the
 * retained records the other node published (src/alarms/adopt.ts, src/hazards/adopt.ts), and the
 * mirror a node keeps of them while it watches (src/ha/mirror.ts).
 */
import { describe, expect, it } from 'vitest';
import { adoptRecords } from '../../src/alarms/adopt.js';
import type { AlarmEntry } from '../../src/alarms/book.js';
import { AlarmEngine } from '../../src/alarms/engine.js';
import type { AlarmEvent, AlarmRecord, Reading } from '../../src/domain/types.js';
import { Mirror } from '../../src/ha/mirror.js';
import { adoptHazards } from '../../src/hazards/adopt.js';
import { HazardRegister } from '../../src/hazards/register.js';
import { ManualClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { hazardsConfig, SITE } from '../hazards/rig.js';
import { GAS_PROFILES, sitesFrom } from '../helpers/engine.js';

const sites = sitesFrom(GAS_PROFILES, [SITE]);
const all = () => true;

function engine(clock: ManualClock, events: AlarmEvent[] = []): AlarmEngine {
  return new AlarmEngine({
    clock,
    logger: silentLogger(),
    startupGrace: 3_600_000,
    out: (b) => {
      events.push(...b.events);
      return Promise.resolve();
    },
  });
}

function reading(sensor: string, ppm: number, clock: ManualClock): Reading {
  return { site: 'zjk-depot', sensor, value: ppm, ts: clock.now(), unit: 'ppm', status: 'ok', configured: true };
}

describe('alarm state taken over from the retained records', () => {
  it('an alarm standing on the other node stands here, acknowledged as it was, and is not raised again', () => {
    const clock = new ManualClock();
    // Node a: GD-12 over HiHi, acknowledged there.
    const a = engine(clock);
    a.applyConfig(sites);
    a.handle(reading('GD-12', 30_000, clock)); // 68 %LEL: hi and hihi
    clock.advance(60_000);
    a.ack('zjk-depot/GD-12/hihi', 'wang', 'on it');
    const retained = a.list();
    expect(retained.map((r) => [r.id, r.state])).toEqual([
      ['zjk-depot/GD-12/hihi', 'active_acked'],
      ['zjk-depot/GD-12/hi', 'active_unacked'],
    ]);

    // Node b's state directory is days old: an older raise of hihi, and GD-13/hi that ended since.
    const old = (id: string, sensor: string, condition: 'hi' | 'hihi'): AlarmEntry => ({
      record: {
        ...(retained[0] as AlarmRecord),
        id,
        sensor,
        condition,
        state: 'active_unacked',
        raisedAt: '2026-11-20T00:00:00.000Z',
        ackedBy: null,
        ackedAt: null,
      },
      cond: true,
      latch: false,
      realarmAfter: null,
      lastAnnounced: 0,
      raises: [],
    });
    const own = [old('zjk-depot/GD-12/hihi', 'GD-12', 'hihi'), old('zjk-depot/GD-13/hi', 'GD-13', 'hi')];
    const { entries, notes } = adoptRecords(own, retained, clock.now(), all);
    expect(notes.join(' ')).toMatch(/took over 2 alarms .* 1 alarms of this node's state directory ended/);

    const events: AlarmEvent[] = [];
    const b = engine(clock, events);
    b.restore(entries, []);
    b.applyConfig(sites);
    clock.advance(1000);
    b.handle(reading('GD-12', 30_000, clock));
    expect(events.filter((e) => e.type === 'raised')).toEqual([]);
    expect(b.list().map((r) => [r.id, r.state, r.ackedBy])).toEqual([
      ['zjk-depot/GD-12/hihi', 'active_acked', 'wang'],
      ['zjk-depot/GD-12/hi', 'active_unacked', null],
    ]);
    // Back below: hihi (acknowledged) ends, hi waits for its acknowledgement.
    b.handle(reading('GD-12', 0, clock));
    expect(events.map((e) => `${e.type} ${e.alarm.condition}`).sort()).toEqual(['cleared hi', 'cleared hihi']);
    expect(b.list().map((r) => [r.id, r.state])).toEqual([['zjk-depot/GD-12/hi', 'cleared_unacked']]);
  });

  it('takes gaswatch’s own alarms of the other node as cleared; keeps its own where partitions hide them', () => {
    const sys = (name: string, state: AlarmRecord['state']): AlarmRecord => ({
      id: `_gaswatch/${name}/system`,
      site: '_gaswatch',
      sensor: name,
      condition: 'system',
      priority: 'high',
      state,
      shelved: false,
      suppressed: false,
      value: null,
      threshold: null,
      unit: null,
      message: name,
      raisedAt: '2026-11-28T07:00:00.000Z',
      clearedAt: null,
      ackedAt: null,
      ackedBy: null,
      comment: null,
    });
    const now = Date.parse('2026-11-28T08:00:00.000Z');
    const { entries } = adoptRecords(
      [],
      [sys('spool-full', 'active_unacked'), sys('broker-dropped', 'active_acked')],
      now,
      all,
    );
    expect(entries.map((e) => [e.record.id, e.record.state, e.record.clearedAt, e.cond])).toEqual([
      ['_gaswatch/spool-full/system', 'cleared_unacked', '2026-11-28T08:00:00.000Z', false],
    ]);
    const mine: AlarmEntry = {
      record: sys('state-write', 'cleared_unacked'),
      cond: false,
      latch: false,
      realarmAfter: null,
      lastAnnounced: 0,
      raises: [],
    };
    const partition = (site: string) => site === 'zjk-depot';
    expect(adoptRecords([mine], [sys('spool-full', 'active_unacked')], now, partition).entries).toEqual([mine]);
  });
});

describe('the mirror of a watching node', () => {
  const record = (id: string, state: AlarmRecord['state'], shelved = false) => {
    const [site, sensor, condition] = id.split('/') as [string, string, string];
    return { id, site, sensor, condition, state, shelved, priority: 'high', raisedAt: '2026-11-28T08:00:00.000Z' };
  };
  const msg = (v: unknown) => Buffer.from(v === '' ? '' : JSON.stringify(v));

  it('keeps the records of its sites, learns a shelve of a normal alarm from its event, forgets what a resync does not see', () => {
    const m = new Mirror('gaswatch', (site) => site === 'zjk-depot');
    m.onMessage('gaswatch/alarms/zjk-depot/GD-12/hi', msg(record('zjk-depot/GD-12/hi', 'active_unacked')));
    m.onMessage('gaswatch/alarms/other/GD-1/hi', msg(record('other/GD-1/hi', 'active_unacked')));
    m.onMessage('gaswatch/alarms/zjk-depot/GD-13/hi', msg(record('zjk-depot/GD-13/hi', 'active_unacked')));
    m.onMessage('gaswatch/alarms/zjk-depot/GD-13/hi', msg(''));
    const shelved = {
      type: 'shelved',
      at: '2026-11-28T08:01:00.000Z',
      alarm: record('zjk-depot/GD-14/hi', 'normal', true),
    };
    m.onMessage('gaswatch/events', msg(shelved));
    expect(m.alarmRecords().map((r) => r.id)).toEqual(['zjk-depot/GD-12/hi', 'zjk-depot/GD-14/hi']);
    expect(m.takeEvents()).toEqual([shelved]);
    expect(m.takeEvents()).toEqual([]);

    m.beginSync();
    m.onMessage('gaswatch/alarms/zjk-depot/GD-12/hi', msg(record('zjk-depot/GD-12/hi', 'active_acked')));
    m.endSync();
    expect(m.alarmRecords().map((r) => [r.id, r.state])).toEqual([['zjk-depot/GD-12/hi', 'active_acked']]);

    // Active: the events are this node's own, not for its journal.
    m.collect(false);
    m.onMessage('gaswatch/events', msg({ ...shelved, type: 'unshelved' }));
    expect(m.takeEvents()).toEqual([]);
    expect(m.recent().map((e) => e.type)).toEqual(['unshelved', 'shelved']);
  });
});

describe('the hazard register taken over from the retained records', () => {
  it('keeps who rectified it (two-person rule), continues the numbering, drops what ended elsewhere', async () => {
    const clock = new ManualClock();
    const cfg = hazardsConfig({ rules: {} });
    const out = () => Promise.resolve();
    const a = new HazardRegister(cfg, { clock, logger: silentLogger(), out, sites: () => sites });
    a.applyConfig(cfg, sites);
    const made = [];
    for (const d of ['valve', 'fence', 'sign'])
      made.push(await a.register({ site: 'zjk-depot', sensor: 'GD-12', severity: 'minor', description: d }, 'li'));
    await a.rectify('zjk-depot/H-1', 'li', 'replaced');
    await a.verify('zjk-depot/H-2', 'zhao', null).then(() => a.rectify('zjk-depot/H-2', 'li', 'x'));
    const retained = a.list(); // H-1 rectified by li, H-2 rectified, H-3 open
    expect(retained.map((h) => [h.id, h.state])).toEqual([
      ['zjk-depot/H-3', 'open'],
      ['zjk-depot/H-1', 'rectified'],
      ['zjk-depot/H-2', 'rectified'],
    ]);

    // Node b knew H-1 as open, and an H-9 that is no longer live on the broker.
    const own = a.snapshot();
    own.hazards = own.hazards
      .filter((e) => e.record.id === 'zjk-depot/H-1')
      .map((e) => ({
        ...e,
        record: { ...e.record, state: 'open' as const, updatedAt: '2026-11-01T00:00:00.000Z' },
        rectifiedBy: null,
        rectifiedAt: null,
      }));
    const first = own.hazards[0] as (typeof own.hazards)[0];
    own.hazards.push({ ...first, record: { ...first.record, id: 'zjk-depot/H-9' } });
    own.next = { 'zjk-depot': 2 };
    const doc = adoptHazards(own, retained, all, 24 * 3_600_000);
    const b = new HazardRegister(cfg, { clock, logger: silentLogger(), out, sites: () => sites });
    b.restore(doc);
    b.applyConfig(cfg, sites);
    expect(b.list().map((h) => h.id)).toEqual(['zjk-depot/H-3', 'zjk-depot/H-1', 'zjk-depot/H-2']);
    expect(await b.verify('zjk-depot/H-1', 'li', null)).toMatchObject({ ok: false, code: 'two_person_rule' });
    expect(await b.verify('zjk-depot/H-1', 'zhao', null)).toMatchObject({ ok: true });
    const next = await b.register({ site: 'zjk-depot', sensor: null, severity: 'major', description: 'new' }, 'zhao');
    expect(next).toMatchObject({ ok: true, hazard: { id: 'zjk-depot/H-4' } });
  });
});
