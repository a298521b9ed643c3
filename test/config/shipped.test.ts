/**
 * The shipped config/ is an example deployment operators copy, and the simulators publish exactly
 * its sites and sensors: it must pass `gaswatch check-config`, and declare what the simulators send.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkConfigCommand } from '../../src/config/commands.js';
import { loadConfig } from '../../src/config/load.js';

function capture() {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    streams: {
      stdout: { write: (s: string) => (out.stdout += s) },
      stderr: { write: (s: string) => (out.stderr += s) },
    },
  };
}

describe('shipped config/', () => {
  it('passes check-config with a summary', async () => {
    const { out, streams } = capture();
    const code = await checkConfigCommand({ config: 'config/gaswatch.yaml', env: {} }, streams);
    expect(out.stderr).toBe('');
    expect(code).toBe(0);
    expect(out.stdout).toContain('config/gaswatch.yaml: OK');
    expect(out.stdout).toContain('sites: 2, sensors: 17');
  });

  it('check-config exits 1 with the error lines on a broken config', async () => {
    const { out, streams } = capture();
    const code = await checkConfigCommand({ config: 'test/config/fixtures/missing-profile/gaswatch.yaml' }, streams);
    expect(code).toBe(1);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(
      /^test\/config\/fixtures\/missing-profile\/sites\/depot\.yaml:8:14 {2}sensors\.0\.profile {2}no profile/,
    );
    expect(out.stderr).toContain('2 errors');
  });

  it('declares the sites and sensors the simulators publish', async () => {
    const result = await loadConfig('config/gaswatch.yaml', {});
    if (!result.ok) throw new Error(result.errors.join('\n'));
    const sensors = [...result.config.sites.values()].flatMap((s) =>
      [...s.sensors.values()].map(
        (x) => `${s.id}/${x.id} ${x.kind} ${x.unit} ${x.asset} ${x.profile} ${x.gas ?? '-'} ${x.interval}`,
      ),
    );
    expect(sensors.sort()).toEqual(
      [
        'zjk-depot/PT-101 pressure MPa cng-tank-1 cng-storage-pressure - 5000',
        'zjk-depot/PT-102 pressure MPa cng-tank-2 cng-storage-pressure - 5000',
        'zjk-depot/PT-103 pressure MPa lng-tank-1 lng-tank-pressure - 5000',
        'zjk-depot/TT-101 temperature C ambient ambient-temperature - 10000',
        'zjk-depot/GD-11 gas ppm compressor-1 combustible-gas methane 2000',
        'zjk-depot/GD-12 gas ppm compressor-2 combustible-gas methane 2000',
        'zjk-depot/GD-13 gas ppm valve-manifold combustible-gas methane 2000',
        'zjk-depot/GD-14 gas ppm cng-tank-1 combustible-gas methane 2000',
        'zjk-depot/GD-15 gas ppm gas-holder combustible-gas methane 2000',
        'zjk-depot/GD-16 gas ppm fence-east combustible-gas methane 2000',
        'hx-station/PT-201 pressure MPa lpg-tank lpg-tank-pressure - 5000',
        'hx-station/LT-201 level % lpg-tank lpg-tank-level - 10000',
        'hx-station/GD-21 gas ppm dispenser-1 combustible-gas propane 2000',
        'hx-station/GD-22 gas ppm dispenser-2 combustible-gas propane 2000',
        'hx-station/GD-23 gas ppm lpg-tank-pit combustible-gas propane 2000',
        'hx-station/GD-24 gas ppm cng-dispenser combustible-gas methane 2000',
        'hx-station/GD-25 gas %LEL fence-homes combustible-gas propane 2000',
      ].sort(),
    );
    // SPEC §2: the shipped combustible-gas profile alarms at 20 / 40 %LEL, the second level latched.
    const gd12 = result.config.sites.get('zjk-depot')?.sensors.get('GD-12');
    expect(gd12?.setpoints.map((s) => [s.condition, s.value, s.display.value, s.priority, s.latch])).toEqual([
      ['hi', 8800, 20, 'high', false],
      ['hihi', 17600, 40, 'critical', true],
    ]);
  });

  it('every shipped YAML file points yaml-language-server at its committed schema', () => {
    const files = [
      'config/gaswatch.yaml',
      'config/profiles.yaml',
      ...readdirSync('config/sites').map((f) => `config/sites/${f}`),
    ];
    for (const f of files) {
      const first = readFileSync(f, 'utf8').split('\n')[0] as string;
      const m = /^# yaml-language-server: \$schema=(\S+)$/.exec(first);
      expect(m, f).not.toBeNull();
      expect(() => readFileSync(path.resolve(path.dirname(f), (m as RegExpExecArray)[1] as string)), f).not.toThrow();
    }
  });
});
