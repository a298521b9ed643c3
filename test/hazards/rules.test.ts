/**
 * The hazard rules of SPEC §11: the pure findings on their own, and each rule through a real alarm
 * engine feeding the register (standing, chattering, shelved, drift, calibration).
 */
import { describe, expect, it } from 'vitest';
import {
  type Calibrated,
  type Counted,
  calibrationFindings,
  countFindings,
  driftFindings,
  type StandingAlarm,
  staleFindings,
  standingFindings,
} from '../../src/hazards/rules.js';
import { translator } from '../../src/i18n/index.js';
import { DAY, H, type HazardRig, hazardRig, MIN, SITE } from './rig.js';

const T = Date.parse('2026-11-28T08:00:00Z');
/** Both detectors read zero gas: alive, no alarm. */
const quietBoth = (rig: HazardRig) => {
  rig.read('GD-12', 0);
  rig.read('GD-13', 0);
};
const alarm = (o: Partial<StandingAlarm>): StandingAlarm => ({
  id: 'zjk-depot/GD-12/hi',
  site: 'zjk-depot',
  sensor: 'GD-12',
  condition: 'hi',
  state: 'active_unacked',
  raisedAt: T,
  suppressed: false,
  ...o,
});

describe('rule findings (pure)', () => {
  it('stale: an active, unsuppressed stale alarm standing for `for`', () => {
    const stale = alarm({ id: 'zjk-depot/GD-12/stale', condition: 'stale' });
    const rule = { for: H };
    expect(staleFindings([stale], rule, T + H - 1)).toEqual([]);
    expect(staleFindings([stale], rule, T + H).map((f) => f.key)).toEqual(['stale:zjk-depot/GD-12']);
    expect(staleFindings([{ ...stale, state: 'cleared_unacked' }], rule, T + H)).toEqual([]);
    expect(staleFindings([{ ...stale, suppressed: true }], rule, T + H)).toEqual([]);
    expect(staleFindings([alarm({})], rule, T + H)).toEqual([]);
  });

  it('standing: one finding per sensor, about its oldest alarm; stale left to its own rule', () => {
    const hi = alarm({ raisedAt: T + MIN });
    const hihi = alarm({ id: 'zjk-depot/GD-12/hihi', condition: 'hihi', state: 'active_acked' });
    const stale = alarm({ id: 'zjk-depot/GD-12/stale', condition: 'stale', raisedAt: T - H });
    const found = standingFindings([hi, hihi, stale], { for: DAY }, T + DAY + MIN, true);
    expect(found.map((f) => [f.key, f.alarm])).toEqual([['standing:zjk-depot/GD-12', 'zjk-depot/GD-12/hihi']]);
    expect(standingFindings([hi, hihi, stale], { for: DAY }, T + DAY + MIN, false)[0]?.alarm).toBe(
      'zjk-depot/GD-12/stale',
    );
    // Cleared but unacknowledged still stands (ISA-18.2: the operator has not seen it).
    expect(standingFindings([{ ...hi, state: 'cleared_unacked' }], { for: H }, T + 2 * H, true)).toHaveLength(1);
  });

  it('chattering and shelved: count per alarm within `per`, after the last rectification or closing', () => {
    const c: Counted = { site: 'zjk-depot', sensor: 'GD-12', times: [T, T + MIN, T + 2 * MIN] };
    const counted = new Map([['zjk-depot/GD-12/hi', c]]);
    const none = () => Number.NEGATIVE_INFINITY;
    expect(countFindings('chattering', counted, { count: 3, per: H }, T + 10 * MIN, none)).toHaveLength(1);
    expect(countFindings('chattering', counted, { count: 4, per: H }, T + 10 * MIN, none)).toHaveLength(0);
    // The window slid past the first raise.
    expect(countFindings('chattering', counted, { count: 3, per: H }, T + H, none)).toHaveLength(0);
    // Raises up to the rectification no longer count.
    expect(countFindings('chattering', counted, { count: 3, per: H }, T + 10 * MIN, () => T)).toHaveLength(0);
    const shelved = countFindings('shelved', counted, { count: 3, per: 7 * DAY }, T + DAY, none);
    expect(shelved[0]).toMatchObject({ key: 'shelved:zjk-depot/GD-12', alarm: 'zjk-depot/GD-12/hi' });
    expect(shelved[0]?.describe(translator('en'), 'Asia/Shanghai')).toBe(
      'Alarm zjk-depot/GD-12/hi was shelved 3 times within 7 d (rule: shelved). A nuisance alarm is being hidden instead of fixed.',
    );
    // In the daemon's locale (SPEC §8), from the same catalogue as the console.
    expect(shelved[0]?.describe(translator('zh-CN'), 'Asia/Shanghai')).toBe(
      '报警 zjk-depot/GD-12/hi 在 7 天内被搁置 3 次（规则：频繁搁置）。这是在掩盖误报警，而不是消除它。',
    );
  });

  it('drift: above for `for`, and still reporting', () => {
    const d = { site: 'zjk-depot', sensor: 'GD-12', since: T, lastAt: T + H, value: 6.2, staleAfter: 6000 };
    const rule = { above: 5, unit: '%LEL', for: H };
    expect(driftFindings([d], rule, T + H)).toHaveLength(1);
    expect(driftFindings([d], rule, T + H - 1)).toHaveLength(0);
    expect(driftFindings([d], rule, T + H + 6001)).toHaveLength(0); // silent: the stale rule's business
    // Its time in the site's zone, with the offset: 08:00 UTC is 16:00 in Zhangjiakou.
    const [found] = driftFindings([d], rule, T + H);
    expect(found?.describe(translator('zh-CN'), 'Asia/Shanghai')).toContain('自 2026-11-28 16:00:00 +08:00 起');
    expect(found?.describe(translator('en'), undefined)).toMatch(/\b2026-11-28 \d\d:00:00 [+-]\d\d:\d\d\b/);
  });

  it('calibration: the due prefix of a list sorted by due date', () => {
    const due: Calibrated[] = [
      { key: 'calibration:s/a', site: 's', sensor: 'a', calibratedAt: T - 200 * DAY, dueAt: T - 20 * DAY },
      { key: 'calibration:s/b', site: 's', sensor: 'b', calibratedAt: T - 10 * DAY, dueAt: T + 170 * DAY },
    ];
    expect(calibrationFindings(due, T).map((f) => f.sensor)).toEqual(['a']);
    expect(calibrationFindings(due, T)[0]?.describe(translator('en'), 'Asia/Shanghai')).toBe(
      's/a was due for calibration on 2026-11-08 (last calibrated 2026-05-12; rule: calibration). Calibrate it and update calibratedAt in its site file.',
    );
    expect(calibrationFindings(due, T)[0]?.describe(translator('zh-CN'), 'Asia/Shanghai')).toBe(
      's/a 应于 2026-11-08 标定（上次标定 2026-05-12；规则：标定过期）。请完成标定，并更新其场站文件中的 calibratedAt。',
    );
  });
});

describe('rules through the alarm engine', () => {
  it('standing: an alarm standing for `for` while the sensor keeps reporting', () => {
    const rig = hazardRig({ rules: { standing: { for: '2h', severity: 'minor' } } });
    const feed = () => {
      rig.read('GD-12', 10_000); // 22.7 %LEL: hi stands
      rig.read('GD-13', 0);
    };
    rig.advance(2 * H - 1000, { feed });
    expect(rig.events()).toEqual([]);
    rig.advance(2000, { feed });
    expect(rig.events('hazard_opened').map((e) => [e.hazard.kind, e.hazard.alarm, e.hazard.severity])).toEqual([
      ['standing', 'zjk-depot/GD-12/hi', 'minor'],
    ]);
    // Acknowledged and back to normal: the condition clears, the hazard stays for people to close.
    rig.engine.ack('zjk-depot/GD-12/hi', 'wang', null);
    rig.advance(10_000, { feed: () => quietBoth(rig) });
    expect(rig.register.list()[0]).toMatchObject({ state: 'open', condition: 'cleared' });
  });

  it('chattering: `count` raises of one alarm within `per`; counts start afresh after rectification', async () => {
    const rig = hazardRig({ rules: { chattering: { count: 3, per: '1h', severity: 'minor' } } });
    const quiet = () => quietBoth(rig);
    const flap = () => {
      rig.read('GD-12', 10_000);
      rig.read('GD-12', 0);
      rig.advance(10_000, { feed: quiet });
    };
    flap();
    flap();
    expect(rig.events()).toEqual([]);
    flap();
    expect(rig.events('hazard_opened')[0]?.hazard).toMatchObject({ kind: 'chattering', alarm: 'zjk-depot/GD-12/hi' });
    await rig.register.rectify('zjk-depot/H-1', 'wang', 'deadband 2 → 4 %LEL');
    rig.advance(1000, { feed: quiet });
    expect(rig.register.list()).toMatchObject([{ state: 'rectified', condition: 'cleared' }]);
    flap();
    flap();
    flap();
    expect(rig.events('hazard_reopened')).toHaveLength(1);
  });

  it('shelved: `count` shelves of one alarm within `per`', () => {
    const rig = hazardRig({ rules: { shelved: { count: 2, per: '7d', severity: 'minor' } } });
    rig.engine.shelve('zjk-depot/GD-12/hi', 'wang', 60, 'calibration gas on site');
    rig.advance(DAY, { step: H });
    expect(rig.events()).toEqual([]);
    rig.engine.shelve('zjk-depot/GD-12/hi', 'wang', 60, 'again');
    rig.advance(1000);
    expect(rig.events('hazard_opened')[0]?.hazard).toMatchObject({ kind: 'shelved', sensor: 'GD-12' });
  });

  it('drift: a methane detector above 5 %LEL for an hour without an alarm; an alarm restarts the count', () => {
    const rig = hazardRig({ rules: { drift: { above: 5, for: '1h', severity: 'major' } } });
    // 5 %LEL of methane (LEL 4.4 %vol) = 2200 ppm; hi is 20 %LEL = 8800 ppm.
    let ppm = 2500;
    const feed = () => {
      rig.read('GD-12', ppm);
      rig.read('GD-13', 2100);
    };
    rig.advance(30 * MIN, { step: 2000, feed });
    ppm = 9000; // an alarm: not a hidden hazard, and the hour starts again after it
    rig.advance(MIN, { step: 2000, feed });
    ppm = 2500;
    rig.advance(50 * MIN, { step: 2000, feed });
    expect(rig.events()).toEqual([]);
    rig.advance(12 * MIN, { step: 2000, feed });
    const opened = rig.events('hazard_opened');
    expect(opened.map((e) => e.hazard.sensor)).toEqual(['GD-12']);
    expect(opened[0]?.hazard.description).toMatch(
      /^zjk-depot\/GD-12 has read at or above 5 %LEL since .* without an alarm \(last 5\.682 %LEL; rule: drift\)/,
    );
  });

  it('calibration: calibratedAt + calibrationInterval passed', () => {
    const sensors = [
      { ...SITE.sensors[0], calibratedAt: '2026-05-01', calibrationInterval: '180d' },
      { ...SITE.sensors[1], calibratedAt: '2026-11-01', calibrationInterval: '30d' },
    ];
    const rig = hazardRig({ rules: { calibration: { severity: 'major' } } }, { sites: [{ ...SITE, sensors }] });
    rig.advance(1000, { feed: () => quietBoth(rig) });
    expect(rig.events('hazard_opened').map((e) => e.hazard.sensor)).toEqual(['GD-12']);
    // GD-13 falls due on 2026-12-01; the clock starts 2026-11-28T08:00Z.
    rig.advance(3 * DAY, { step: H });
    expect(rig.events('hazard_opened').map((e) => e.hazard.sensor)).toEqual(['GD-12', 'GD-13']);
  });
});
