/**
 * The hazard register on a manual clock, fed by a real alarm engine as in the daemon: the stale rule
 * opens one hazard per sensor with the owner and deadline of SPEC §11; a condition that goes away
 * leaves the hazard open; rectify, the two-person rule, verify; a condition back after rectification
 * reopens; an overdue hazard climbs the chain; a restart keeps everything.
 */
import { describe, expect, it } from 'vitest';
import { CHAIN, DAY, H, hazardRig, hazardsConfig, MIN, SITE } from './rig.js';

/** An ISO time as the register writes it for a site in China (UTC+8 all year): "2026-11-28 16:01:00 +08:00". */
const inShanghai = (iso: string) =>
  `${new Date(Date.parse(iso) + 8 * H).toISOString().slice(0, 19).replace('T', ' ')} +08:00`;

const STALE = { rules: { stale: { for: '1h', severity: 'major' } }, deadlines: { major: '24h' }, escalateAfter: '24h' };

describe('the hazard register', () => {
  it('opens one hazard per silent sensor, owned by the first of the chain, due by severity', () => {
    const rig = hazardRig(STALE);
    const t0 = rig.clock.now();
    // No reading at all: both detectors go stale after the startup grace (1 min), and the rule
    // finds them once the stale alarm has stood for an hour.
    rig.advance(MIN + H - 1000);
    expect(rig.events()).toEqual([]);
    rig.advance(2000);
    const opened = rig.events('hazard_opened');
    expect(opened.map((e) => e.hazard.id)).toEqual(['zjk-depot/H-1', 'zjk-depot/H-2']);
    const h = opened[0]?.hazard;
    const createdAt = Date.parse(h?.createdAt ?? '');
    expect(createdAt).toBe(t0 + MIN + H); // the pass after the stale alarm's hour was up
    expect(h).toMatchObject({
      site: 'zjk-depot',
      sensor: 'GD-12',
      kind: 'stale',
      severity: 'major',
      state: 'open',
      owner: 'Li Wei',
      deadline: new Date(createdAt + DAY).toISOString(),
      overdue: false,
      condition: 'present',
      alarm: 'zjk-depot/GD-12/stale',
      history: [{ at: h?.createdAt, by: 'gaswatch', action: 'opened', note: 'registered by the stale rule' }],
    });
    expect(h?.description).toContain('zjk-depot/GD-12 has sent no valid reading');
    expect(opened[0]).toMatchObject({ by: 'gaswatch', to: { name: 'Li Wei', step: 0, of: 3 } });

    // One live hazard per rule and sensor: the still-silent sensors add nothing.
    rig.advance(10 * MIN);
    expect(rig.events('hazard_opened')).toHaveLength(2);
    expect(rig.register.list().map((r) => r.id)).toEqual(['zjk-depot/H-1', 'zjk-depot/H-2']);
  });

  it('writes its descriptions and notes in the configured locale (zh-CN), times in the site’s zone', () => {
    const rig = hazardRig(STALE, { locale: 'zh-CN', sites: [{ ...SITE, timezone: 'Asia/Shanghai' }] });
    rig.advance(MIN + H + 1000);
    const h = rig.events('hazard_opened')[0]?.hazard;
    const stale = rig.engine.list().find((a) => a.id === 'zjk-depot/GD-12/stale');
    expect(h?.description).toMatch(
      /^zjk-depot\/GD-12 长时间无有效读数：其数据中断报警自 \S+ \S+ \+08:00 起一直存在（规则：数据中断超过 1 小时）。/,
    );
    expect(h?.description).toContain(`自 ${inShanghai(stale?.raisedAt as string)} 起`);
    expect(h?.history[0]?.note).toBe('由“传感器长时间无数据”规则登记');
    rig.read('GD-12', 0); // heard once, then silent again
    rig.advance(DAY, { step: 10 * MIN });
    const h1 = rig.register.list().find((r) => r.id === 'zjk-depot/H-1');
    expect(h1?.history.map((l) => l.note)).toEqual([
      '由“传感器长时间无数据”规则登记',
      '隐患条件已自行消失；隐患不会自动销号，须整改并经验收后销号',
      '隐患条件再次出现',
      `未在整改期限 ${inShanghai(h1?.deadline as string)} 前完成整改；已通知 Zhao Min`,
    ]);
  });

  it('a condition that goes away by itself is recorded, and the hazard stays open until two people close it', async () => {
    const rig = hazardRig(STALE);
    rig.advance(MIN + H + 1000);
    rig.read('GD-12', 0); // GD-12 speaks again
    rig.advance(1000);
    const h1 = rig.register.list().find((r) => r.id === 'zjk-depot/H-1');
    expect(h1).toMatchObject({ state: 'open', condition: 'cleared' });
    expect(h1?.history.map((l) => l.action)).toEqual(['opened', 'condition_cleared']);
    // The retained record changed without an event: it is in the batch's changed records.
    expect(rig.batches.at(-1)).toMatchObject({ events: [], changed: [{ id: 'zjk-depot/H-1', condition: 'cleared' }] });

    expect(await rig.register.verify('zjk-depot/H-1', 'li', null)).toMatchObject({ ok: false, code: 'invalid_state' });
    const rectified = await rig.register.rectify('zjk-depot/H-1', 'wang', 'replaced the gateway’s radio module');
    expect(rectified).toMatchObject({ ok: true, hazard: { state: 'rectified' } });
    expect(await rig.register.verify('zjk-depot/H-1', 'wang', 'works')).toEqual({
      ok: false,
      code: 'two_person_rule',
      message: 'wang rectified this hazard, so another person must verify it (two-person rule)',
    });
    const verified = await rig.register.verify('zjk-depot/H-1', 'li', 'readings every 2 s for an hour');
    expect(verified).toMatchObject({ ok: true, hazard: { state: 'verified' } });
    expect(rig.events().map((e) => `${e.type} ${e.by} ${e.note}`)).toEqual([
      'hazard_opened gaswatch registered by the stale rule',
      'hazard_opened gaswatch registered by the stale rule',
      'hazard_rectified wang replaced the gateway’s radio module',
      'hazard_verified li readings every 2 s for an hour',
    ]);
    // Verified hazards leave the live list; ?state=verified finds them.
    expect(rig.register.list().map((r) => r.id)).toEqual(['zjk-depot/H-2']);
    expect(rig.register.list({ states: ['verified'] }).map((r) => r.id)).toEqual(['zjk-depot/H-1']);

    // Silent again for an hour after verification: a new hazard, not the closed one.
    rig.advance(MIN + H + 1000);
    expect(rig.events('hazard_opened').map((e) => e.hazard.id)).toContain('zjk-depot/H-3');
  });

  it('refuses verification while the condition is still present', async () => {
    const rig = hazardRig(STALE);
    rig.advance(MIN + H + 1000);
    await rig.register.rectify('zjk-depot/H-2', 'wang', 'restarted the detector');
    const res = await rig.register.verify('zjk-depot/H-2', 'li', null);
    expect(res).toMatchObject({ ok: false, code: 'condition_present' });
    rig.read('GD-13', 0);
    rig.advance(1000);
    expect(await rig.register.verify('zjk-depot/H-2', 'li', null)).toMatchObject({ ok: true });
  });

  it('a condition back after rectification reopens the hazard, addressed to its owner', async () => {
    const rig = hazardRig(STALE);
    rig.advance(MIN + H + 1000);
    rig.read('GD-12', 0);
    rig.advance(1000);
    await rig.register.rectify('zjk-depot/H-1', 'wang', 'new battery');
    rig.advance(H + 10_000); // silent again: stale after 6 s, the rule after an hour
    const reopened = rig.events('hazard_reopened');
    expect(reopened).toHaveLength(1);
    expect(reopened[0]).toMatchObject({
      by: 'gaswatch',
      note: 'the condition came back after rectification: the fix did not hold',
      to: { name: 'Li Wei', step: 0 },
      hazard: { id: 'zjk-depot/H-1', state: 'open', condition: 'present' },
    });
    // And people reopen a rectified hazard with a reason.
    rig.read('GD-12', 0);
    rig.advance(1000);
    await rig.register.rectify('zjk-depot/H-1', 'wang', 'new gateway');
    expect(await rig.register.reopen('zjk-depot/H-1', 'li', 'gateway is a loan unit')).toMatchObject({
      ok: true,
      hazard: { state: 'open' },
    });
    expect(await rig.register.reopen('zjk-depot/H-1', 'li', 'again')).toMatchObject({ code: 'invalid_state' });
  });

  it('an overdue hazard climbs the chain one person a period, and rectifying stops it', async () => {
    const rig = hazardRig(STALE);
    rig.advance(MIN + H + 1000, { step: 1000 });
    const deadline = Date.parse(rig.register.list()[0]?.deadline ?? '');
    rig.advance(deadline - rig.clock.now() - 1000, { step: 60_000 });
    expect(rig.events('hazard_overdue')).toEqual([]);
    rig.advance(2000);
    const first = rig.events('hazard_overdue');
    expect(first.map((e) => `${e.hazard.id} → ${e.to?.name} ${e.to?.step}/${e.to?.of}`)).toEqual([
      'zjk-depot/H-1 → Zhao Min 1/3',
      'zjk-depot/H-2 → Zhao Min 1/3',
    ]);
    expect(first[0]?.hazard).toMatchObject({ overdue: true });
    expect(first[0]?.note).toMatch(/^not rectified by its deadline .*; sent to Zhao Min$/);
    // The overdue hazards come first in the list.
    await rig.register.rectify('zjk-depot/H-2', 'wang', 'on it');
    expect(rig.register.list().map((r) => `${r.id} ${r.overdue}`)).toEqual([
      'zjk-depot/H-1 true',
      'zjk-depot/H-2 false',
    ]);
    rig.advance(DAY, { step: 60_000 });
    rig.advance(DAY, { step: 60_000 });
    expect(rig.events('hazard_overdue').map((e) => `${e.hazard.id} → ${e.to?.name}`)).toEqual([
      'zjk-depot/H-1 → Zhao Min',
      'zjk-depot/H-2 → Zhao Min',
      'zjk-depot/H-1 → Sun Hao',
      'zjk-depot/H-1 → Sun Hao',
    ]);
    const h1 = rig.register.list()[0];
    expect(h1?.history.map((l) => l.action)).toEqual(['opened', 'overdue', 'escalated', 'escalated']);
    expect(h1?.history.at(-1)?.note).toBe('still open 2 d after its deadline; sent to Sun Hao (3/3 of the chain)');
  });

  it('nothing is lost across a restart: hazards, numbering, escalation step, counts', async () => {
    const rig = hazardRig({
      ...STALE,
      rules: { ...STALE.rules, chattering: { count: 5, per: '1h', severity: 'minor' } },
    });
    rig.advance(MIN + H + 1000);
    await rig.register.rectify('zjk-depot/H-2', 'wang', 'recabled');
    const deadline = Date.parse(rig.register.list()[0]?.deadline ?? '');
    rig.advance(deadline - rig.clock.now() + 1000, { step: 60_000 });
    expect(rig.events('hazard_overdue')).toHaveLength(1);
    // Two raises of GD-12/hi counted before the stop.
    rig.read('GD-12', 10_000);
    rig.read('GD-12', 0);
    rig.read('GD-12', 10_000);
    rig.advance(1000);
    const before = rig.register.list({ states: ['open', 'rectified', 'verified'] });

    const again = hazardRig(
      { ...STALE, rules: { ...STALE.rules, chattering: { count: 5, per: '1h', severity: 'minor' } } },
      { restore: { register: rig.saved(), alarms: rig.engine }, clock: rig.clock },
    );
    expect(again.register.list({ states: ['open', 'rectified', 'verified'] })).toEqual(before);
    expect(again.register.watch.raises.get('zjk-depot/GD-12/hi')?.times).toHaveLength(2);
    // The two-person rule remembers who rectified.
    expect(await again.register.verify('zjk-depot/H-2', 'wang', null)).toMatchObject({ code: 'two_person_rule' });
    // No second overdue message for the slot already sent; the next one a period later.
    again.advance(DAY - 10 * MIN, { step: 60_000 });
    expect(again.events('hazard_overdue')).toEqual([]);
    again.advance(11 * MIN, { step: 60_000 });
    expect(again.events('hazard_overdue').map((e) => e.to?.name)).toEqual(['Sun Hao']);
    const created = await again.register.register(
      { site: 'zjk-depot', sensor: null, severity: 'minor', description: 'fence gap by the east gate' },
      'li',
    );
    expect(created).toMatchObject({ ok: true, hazard: { id: 'zjk-depot/H-3' } });
  });

  it('registers hazards by hand: owner, deadline, one per report (no one-per-sensor rule)', async () => {
    const rig = hazardRig(STALE);
    const by = { site: 'zjk-depot', sensor: 'GD-12', severity: 'minor' as const, description: 'detector head cracked' };
    const a = await rig.register.register(by, 'wang');
    const b = await rig.register.register({ ...by, description: 'second report' }, 'li');
    expect(a).toMatchObject({
      ok: true,
      hazard: {
        id: 'zjk-depot/H-1',
        kind: 'manual',
        owner: CHAIN[0]?.name,
        condition: null,
        deadline: new Date(rig.clock.now() + 7 * DAY).toISOString(),
        history: [{ by: 'wang', action: 'opened', note: null }],
      },
    });
    expect(b).toMatchObject({ ok: true, hazard: { id: 'zjk-depot/H-2' } });
    expect(rig.events('hazard_opened')[0]).toMatchObject({ by: 'wang', to: { name: 'Li Wei' } });
    expect(await rig.register.register({ ...by, site: 'nowhere' }, 'wang')).toMatchObject({ code: 'not_found' });
    expect(await rig.register.register({ ...by, sensor: 'GD-99' }, 'wang')).toMatchObject({ code: 'not_found' });
    // Hand-registered hazards have no condition: rectify and verify by two people close them.
    await rig.register.rectify('zjk-depot/H-1', 'wang', 'head replaced');
    expect(await rig.register.verify('zjk-depot/H-1', 'li', null)).toMatchObject({ ok: true });
  });

  it('a rule turned off on reload leaves its hazards open, no longer watched (so they can be verified)', async () => {
    const rig = hazardRig(STALE);
    rig.advance(MIN + H + 1000);
    await rig.register.rectify('zjk-depot/H-1', 'wang', 'new detector');
    rig.register.applyConfig(hazardsConfig({ deadlines: { major: '24h' } }), rig.sites);
    rig.advance(1000);
    const h1 = rig.register.list().find((r) => r.id === 'zjk-depot/H-1');
    expect(h1).toMatchObject({ state: 'rectified', condition: 'cleared' });
    expect(h1?.history.at(-1)?.note).toBe(
      'the stale rule was turned off: its condition is no longer watched; the hazard stays open until it is rectified and verified',
    );
    expect(await rig.register.verify('zjk-depot/H-1', 'li', null)).toMatchObject({ ok: true });
  });

  it('a site without a chain: the hazard has no owner and addresses nobody', async () => {
    const rig = hazardRig(STALE, {
      sites: [{ id: 'bare', type: 'station', sensors: [{ id: 'GD-1', kind: 'gas', gas: 'methane', unit: 'ppm' }] }],
    });
    const res = await rig.register.register({ site: 'bare', sensor: null, severity: 'major', description: 'x' }, 'li');
    expect(res).toMatchObject({ ok: true, hazard: { owner: null } });
    expect(rig.events('hazard_opened')[0]?.to).toBeNull();
  });
});
