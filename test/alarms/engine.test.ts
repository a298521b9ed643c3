import { describe, expect, it } from 'vitest';
import type { Locale } from '../../src/i18n/index.js';
import { DEPOT, engineRig, GAS_PROFILES, sitesFrom } from '../helpers/engine.js';

const ppm = (lel: number) => (lel / 100) * 4.4 * 10000; // methane %LEL → ppm
const sites = () => sitesFrom(GAS_PROFILES, [DEPOT]);

describe('level alarms', () => {
  it('raises hi then hihi with the SPEC record in the setpoint unit, and clears hi', () => {
    const rig = engineRig(sites());
    rig.read('zjk-depot', 'GD-12', ppm(10));
    expect(rig.events).toEqual([]);
    rig.read('zjk-depot', 'GD-12', ppm(25));
    rig.read('zjk-depot', 'GD-12', 23100);
    expect(rig.types()).toEqual(['hi:raised', 'hihi:raised']);
    const hihi = rig.events[1]?.alarm;
    expect(hihi).toMatchObject({
      id: 'zjk-depot/GD-12/hihi',
      site: 'zjk-depot',
      sensor: 'GD-12',
      condition: 'hihi',
      priority: 'critical',
      state: 'active_unacked',
      shelved: false,
      suppressed: false,
      value: 52.5,
      threshold: 40,
      unit: '%LEL',
      message: 'GD-12 methane 52.5 %LEL ≥ HiHi 40 %LEL',
      clearedAt: null,
      ackedAt: null,
    });
    rig.read('zjk-depot', 'GD-12', ppm(5));
    // hi clears (not latched); hihi is latched and holds until acknowledged
    expect(rig.types().slice(2)).toEqual(['hi:cleared']);
    expect(rig.engine.list().map((a) => `${a.condition}:${a.state}`)).toEqual([
      'hihi:active_unacked',
      'hi:cleared_unacked',
    ]);
    expect(rig.engine.ack('zjk-depot/GD-12/hihi', 'wang', 'vented').ok).toBe(true);
    expect(rig.engine.list().map((a) => `${a.condition}:${a.state}`)).toEqual(['hi:cleared_unacked']);
    expect(rig.events.at(-1)).toMatchObject({
      type: 'acked',
      operator: 'wang',
      comment: 'vented',
      alarm: { state: 'normal', ackedBy: 'wang' },
    });
  });

  it('deadband: noise around the setpoint does not chatter', () => {
    const rig = engineRig(sites());
    for (const v of [20, 19, 18.5, 19.9, 20.5, 18.1, 19]) {
      rig.read('zjk-depot', 'GD-12', ppm(v));
      rig.clock.advance(1000);
    }
    expect(rig.types()).toEqual(['hi:raised']);
    rig.read('zjk-depot', 'GD-12', ppm(17.9));
    expect(rig.types()).toEqual(['hi:raised', 'hi:cleared']);
  });

  it('lo/lolo compare downwards with the deadband above', () => {
    const rig = engineRig(sites());
    rig.read('zjk-depot', 'PT-101', 1.5);
    expect(rig.types()).toEqual(['lo:raised']);
    rig.read('zjk-depot', 'PT-101', 0.9);
    expect(rig.types()).toEqual(['lo:raised', 'lolo:raised']);
    expect(rig.events[1]?.alarm.message).toBe('PT-101 pressure 0.9 MPa ≤ LoLo 1 MPa');
    rig.read('zjk-depot', 'PT-101', 1.1); // inside lolo's deadband (1 + 0.2)
    expect(rig.types()).toHaveLength(2);
    rig.read('zjk-depot', 'PT-101', 1.3);
    expect(rig.types().at(-1)).toBe('lolo:cleared');
  });

  it('onDelay and offDelay run on the daemon clock, completing on ticks', () => {
    const s = sitesFrom({ p: { ...GAS_PROFILES['combustible-gas'], onDelay: '5s', offDelay: '10s' } }, [
      { id: 'x', type: 'station', sensors: [{ id: 'G', kind: 'gas', gas: 'methane', unit: '%LEL', profile: 'p' }] },
    ]);
    const rig = engineRig(s);
    rig.read('x', 'G', 25);
    rig.clock.advance(4000);
    rig.engine.tick();
    expect(rig.events).toEqual([]);
    rig.read('x', 'G', 15); // back before the delay ran out: the timer restarts
    rig.clock.advance(2000);
    rig.read('x', 'G', 25);
    rig.clock.advance(4999);
    rig.engine.tick();
    expect(rig.events).toEqual([]);
    rig.clock.advance(1);
    rig.engine.tick();
    expect(rig.types()).toEqual(['hi:raised']);
    rig.read('x', 'G', 10);
    rig.clock.advance(9999);
    rig.engine.tick();
    expect(rig.types()).toEqual(['hi:raised']);
    rig.clock.advance(1);
    rig.engine.tick();
    expect(rig.types()).toEqual(['hi:raised', 'hi:cleared']);
  });
});

describe('fault, stale, roc', () => {
  it('out of range is a fault, and level alarms hold their state while in fault', () => {
    const rig = engineRig(sites());
    rig.read('zjk-depot', 'GD-12', ppm(25));
    rig.read('zjk-depot', 'GD-12', ppm(150));
    expect(rig.types()).toEqual(['hi:raised', 'fault:raised']);
    rig.read('zjk-depot', 'GD-12', ppm(5), { status: 'fault' });
    expect(rig.types()).toHaveLength(2);
    expect(rig.engine.list().find((a) => a.condition === 'hi')?.state).toBe('active_unacked');
    rig.read('zjk-depot', 'GD-12', ppm(5));
    expect(rig.types().slice(2)).toEqual(['fault:cleared', 'hi:cleared']);
  });

  it('NAMUR faults from decoding raise fault', () => {
    const rig = engineRig(sites());
    rig.read('zjk-depot', 'PT-101', 0, { fault: { code: 'namur', current: 2 } });
    expect(rig.events[0]?.alarm.message).toBe(
      'PT-101 pressure in fault: loop current 2 mA outside 3.6–21 mA (NAMUR NE43)',
    );
  });

  it('maintenance readings are not evaluated', () => {
    const rig = engineRig(sites());
    rig.read('zjk-depot', 'GD-12', ppm(90), { status: 'calibrating' });
    expect(rig.events).toEqual([]);
    expect(rig.view.list().find((s) => s.sensor === 'GD-12')?.status).toBe('maintenance');
  });

  it('a sensor never heard from goes stale after the start-up grace; a silent one after staleAfter', () => {
    const rig = engineRig(sites(), { startupGrace: 30_000 });
    for (let i = 0; i < 29; i++) {
      rig.read('zjk-depot', 'GD-12', 10);
      rig.clock.advance(1000);
      rig.engine.tick();
    }
    expect(rig.events).toEqual([]);
    rig.read('zjk-depot', 'GD-12', 10);
    rig.clock.advance(1000);
    rig.engine.tick();
    // PT-101 never spoke: stale after the grace (its staleAfter 15 s is shorter)
    expect(rig.types()).toEqual(['stale:raised']);
    expect(rig.events[0]?.alarm).toMatchObject({
      sensor: 'PT-101',
      message: 'PT-101 pressure silent: never heard from since start',
    });
    rig.clock.advance(5000); // GD-12 interval 2 s → staleAfter 6 s, last valid 6 s ago
    rig.engine.tick();
    expect(rig.types()).toEqual(['stale:raised', 'stale:raised']);
    expect(rig.events[1]?.alarm.message).toBe('GD-12 methane silent: no valid reading for 6s (expected every 2s)');
    rig.read('zjk-depot', 'GD-12', 10);
    expect(rig.types().at(-1)).toBe('stale:cleared');
    expect(rig.view.list().find((s) => s.sensor === 'PT-101')?.status).toBe('stale');
  });

  it('roc: a fast pressure fall on reading timestamps is a rupture', () => {
    const rig = engineRig(sites());
    const t0 = rig.clock.now();
    for (const [i, v] of [20, 19.9, 19.7, 19.2, 18.8].entries())
      rig.read('zjk-depot', 'PT-101', v, { ts: t0 + i * 10_000 });
    expect(rig.types()).toEqual(['roc:raised']);
    expect(rig.events[0]?.alarm.message).toBe('PT-101 pressure fell 1.2 MPa within 1m (limit 1 MPa), now 18.8 MPa');
    // pressure steadies: once the fall leaves the window the condition clears
    rig.read('zjk-depot', 'PT-101', 18.8, { ts: t0 + 100_000 });
    rig.read('zjk-depot', 'PT-101', 18.8, { ts: t0 + 110_000 });
    expect(rig.types()).toEqual(['roc:raised', 'roc:cleared']);
  });
});

describe('operator commands and flags', () => {
  it('shelve expires with an unshelved event; commands on unknown ids are refused', () => {
    const rig = engineRig(sites());
    rig.read('zjk-depot', 'GD-12', ppm(25));
    expect(rig.engine.ack('zjk-depot/GD-12/lolo', 'wang', null)).toMatchObject({ ok: false, code: 'not_found' });
    const r = rig.engine.shelve('zjk-depot/GD-12/hi', 'wang', 1, 'detector being replaced');
    expect(r).toMatchObject({ ok: true, alarm: { shelved: true, shelvedBy: 'wang' } });
    rig.clock.advance(59_000);
    rig.engine.tick();
    expect(
      rig
        .types()
        .filter((t) => t.startsWith('hi:'))
        .at(-1),
    ).toBe('hi:shelved');
    rig.clock.advance(1000);
    rig.engine.tick();
    expect(rig.events.at(-1)).toMatchObject({ type: 'unshelved', operator: 'system', alarm: { shelved: false } });
    expect(rig.engine.ack('zjk-depot/GD-12/hi', 'wang', null).ok).toBe(true);
    expect(rig.engine.ack('zjk-depot/GD-12/hi', 'wang', null)).toMatchObject({ ok: false, code: 'invalid_state' });
  });

  it('a shelved alarm that returns to normal stays shelved when it comes back', () => {
    const rig = engineRig(sites());
    rig.read('zjk-depot', 'GD-12', ppm(25));
    rig.engine.shelve('zjk-depot/GD-12/hi', 'wang', 60, 'flapping detector');
    rig.read('zjk-depot', 'GD-12', ppm(5));
    rig.engine.ack('zjk-depot/GD-12/hi', 'wang', null);
    rig.read('zjk-depot', 'GD-12', ppm(25));
    expect(rig.events.at(-1)).toMatchObject({ type: 'raised', alarm: { shelved: true } });
  });

  it('maintenance windows suppress (flag, never hide)', () => {
    const now = Date.parse('2026-11-28T08:00:00Z');
    const s = sitesFrom(GAS_PROFILES, [
      {
        ...DEPOT,
        maintenance: [
          { from: new Date(now - 1000).toISOString(), to: new Date(now + 60_000).toISOString(), sensors: ['GD-12'] },
        ],
      },
    ]);
    const rig = engineRig(s);
    rig.read('zjk-depot', 'GD-12', ppm(25));
    expect(rig.events.map((e) => [e.type, e.alarm.suppressed])).toEqual([
      ['suppressed', true],
      ['raised', true],
    ]);
    rig.clock.advance(61_000);
    rig.engine.tick();
    expect(rig.events.at(-1)).toMatchObject({ type: 'unsuppressed', alarm: { suppressed: false } });
  });

  it('re-announces a standing unacknowledged alarm after realarmAfter', () => {
    const s = sitesFrom({ p: { ...GAS_PROFILES['combustible-gas'], realarmAfter: '10m' } }, [
      {
        id: 'x',
        type: 'station',
        sensors: [{ id: 'G', kind: 'gas', gas: 'methane', unit: '%LEL', profile: 'p', interval: '1h' }],
      },
    ]);
    const rig = engineRig(s);
    rig.read('x', 'G', 25);
    rig.clock.advance(600_000);
    rig.engine.tick();
    expect(rig.types()).toEqual(['hi:raised', 'hi:realarmed']);
    rig.engine.ack('x/G/hi', 'wang', null);
    rig.clock.advance(600_000);
    rig.engine.tick();
    expect(rig.types()).toEqual(['hi:raised', 'hi:realarmed', 'hi:acked']);
  });

  it('flags chattering at 3 raises in 60 s without hiding the alarm', () => {
    const rig = engineRig(sites());
    for (let i = 0; i < 3; i++) {
      rig.read('zjk-depot', 'GD-12', ppm(25));
      rig.clock.advance(5000);
      rig.read('zjk-depot', 'GD-12', ppm(5));
      rig.clock.advance(5000);
    }
    expect(rig.types().filter((t) => t === 'hi:raised')).toHaveLength(3);
    expect(rig.types()).toContain('hi:chattering');
    expect(rig.engine.list().find((a) => a.condition === 'hi')?.chattering).toBe(true);
    rig.clock.advance(60_000);
    rig.engine.tick();
    expect(rig.events.at(-1)).toMatchObject({ type: 'chattering', alarm: { chattering: false } });
  });

  it('more than 10 alarms at a site in 10 minutes is a flood', () => {
    const sensors = Array.from({ length: 11 }, (_, i) => ({
      id: `G${i}`,
      kind: 'gas',
      gas: 'methane',
      unit: '%LEL',
      profile: 'combustible-gas',
      interval: '1h',
    }));
    const rig = engineRig(sitesFrom(GAS_PROFILES, [{ id: 'x', type: 'station', sensors }]), {
      startupGrace: 3_600_000,
    });
    for (let i = 0; i < 10; i++) rig.read('x', `G${i}`, 25);
    expect(rig.engine.health().floodingSites).toEqual([]);
    rig.read('x', 'G10', 25);
    expect(rig.engine.health().floodingSites).toEqual(['x']);
    expect(rig.events.at(-1)).toMatchObject({ type: 'flood', alarm: { id: 'x/_site/flood', value: 11 } });
    expect(rig.events.filter((e) => e.type === 'raised')).toHaveLength(11);
    rig.clock.advance(600_001);
    rig.engine.tick();
    expect(rig.engine.health().floodingSites).toEqual([]);
  });
});

describe('restart and reload', () => {
  it('a restored active alarm is not raised again; an ack survives', () => {
    const rig = engineRig(sites());
    rig.read('zjk-depot', 'GD-12', ppm(45));
    rig.engine.ack('zjk-depot/GD-12/hi', 'wang', 'seen');
    const book = rig.saved.at(-1) ?? [];
    const rig2 = engineRig(sites(), { clock: rig.clock });
    rig2.engine.restore(book, []);
    rig2.engine.applyConfig(sites());
    rig2.read('zjk-depot', 'GD-12', ppm(45));
    expect(rig2.events).toEqual([]);
    expect(rig2.engine.list().map((a) => `${a.condition}:${a.state}:${a.ackedBy}`)).toEqual([
      'hihi:active_unacked:null',
      'hi:active_acked:wang',
    ]);
    rig2.read('zjk-depot', 'GD-12', ppm(5));
    expect(rig2.types()).toEqual(['hi:cleared']);
  });

  it('a new setpoint applies to the next reading; removed sensors close their alarms', () => {
    const rig = engineRig(sites());
    rig.read('zjk-depot', 'GD-12', ppm(18));
    rig.read('zjk-depot', 'PT-101', 24);
    expect(rig.types()).toEqual(['hi:raised']);
    const lower = {
      ...GAS_PROFILES,
      'combustible-gas': {
        ...GAS_PROFILES['combustible-gas'],
        setpoints: { ...GAS_PROFILES['combustible-gas'].setpoints, hi: { value: 15, priority: 'high' } },
      },
    };
    rig.engine.applyConfig(sitesFrom(lower, [{ ...DEPOT, sensors: [DEPOT.sensors[0]] }]));
    expect(rig.events.at(-1)).toMatchObject({ type: 'closed', alarm: { id: 'zjk-depot/PT-101/hi', state: 'normal' } });
    rig.read('zjk-depot', 'GD-12', ppm(18));
    expect(rig.types().at(-1)).toBe('hi:raised');
  });
});

describe('system alarms', () => {
  it('follow the same lifecycle, under the _gaswatch site', () => {
    const rig = engineRig(sites());
    rig.engine.systemAlarms().set('broker-dropped', true, 'critical', 'the broker dropped 12 messages', 12);
    rig.engine.systemAlarms().set('broker-dropped', true, 'critical', 'the broker dropped 14 messages', 14);
    rig.engine.systemAlarms().set('broker-dropped', false, 'critical', '');
    expect(rig.events.map((e) => `${e.alarm.id}:${e.type}:${e.alarm.state}`)).toEqual([
      '_gaswatch/broker-dropped/system:raised:active_unacked',
      '_gaswatch/broker-dropped/system:cleared:cleared_unacked',
    ]);
    expect(rig.engine.ack('_gaswatch/broker-dropped/system', 'wang', null).ok).toBe(true);
    expect(rig.engine.list()).toEqual([]);
    // a config reload does not close it
    rig.engine.systemAlarms().set('broker-dropped', true, 'critical', 'again');
    rig.engine.applyConfig(sites());
    expect(rig.engine.list().map((a) => a.id)).toEqual(['_gaswatch/broker-dropped/system']);
  });

  it('say a Text in the language configured at the time, plural by count', () => {
    let locale: Locale = 'en';
    const rig = engineRig(sites(), { locale: () => locale });
    const alarms = rig.engine.systemAlarms();
    alarms.set('broker-dropped', true, 'high', { key: 'brokerDropped', vars: { count: 1 } }, 1);
    expect(rig.engine.list()[0]?.message).toBe(
      'The MQTT broker dropped 1 message (a subscriber queue over max_queued_messages?): readings may be missing',
    );
    alarms.set('broker-dropped', true, 'high', { key: 'brokerDropped', vars: { count: 3 } }, 3);
    expect(rig.engine.list()[0]?.message).toMatch(/^The MQTT broker dropped 3 messages /);
    locale = 'zh-CN';
    alarms.set('spool-full', true, 'high', { key: 'spoolFull', vars: { count: 40 } }, 40);
    expect(rig.engine.list().find((a) => a.sensor === 'spool-full')?.message).toBe(
      'InfluxDB 不可达且缓存已满：已丢弃最早的 40 条读数',
    );
    // a string is taken as it is
    alarms.set('state-write', true, 'high', 'as given');
    expect(rig.engine.list().find((a) => a.sensor === 'state-write')?.message).toBe('as given');
  });
});

describe('commands on alarms that are not standing', () => {
  it('refuse with invalid_state for a known normal alarm and not_found for an unknown one', () => {
    const rig = engineRig(sites());
    expect(rig.engine.ack('zjk-depot/GD-12/hi', 'wang', null)).toMatchObject({ ok: false, code: 'invalid_state' });
    expect(rig.engine.ack('zjk-depot/GD-12/lolo', 'wang', null)).toMatchObject({ ok: false, code: 'not_found' });
    expect(rig.engine.ack('nowhere/GD-12/hi', 'wang', null)).toMatchObject({ ok: false, code: 'not_found' });
    expect(rig.engine.unshelve('zjk-depot/GD-12/hi', 'wang')).toMatchObject({ ok: false, code: 'invalid_state' });
    rig.read('zjk-depot', 'GD-12', ppm(25));
    expect(rig.engine.unshelve('zjk-depot/GD-12/hi', 'wang')).toMatchObject({ ok: false, code: 'invalid_state' });
  });

  it('shelving a normal alarm keeps it shelved when it raises', () => {
    const rig = engineRig(sites());
    expect(rig.engine.shelve('zjk-depot/GD-12/hi', 'wang', 30, 'nuisance during works')).toMatchObject({
      ok: true,
      alarm: { state: 'normal', shelved: true, priority: 'high' },
    });
    // The shelve stays visible while the alarm is normal.
    expect(rig.engine.list()).toMatchObject([{ id: 'zjk-depot/GD-12/hi', state: 'normal', shelved: true }]);
    expect(rig.engine.list({ states: ['active_unacked'] })).toEqual([]);
    rig.read('zjk-depot', 'GD-12', ppm(25));
    expect(rig.events.at(-1)).toMatchObject({ type: 'raised', alarm: { shelved: true, shelvedBy: 'wang' } });
  });
});

describe('readings older than the last one evaluated', () => {
  it('never clear an alarm, may raise one, and are no sign of life', () => {
    const rig = engineRig(sites(), { startupGrace: 0 });
    const t = rig.clock.now();
    rig.read('zjk-depot', 'GD-12', ppm(25), { ts: t });
    expect(rig.types()).toEqual(['hi:raised']);
    rig.read('zjk-depot', 'GD-12', ppm(5), { ts: t - 60_000 }); // a gateway replaying its buffer
    expect(rig.types()).toEqual(['hi:raised']);
    expect(rig.view.list().find((s) => s.sensor === 'GD-12')?.value).toBe(ppm(25));
    rig.read('zjk-depot', 'GD-12', ppm(45), { ts: t - 30_000 }); // old, but above HiHi: raise
    expect(rig.types()).toEqual(['hi:raised', 'hihi:raised']);
    rig.clock.advance(6000);
    rig.read('zjk-depot', 'GD-12', ppm(5), { ts: t - 20_000 });
    rig.engine.tick();
    expect(rig.events.filter((e) => e.type === 'raised' && e.alarm.id === 'zjk-depot/GD-12/stale')).toHaveLength(1);
  });

  it('a maintenance reading is a sign of life: it clears stale without evaluating thresholds', () => {
    const rig = engineRig(sites(), { startupGrace: 0 });
    rig.read('zjk-depot', 'GD-12', ppm(5));
    rig.clock.advance(6000);
    rig.engine.tick();
    expect(rig.engine.list().map((a) => a.id)).toContain('zjk-depot/GD-12/stale');
    rig.read('zjk-depot', 'GD-12', ppm(80), { status: 'calibrating' });
    expect(rig.events.at(-1)).toMatchObject({ type: 'cleared', alarm: { id: 'zjk-depot/GD-12/stale' } });
    expect(rig.engine.list().map((a) => a.id)).not.toContain('zjk-depot/GD-12/hi');
  });
});
