import { describe, expect, it } from 'vitest';
import {
  allSensors,
  createSimulation,
  DROPOUT,
  FACILITY,
  FLAPPING,
  generate,
  ppmAtLel,
  RUPTURE,
  SLOW_LEAK,
  STUCK,
  windOffsets,
  ZJK_DEPOT,
} from '../src/index.js';
import { bySensor, firstCrossing, maxFallWithin, START, series } from './helpers.js';

const MINUTE = 60_000;

describe('slow-leak', () => {
  it('rises steadily past 20 %LEL then 40 %LEL (propane: 3400, 6800 ppm), holds, and clears when stopped', () => {
    const sim = createSimulation({ scenario: 'slow-leak', seed: 3, startTime: START });
    const gd21 = series(sim.messages(), 'hx-station/GD-21');
    const { start, stopAt } = SLOW_LEAK;
    expect(ppmAtLel('propane', 20)).toBe(3400);
    expect(ppmAtLel('propane', 40)).toBe(6800);
    const at20 = firstCrossing(gd21, 3400)!;
    const at40 = firstCrossing(gd21, 6800)!;
    expect(at20).toBeGreaterThan(start);
    expect(at40).toBeGreaterThan(at20 + MINUTE);
    expect(Math.abs(at20 - (sim.plan.details['reaches20Lel'] as number))).toBeLessThan(30_000);
    expect(Math.abs(at40 - (sim.plan.details['reaches40Lel'] as number))).toBeLessThan(30_000);
    // Steady: each half-minute of the rise averages more than the one before.
    const means = [];
    for (let t = start; t + 30_000 <= at40; t += 30_000) {
      const w = gd21.filter((p) => p.t >= t && p.t < t + 30_000).map((p) => p.value);
      means.push(w.reduce((a, b) => a + b, 0) / w.length);
    }
    expect(means.length).toBeGreaterThan(6);
    for (let i = 1; i < means.length; i++) expect(means[i]).toBeGreaterThan(means[i - 1]!);
    // Holds above 40 %LEL until the leak is stopped…
    const hold = gd21.filter((p) => p.t > at40 + MINUTE && p.t < stopAt);
    expect(hold.length).toBeGreaterThan(100);
    expect(Math.min(...hold.map((p) => p.value))).toBeGreaterThan(6800);
    // …then falls back to background.
    const tail = gd21.filter((p) => p.t > stopAt + 3 * MINUTE);
    expect(tail.length).toBeGreaterThan(20);
    expect(Math.max(...tail.map((p) => p.value))).toBeLessThan(50);
  });

  it('works on a methane detector (8800 / 17600 ppm) and on a %LEL head', () => {
    const methane = series(
      generate({ scenario: 'slow-leak', target: 'zjk-depot/GD-13', seed: 1, startTime: START }),
      'zjk-depot/GD-13',
    );
    expect(firstCrossing(methane, 17_600)!).toBeGreaterThan(firstCrossing(methane, 8800)!);
    const lel = series(
      generate({ scenario: 'slow-leak', target: 'hx-station/GD-25', seed: 1, startTime: START }),
      'hx-station/GD-25',
    );
    expect(lel.every((p) => p.unit === '%LEL')).toBe(true);
    expect(firstCrossing(lel, 40)!).toBeGreaterThan(firstCrossing(lel, 20)!);
    expect(Math.max(...lel.map((p) => p.value))).toBeLessThan(70);
  });
});

describe('rupture', () => {
  const sim = createSimulation({ scenario: 'rupture', seed: 4, startTime: START });
  const messages = [...sim.messages()];
  const { at } = RUPTURE;

  it('drops the tank pressure faster than 1 MPa/min (several MPa in the first minute), steady before', () => {
    const pt = series(messages, 'zjk-depot/PT-101');
    const before = pt.filter((p) => p.t < at);
    const after = pt.filter((p) => p.t >= at - 5000);
    expect(maxFallWithin(before, MINUTE)).toBeLessThan(0.2);
    expect(maxFallWithin(after, MINUTE)).toBeGreaterThan(3);
    const firstMinute = after.filter((p) => p.t <= at + MINUTE);
    expect(firstMinute[0]!.value - firstMinute.at(-1)!.value).toBeGreaterThan(1);
    expect(pt.at(-1)!.value).toBeLessThan(3);
    // The other tank is isolated and unaffected.
    expect(maxFallWithin(series(messages, 'zjk-depot/PT-102'), MINUTE)).toBeLessThan(0.2);
  });

  it('spikes the nearby detectors only after the rupture', () => {
    const nearby = sim.plan.details['nearby'] as string[];
    expect(nearby).toContain('zjk-depot/GD-14');
    expect(nearby.length).toBeGreaterThanOrEqual(2);
    const depotDetectors = ZJK_DEPOT.sensors.filter((s) => s.kind === 'gas').map((s) => `zjk-depot/${s.id}`);
    for (const key of depotDetectors) {
      const s = series(messages, key);
      expect(Math.max(...s.filter((p) => p.t < at).map((p) => p.value)), key).toBeLessThan(100);
      if (nearby.includes(key)) expect(firstCrossing(s, ppmAtLel('methane', 20), at), key).toBeLessThan(at + MINUTE);
    }
    expect(nearby.length).toBeLessThan(depotDetectors.length);
  });
});

describe('drifting-cloud', () => {
  it.each([1, 2, 3, 4, 5])('seed %i: detectors cross 20 %LEL in order of their distance downwind', (seed) => {
    const sim = createSimulation({ scenario: 'drifting-cloud', seed, startTime: START });
    const messages = [...sim.messages()];
    const source = ZJK_DEPOT.sensors.find((s) => s.id === 'GD-15')!.position;
    const wind = ZJK_DEPOT.wind;
    const leakStart = sim.plan.details['leakStart'] as number;
    const crossings = ZJK_DEPOT.sensors
      .filter((s) => s.kind === 'gas')
      .map((s) => ({
        id: s.id,
        downwind: windOffsets(source, s.position, wind).downwind,
        at: firstCrossing(series(messages, `zjk-depot/${s.id}`), ppmAtLel('methane', 20)),
      }))
      .filter((c): c is typeof c & { at: number } => c.at !== undefined);
    expect(crossings.length).toBeGreaterThanOrEqual(5);
    const byTime = [...crossings].sort((a, b) => a.at - b.at).map((c) => c.id);
    const byDistance = [...crossings].sort((a, b) => a.downwind - b.downwind).map((c) => c.id);
    expect(byTime).toEqual(byDistance);
    expect(byTime).toEqual(['GD-15', 'GD-12', 'GD-11', 'GD-13', 'GD-16']);
    // The cloud cannot outrun the wind.
    for (const c of crossings) expect(c.at).toBeGreaterThanOrEqual(leakStart + (c.downwind / wind.speed) * 1000);
    // The tank detector lies south, off the plume's line: it never alarms.
    expect(crossings.map((c) => c.id)).not.toContain('GD-14');
  });
});

describe('stuck-sensor', () => {
  it('repeats exactly the same value from the moment it sticks, while its timestamps and the others move on', () => {
    const messages = [...generate({ scenario: 'stuck-sensor', seed: 8, startTime: START })];
    const stuck = bySensor(messages).get('zjk-depot/GD-13')!;
    const after = stuck.filter((m) => m.at - START >= STUCK.at);
    const before = stuck.filter((m) => m.at - START < STUCK.at);
    expect(after.length).toBeGreaterThan(100);
    expect(new Set(after.map((m) => m.readings[0]!.value)).size).toBe(1);
    expect(new Set(before.map((m) => m.readings[0]!.value)).size).toBeGreaterThan(3);
    expect(new Set(after.map((m) => m.at)).size).toBe(after.length);
    for (const [key, list] of bySensor(messages)) {
      if (key === 'zjk-depot/GD-13' || !key.includes('GD-')) continue;
      let run = 1;
      let longest = 1;
      for (let i = 1; i < list.length; i++) {
        run = list[i]!.readings[0]!.value === list[i - 1]!.readings[0]!.value ? run + 1 : 1;
        longest = Math.max(longest, run);
      }
      expect(longest, key).toBeLessThan(10);
    }
  });
});

describe('dropout', () => {
  it('silences exactly one sensor for the window while every other one keeps its interval', () => {
    const messages = [...generate({ scenario: 'dropout', seed: 2, startTime: START })];
    const gaps = [...bySensor(messages)].flatMap(([key, list]) => {
      const interval = allSensors(FACILITY).find((s) => `${s.site}/${s.id}` === key)!.intervalMs;
      const found = [];
      for (let i = 1; i < list.length; i++) {
        const gap = list[i]!.at - list[i - 1]!.at;
        if (gap !== interval) found.push({ key, from: list[i - 1]!.at - START, to: list[i]!.at - START, gap });
      }
      return found;
    });
    expect(gaps).toHaveLength(1);
    const [g] = gaps;
    expect(g!.key).toBe('zjk-depot/GD-12');
    expect(g!.from).toBeLessThan(DROPOUT.from);
    expect(g!.from).toBeGreaterThanOrEqual(DROPOUT.from - 2000);
    expect(g!.to).toBeGreaterThanOrEqual(DROPOUT.until);
    expect(g!.to).toBeLessThan(DROPOUT.until + 2000);
    expect(bySensor(messages).size).toBe(allSensors(FACILITY).length);
  });
});

describe('flapping', () => {
  it('hovers around 20 %LEL, crossing the setpoint again and again', () => {
    const gd22 = series(generate({ scenario: 'flapping', seed: 6, startTime: START }), 'hx-station/GD-22');
    const setpoint = ppmAtLel('propane', FLAPPING.setpointLel);
    const hovering = gd22.filter((p) => p.t >= FLAPPING.from);
    let upward = 0;
    for (let i = 1; i < hovering.length; i++) {
      if (hovering[i - 1]!.value < setpoint && hovering[i]!.value >= setpoint) upward++;
    }
    expect(upward).toBeGreaterThanOrEqual(10);
    for (const p of hovering) {
      expect(p.value).toBeGreaterThan(setpoint * 0.7);
      expect(p.value).toBeLessThan(setpoint * 1.3);
    }
    expect(Math.max(...gd22.filter((p) => p.t < FLAPPING.from).map((p) => p.value))).toBeLessThan(100);
  });
});

describe('load', () => {
  it('publishes sites × sensors × rate readings a second, evenly spread, with load-0001/S-0001 ids', () => {
    const messages = [
      ...generate({ scenario: 'load', seed: 1, startTime: START, sites: 3, sensors: 12, rate: 4, duration: '10s' }),
    ];
    expect(messages).toHaveLength(3 * 12 * 4 * 10);
    const topics = new Set(messages.map((m) => m.topic));
    expect(topics.size).toBe(36);
    expect(topics).toContain('gas/load-0001/S-0001');
    expect(topics).toContain('gas/load-0003/S-0012');
    const perQuarter = new Map<number, number>();
    for (const m of messages) {
      const s = Math.floor((m.at - START) / 250);
      perQuarter.set(s, (perQuarter.get(s) ?? 0) + 1);
    }
    // Each quarter second (one interval at 4 Hz) carries every sensor exactly once.
    expect(new Set(perQuarter.values())).toEqual(new Set([36]));
  });
});
