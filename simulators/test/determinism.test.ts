import { describe, expect, it } from 'vitest';
import { createRng, createSimulation, generate, getScenario, parseDuration, scenarioNames } from '../src/index.js';
import { START } from './helpers.js';

const payloads = (o: Parameters<typeof generate>[0]) => [...generate(o)].map((m) => `${m.topic} ${m.payload}`);

describe('seeded runs', () => {
  it.each(scenarioNames())(
    '%s: same seed and start → byte-identical messages; another seed → different',
    (scenario) => {
      const opts = { scenario, seed: 42, startTime: START, duration: '3m', sites: 2, sensors: 5 } as const;
      const a = payloads(opts);
      expect(a.length).toBeGreaterThan(50);
      expect(payloads(opts)).toEqual(a);
      // The same Simulation object replays identically too.
      const sim = createSimulation(opts);
      expect([...sim.messages()].map((m) => `${m.topic} ${m.payload}`)).toEqual(
        [...sim.messages()].map((m) => `${m.topic} ${m.payload}`),
      );
      expect(payloads({ ...opts, seed: 43 })).not.toEqual(a);
    },
  );

  it('a start exactly one day later gives the same values, timestamps shifted by a day', () => {
    const day = 86_400_000;
    const a = [...generate({ scenario: 'slow-leak', seed: 9, startTime: START, duration: '5m' })];
    const b = [...generate({ scenario: 'slow-leak', seed: 9, startTime: START + day, duration: '5m' })];
    expect(b.map((m) => m.readings.map((r) => r.value))).toEqual(a.map((m) => m.readings.map((r) => r.value)));
    expect(b.map((m) => m.at - day)).toEqual(a.map((m) => m.at));
  });

  it('an unspecified seed is drawn at random and reported in the plan', () => {
    const plans = [1, 2, 3].map(() => createSimulation({ scenario: 'normal' }).plan.seed);
    expect(new Set(plans).size).toBeGreaterThan(1);
  });

  it('named random streams are independent and reproducible', () => {
    const draw = (seed: number, name: string) => {
      const r = createRng(seed, name);
      return Array.from({ length: 5 }, () => r.next());
    };
    const a = createRng(1, 'a');
    const a2 = createRng(1, 'a');
    const seqA = Array.from({ length: 100 }, () => a.next());
    expect(Array.from({ length: 100 }, () => a2.next())).toEqual(seqA);
    expect(draw(1, 'b')).not.toEqual(draw(1, 'a'));
    expect(seqA.every((x) => x >= 0 && x < 1)).toBe(true);
    const n = createRng(7, 'normal');
    const xs = Array.from({ length: 20_000 }, () => n.normal());
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(sd - 1)).toBeLessThan(0.03);
  });
});

describe('registry and options', () => {
  it('knows every scenario of the brief and rejects an unknown name with the list', () => {
    expect(scenarioNames()).toEqual([
      'normal',
      'slow-leak',
      'rupture',
      'drifting-cloud',
      'stuck-sensor',
      'dropout',
      'flapping',
      'garbage',
      'load',
      'demo-story',
    ]);
    expect(() => getScenario('leak')).toThrow(/unknown scenario "leak"; known scenarios: normal, slow-leak, rupture/);
    expect(() => createSimulation({ scenario: 'leak' })).toThrow(/known scenarios/);
  });

  it('rejects a target of the wrong kind, naming the ones that fit', () => {
    expect(() => createSimulation({ scenario: 'rupture', target: 'hx-station/PT-201' })).toThrow(
      /not a CNG tank pressure transmitter; choose one of: zjk-depot\/PT-101, zjk-depot\/PT-102/,
    );
    expect(() => createSimulation({ scenario: 'slow-leak', target: 'nowhere/GD-1' })).toThrow(/hx-station\/GD-21/);
  });

  it('validates numbers', () => {
    expect(() => createSimulation({ scenario: 'normal', duration: 0 })).toThrow(/duration/);
    expect(() => createSimulation({ scenario: 'normal', rate: -1 })).toThrow(/rate/);
    expect(() => createSimulation({ scenario: 'load', sites: 1.5 })).toThrow(/sites/);
    expect(() => createSimulation({ scenario: 'normal', formats: { batch: 0.7, bare: 0.5 } })).toThrow(/sum/);
    expect(() => createSimulation({ scenario: 'normal', startTime: 'not a date' })).toThrow(/startTime/);
  });

  it('parses durations with units only', () => {
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('10m')).toBe(600_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('2d')).toBe(172_800_000);
    expect(parseDuration('inf')).toBe(Number.POSITIVE_INFINITY);
    expect(() => parseDuration('30')).toThrow(/invalid duration/);
    expect(() => parseDuration('10 minutes')).toThrow(/invalid duration/);
  });
});
