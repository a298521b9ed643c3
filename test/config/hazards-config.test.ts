/**
 * The `hazards` section and the sensors' calibration dates (SPEC §11): defaults, live apply on
 * reload, and the checks the schema cannot express. The error lines of a broken section are in
 * the golden fixture `calibration/`.
 */
import { describe, expect, it } from 'vitest';
import { applyMode } from '../../src/config/apply-mode.js';
import { checkMain } from '../../src/config/check-main.js';
import { summary } from '../../src/config/commands.js';
import { diffConfig } from '../../src/config/diff.js';
import { loadConfig } from '../../src/config/load.js';
import { Main } from '../../src/config/schema.js';
import { tempConfig } from './temp-config.js';

const H = 3_600_000;

describe('hazards config', () => {
  it('defaults: no rules; deadlines major 24 h, minor 7 d; escalation a day', () => {
    expect(Main.parse({}).hazards).toEqual({
      rules: {},
      deadlines: { major: 24 * H, minor: 7 * 24 * H },
      escalateAfter: 24 * H,
      keepVerified: 5000,
    });
    expect(
      Main.parse({ hazards: { rules: { drift: { above: 5, for: '1h', severity: 'major' } } } }).hazards.rules,
    ).toEqual({ drift: { above: 5, unit: '%LEL', for: H, severity: 'major' } });
  });

  it('applies live on reload (schema metadata)', () => {
    expect(applyMode(['hazards', 'rules'])).toBe('live');
    expect(applyMode(['hazards', 'deadlines'])).toBe('live');
  });

  it('a drift unit must be a gas unit', () => {
    const main = Main.parse({ hazards: { rules: { drift: { above: 5, unit: 'MPa', for: '1h', severity: 'major' } } } });
    expect(checkMain(main)).toEqual([
      {
        path: ['hazards', 'rules', 'drift', 'unit'],
        message: '"MPa" is not a gas unit: use one of ppm, %vol, %LEL, mg/m3',
      },
    ]);
  });

  it('the shipped config has rules and calibration dates, and a changed rule is a live change', async () => {
    const tmp = await tempConfig();
    try {
      const before = await loadConfig(tmp.main, {});
      if (!before.ok) throw new Error(before.errors.join('\n'));
      const { rules } = before.config.main.hazards;
      expect(Object.keys(rules).sort()).toEqual(['calibration', 'chattering', 'drift', 'shelved', 'stale', 'standing']);
      const gd12 = before.config.sites.get('zjk-depot')?.sensors.get('GD-12');
      expect(gd12?.calibratedAt).toBe(Date.parse('2026-09-15'));
      expect(gd12?.calibrationInterval).toBe(180 * 24 * H);
      await tmp.edit('gaswatch.yaml', /stale: \{ for: 1h/, 'stale: { for: 2h');
      await tmp.edit('sites/zjk-depot.yaml', 'calibratedAt: "2026-09-15"', 'calibratedAt: "2026-11-20"');
      const after = await loadConfig(tmp.main, {});
      if (!after.ok) throw new Error(after.errors.join('\n'));
      const diff = diffConfig(before.config, after.config);
      expect(diff.liveChanges).toEqual(['hazards.rules']);
      expect(diff.restartNeeded).toEqual([]);
      // The first of the detectors calibrated that day.
      expect(diff.otherChanges).toEqual(['zjk-depot/GD-11 calibratedAt 2026-09-15 → 2026-11-20']);
    } finally {
      await tmp.remove();
    }
  });

  it('check-config lists sensors past their calibration, and undated ones when the rule is on', async () => {
    const tmp = await tempConfig();
    try {
      await tmp.edit('sites/hx-station.yaml', / {4}calibratedAt: "2026-04-20"\n {4}calibrationInterval: 365d\n/, '');
      const loaded = await loadConfig(tmp.main, {});
      if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
      // 2027-02-15: the station's detectors (2026-08-05/06 + 180 d) are due, the depot's are not.
      const text = summary(loaded.config, Date.parse('2027-02-15T00:00:00Z'));
      expect(text).toContain(
        '  calibration due: hx-station/GD-21, hx-station/GD-22, hx-station/GD-23, hx-station/GD-24, hx-station/GD-25\n',
      );
      expect(text).toContain('  without calibration dates (the calibration rule cannot see them): 1 sensors\n');
      expect(summary(loaded.config, Date.parse('2026-11-29T00:00:00Z'))).not.toContain('calibration due');
    } finally {
      await tmp.remove();
    }
  });
});
