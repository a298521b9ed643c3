/**
 * The scenario registry. A name appears once; an unknown name is an error listing the known ones.
 * To add a scenario: one file here exporting a `Scenario`, and one line in SCENARIOS.
 */
import type { Scenario } from '../scenario.js';
import { demoStory } from './demo-story.js';
import { driftingCloud } from './drifting-cloud.js';
import { dropout } from './dropout.js';
import { flapping } from './flapping.js';
import { garbage } from './garbage.js';
import { load } from './load.js';
import { normal } from './normal.js';
import { rupture } from './rupture.js';
import { slowLeak } from './slow-leak.js';
import { stuckSensor } from './stuck-sensor.js';

const SCENARIOS: readonly Scenario[] = [
  normal,
  slowLeak,
  rupture,
  driftingCloud,
  stuckSensor,
  dropout,
  flapping,
  garbage,
  load,
  demoStory,
];

const REGISTRY = new Map<string, Scenario>();
for (const s of SCENARIOS) {
  if (REGISTRY.has(s.name)) throw new Error(`duplicate scenario name "${s.name}"`);
  REGISTRY.set(s.name, s);
}

export function scenarioNames(): string[] {
  return [...REGISTRY.keys()];
}

export function listScenarios(): Array<Pick<Scenario, 'name' | 'summary' | 'defaultDuration'>> {
  return SCENARIOS.map(({ name, summary, defaultDuration }) => ({ name, summary, defaultDuration }));
}

export function getScenario(name: string): Scenario {
  const s = REGISTRY.get(name);
  if (s === undefined) throw new Error(`unknown scenario "${name}"; known scenarios: ${scenarioNames().join(', ')}`);
  return s;
}
