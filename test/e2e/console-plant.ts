/**
 * The plant behind the console end-to-end test: the shipped site and profile files, and the
 * simulators publishing through the real broker in two phases.
 *
 * Phase 1 replays the `slow-leak` scenario compressed in time, with simulated time ending at the
 * moment it started, so no reading is stamped in the future. Phase 2 then keeps the whole facility
 * publishing everyday readings in real time, stamped "now": without it every detector would go
 * stale 6 s after the leak run ends (3 × its 2 s interval) and the console would show a stale flood
 * instead of a plant.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { type PublishedMessage, type RunResult, type ScenarioRun, startScenario } from 'gaswatch-simulators';
import { parse } from 'yaml';

const CONFIG_DIR = path.resolve(import.meta.dirname, '../../config');

/** The shipped `config/profiles.yaml` and `config/sites/*.yaml`, as objects for writeConfigDir(). */
export async function shippedPlant(): Promise<{ profiles: unknown; sites: Record<string, unknown> }> {
  const profiles = parse(await readFile(path.join(CONFIG_DIR, 'profiles.yaml'), 'utf8')) as unknown;
  const sites: Record<string, unknown> = {};
  for (const f of (await readdir(path.join(CONFIG_DIR, 'sites'))).filter((n) => n.endsWith('.yaml'))) {
    const site = parse(await readFile(path.join(CONFIG_DIR, 'sites', f), 'utf8')) as { id: string };
    sites[site.id] = site;
  }
  return { profiles, sites };
}

export interface LeakOptions {
  broker: string;
  seed: number;
  /** Simulated ms of the leak scenario to play (from its start). */
  simMs: number;
  /** Simulated seconds per wall second. */
  speed: number;
}

/** What each sensor sent in phase 2: `site/sensor` → its values in publication order. */
export type Published = Map<string, number[]>;

export class LeakThenEveryday {
  readonly leak: ScenarioRun;
  /** Resolves with the leak run's result once phase 2 is publishing. */
  readonly leakDone: Promise<RunResult>;
  /** Values sent per sensor during phase 2, to compare with what the console shows. */
  readonly everydayValues: Published = new Map();
  private everyday: ScenarioRun | undefined;
  private stopped = false;

  constructor(private readonly o: LeakOptions) {
    this.leak = startScenario({
      broker: o.broker,
      scenario: 'slow-leak',
      seed: o.seed,
      speed: o.speed,
      duration: o.simMs,
      startTime: Date.now() - o.simMs,
      qos: 1,
      record: false,
    });
    this.leakDone = this.leak.done.then((result) => {
      if (!this.stopped) this.everyday = this.startEveryday();
      return result;
    });
  }

  /** Wall ms after the start at which the leak run passes simulated ms `simAt`. */
  wallAt(simAt: number): number {
    return simAt / this.o.speed;
  }

  private startEveryday(): ScenarioRun {
    return startScenario({
      broker: this.o.broker,
      scenario: 'normal',
      seed: this.o.seed + 1,
      speed: 1,
      loop: true,
      startTime: Date.now(),
      qos: 1,
      record: false,
      onPublish: (m: PublishedMessage) => {
        const key = `${m.site}/${m.sensor}`;
        const list = this.everydayValues.get(key) ?? [];
        for (const r of m.readings) list.push(r.value);
        this.everydayValues.set(key, list);
      },
    });
  }

  async stop(): Promise<RunResult[]> {
    this.stopped = true;
    const results = [await this.leak.stop()];
    if (this.everyday) results.push(await this.everyday.stop());
    return results;
  }
}
