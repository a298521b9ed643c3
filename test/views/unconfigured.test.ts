/**
 * Issue 11 finding 8: a flood of invented sensors must neither exhaust memory nor hide a genuine
 * undeclared sensor (a typo in a site file) from the console's *unconfigured* list (SPEC §1).
 */
import { describe, expect, it } from 'vitest';
import { RecentKeys } from '../../src/views/recent-keys.js';
import { DEPOT, engineRig, GAS_PROFILES, sitesFrom } from '../helpers/engine.js';

const unconfigured = (rig: ReturnType<typeof engineRig>) =>
  rig.view
    .list()
    .filter((s) => s.status === 'unconfigured')
    .map((s) => `${s.site}/${s.sensor}`);

describe('undeclared sensors', () => {
  it('keeps a sensor that goes on publishing listed through a flood of 25,000 invented ones', () => {
    const rig = engineRig(sitesFrom(GAS_PROFILES, [DEPOT]));
    const flood = (from: number, n: number) => {
      for (let i = from; i < from + n; i++) rig.read('zjk-depot', `flood-${i}`, 1);
    };
    flood(0, 10_000);
    // the typo: GD-l2 for GD-12, heard after the bound is reached (before issue 11: never listed)
    rig.read('zjk-depot', 'GD-l2', 30);
    expect(unconfigured(rig)).toContain('zjk-depot/GD-l2');
    flood(10_000, 5_000);
    rig.read('zjk-depot', 'GD-l2', 31);
    expect(unconfigured(rig)).toContain('zjk-depot/GD-l2');
    expect(rig.view.unconfiguredStats()).toEqual({ tracked: 10_000, evicted: 5_001 });
    // silent through 10,000 others: evicted, and back with its next reading
    flood(15_000, 10_000);
    expect(unconfigured(rig)).not.toContain('zjk-depot/GD-l2');
    rig.read('zjk-depot', 'GD-l2', 32);
    const listed = rig.view.list().find((s) => s.sensor === 'GD-l2');
    expect(listed).toMatchObject({ status: 'unconfigured', value: 32, configured: false });
    expect(unconfigured(rig)).toHaveLength(10_000);
    // the declared sensors are never evicted
    expect(rig.view.list().filter((s) => s.configured)).toHaveLength(2);
    expect(rig.events).toEqual([]);
  });

  it('a sensor declared by a reload leaves the bound, one removed from the config joins it', () => {
    const rig = engineRig(sitesFrom(GAS_PROFILES, [DEPOT]));
    rig.read('zjk-depot', 'GD-13', 1);
    expect(rig.view.unconfiguredStats().tracked).toBe(1);
    const declared = { ...DEPOT, sensors: [...DEPOT.sensors, { ...DEPOT.sensors[0], id: 'GD-13' }] };
    rig.applyConfig(sitesFrom(GAS_PROFILES, [declared]));
    expect(rig.view.unconfiguredStats().tracked).toBe(0);
    rig.read('zjk-depot', 'GD-12', 1);
    rig.applyConfig(sitesFrom(GAS_PROFILES, [{ ...DEPOT, sensors: [DEPOT.sensors[1]] }]));
    expect(rig.view.unconfiguredStats().tracked).toBe(2);
    expect(unconfigured(rig).sort()).toEqual(['zjk-depot/GD-12', 'zjk-depot/GD-13']);
  });
});

describe('RecentKeys', () => {
  it('evicts the least recently heard', () => {
    const k = new RecentKeys(2);
    expect(k.touch('a')).toBeUndefined();
    expect(k.touch('b')).toBeUndefined();
    expect(k.touch('a')).toBeUndefined();
    expect(k.touch('c')).toBe('b');
    expect(k.touch('d')).toBe('a');
    expect(k.evicted).toBe(2);
    expect(k.size).toBe(2);
  });
});
