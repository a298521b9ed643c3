import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { diffConfig } from '../../src/config/diff.js';
import { type LoadedConfig, loadConfig } from '../../src/config/load.js';
import { type TempConfig, tempConfig } from './temp-config.js';

async function load(file: string): Promise<LoadedConfig> {
  const r = await loadConfig(file, {});
  if (!r.ok) throw new Error(r.errors.join('\n'));
  return r.config;
}

describe('diffConfig', () => {
  let cfg: TempConfig;
  beforeEach(async () => {
    cfg = await tempConfig();
  });
  afterEach(() => cfg.remove());

  it('reports nothing for the same config', async () => {
    const a = await load(cfg.main);
    const d = diffConfig(a, await load(cfg.main));
    expect(Object.values(d).flat()).toEqual([]);
  });

  it('one line per changed setpoint, old → new in the unit written', async () => {
    const before = await load(cfg.main);
    await cfg.edit('profiles.yaml', 'hi: { value: 20, priority: high }', 'hi: { value: 18, priority: high }');
    await cfg.edit('profiles.yaml', 'hihi: { value: 25, priority: critical }', 'hihi: { value: 24.5, priority: high }');
    const d = diffConfig(before, await load(cfg.main));
    // Every sensor on the combustible-gas profile, once each.
    expect(d.setpointChanges.filter((l) => l.endsWith('/hi 20 → 18 %LEL'))).toHaveLength(11);
    expect(d.setpointChanges).toContain('zjk-depot/GD-12/hi 20 → 18 %LEL');
    expect(d.setpointChanges).toContain('zjk-depot/PT-101/hihi 25 → 24.5 MPa, priority critical → high');
    expect(d.setpointChanges).toHaveLength(13);
    expect(d.restartNeeded).toEqual([]);
  });

  it('added and removed sensors and setpoints, other sensor changes, restart-only keys', async () => {
    const before = await load(cfg.main);
    // Drop GD-16 (the last sensor of the depot), add GD-17, drop TT-101's lolo, slow PT-103 down.
    await cfg.edit(
      'sites/zjk-depot.yaml',
      / {2}- id: GD-16[\s\S]*$/,
      '  - { id: GD-17, kind: gas, gas: methane, unit: ppm, profile: combustible-gas }\n',
    );
    await cfg.edit('sites/zjk-depot.yaml', /(id: PT-103[\s\S]*?)interval: 5s/, '$1interval: 10s');
    await cfg.edit('profiles.yaml', '    lolo: { value: -35, priority: medium }\n', '');
    await cfg.edit('gaswatch.yaml', 'url: mqtt://127.0.0.1:1883', 'url: mqtt://10.0.0.5:1883');
    await cfg.edit('gaswatch.yaml', 'startupGrace: 1m', 'startupGrace: 2m');
    const d = diffConfig(before, await load(cfg.main));
    expect(d.addedSensors).toEqual(['zjk-depot/GD-17']);
    expect(d.removedSensors).toEqual(['zjk-depot/GD-16']);
    expect(d.removedConditions).toEqual(['zjk-depot/TT-101/lolo']);
    expect(d.setpointChanges).toEqual(['zjk-depot/TT-101/lolo removed (was -35 C)']);
    expect(d.otherChanges).toEqual(['zjk-depot/PT-103 interval 5s → 10s, staleAfter 15s → 30s']);
    expect(d.restartNeeded).toEqual(['mqtt.url']);
    expect(d.liveChanges).toEqual(['alarms.startupGrace']);
  });
});
