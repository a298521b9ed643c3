import { describe, expect, it } from 'vitest';
import { createSimulation } from '../src/index.js';
import { DEMO_STORY } from '../src/scenarios/demo-story.js';
import { firstCrossing, maxFallWithin, START, series } from './helpers.js';

describe('demo-story', () => {
  it('leaks at the station within a minute, drops depot pressure, and silences one detector', () => {
    const sim = createSimulation({ scenario: 'demo-story', seed: 1, startTime: START });
    const messages = [...sim.messages()];
    const gd21 = series(messages, 'hx-station/GD-21');
    const at20 = firstCrossing(gd21, 3400);
    expect(at20).toBeGreaterThan(DEMO_STORY.leak.start);
    expect(at20).toBeLessThan(45_000); // the demo must show an alarm within its first minute
    expect(firstCrossing(gd21, 6800)).toBeLessThan(DEMO_STORY.leak.stopAt);
    const tail = gd21.filter((p) => p.t > DEMO_STORY.leak.stopAt + 3 * 60_000);
    expect(Math.max(...tail.map((p) => p.value))).toBeLessThan(3000);

    const pt102 = series(messages, 'zjk-depot/PT-102').filter((p) => p.t >= DEMO_STORY.pressureDrop.at - 30_000);
    expect(maxFallWithin(pt102, 60_000)).toBeGreaterThan(1.0); // the shipped roc limit: 1 MPa per minute

    const gd16 = series(messages, 'zjk-depot/GD-16');
    const { from, until } = DEMO_STORY.dropout;
    expect(gd16.some((p) => p.t >= from && p.t < until)).toBe(false);
    expect(gd16.some((p) => p.t >= until)).toBe(true);
    expect(series(messages, 'zjk-depot/GD-15').some((p) => p.t >= from && p.t < until)).toBe(true);
  });
});
