import { describe, expect, it } from 'vitest';
import { parseCli, usage } from '../src/cli-args.js';
import { scenarioNames } from '../src/index.js';

describe('gaswatch-sim arguments', () => {
  it('maps every flag of SPEC §7 onto run options', () => {
    const cmd = parseCli([
      '--broker',
      'mqtt://broker:1883',
      '--scenario',
      'load',
      '--seed',
      '42',
      '--speed',
      'max',
      '--sites',
      '20',
      '--sensors',
      '50',
      '--rate',
      '2.5',
      '--duration',
      '10m',
      '--qos',
      '0',
      '--loop',
    ]);
    expect(cmd).toMatchObject({
      kind: 'run',
      warnings: [],
      options: {
        broker: 'mqtt://broker:1883',
        scenario: 'load',
        seed: 42,
        speed: Number.POSITIVE_INFINITY,
        sites: 20,
        sensors: 50,
        rate: 2.5,
        duration: 600_000,
        qos: 0,
        loop: true,
        record: false,
      },
    });
  });

  it('defaults to a local broker, real time, QoS 1, no loop', () => {
    expect(parseCli(['--scenario', 'normal'])).toMatchObject({
      options: { broker: 'mqtt://127.0.0.1:1883', speed: 1, qos: 1, loop: false },
    });
    const cmd = parseCli(['--scenario', 'slow-leak', '--speed', '60', '--start-time', '2018-11-28T00:40:00+08:00']);
    expect(cmd).toMatchObject({ options: { speed: 60, startTime: Date.parse('2018-11-27T16:40:00Z') } });
  });

  it('refuses bad values with a message naming the flag', () => {
    expect(() => parseCli([])).toThrow(/--scenario is required/);
    expect(() => parseCli(['--scenario', 'normal', '--qos', '2'])).toThrow(/--qos must be 0 or 1/);
    expect(() => parseCli(['--scenario', 'normal', '--speed', 'fast'])).toThrow(/invalid speed "fast"/);
    expect(() => parseCli(['--scenario', 'normal', '--duration', '30'])).toThrow(/invalid duration "30"/);
    expect(() => parseCli(['--scenario', 'normal', '--seed', '1.5'])).toThrow(/--seed must be an integer/);
    expect(() => parseCli(['--scenario', 'normal', '--batch', '2'])).toThrow(/--batch must be a probability/);
    expect(() => parseCli(['--scenario', 'normal', '--nope'])).toThrow(/nope/);
  });

  it('warns when --sites/--sensors are given to a scenario that ignores them', () => {
    expect(parseCli(['--scenario', 'normal', '--sites', '3'])).toMatchObject({
      warnings: [expect.stringMatching(/load scenario only/)],
    });
  });

  it('has --help listing every scenario', () => {
    expect(parseCli(['-h'])).toEqual({ kind: 'help' });
    for (const name of scenarioNames()) expect(usage()).toContain(`\n  ${name} `);
  });
});
