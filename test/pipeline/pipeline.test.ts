import { describe, expect, it } from 'vitest';
import type { AlarmEngine } from '../../src/alarms/engine.js';
import { compilePattern } from '../../src/ingest/topics.js';
import { Pipeline, type PipelineMetrics } from '../../src/pipeline/pipeline.js';
import { MemoryStore } from '../../src/store/memory.js';
import { ManualClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { DEPOT, engineRig, GAS_PROFILES, sitesFrom } from '../helpers/engine.js';

function rig(engine: AlarmEngine, sites = sitesFrom(GAS_PROFILES, [DEPOT])) {
  const store = new MemoryStore();
  const counts = { readings: 0, rejected: [] as string[], failed: 0 };
  const metrics: PipelineMetrics = {
    reading: () => counts.readings++,
    rejected: (r) => counts.rejected.push(r),
    processed: () => undefined,
    evaluationFailed: () => counts.failed++,
  };
  const pipeline = new Pipeline({
    engine,
    store,
    clock: new ManualClock(),
    logger: silentLogger(),
    metrics,
    sites: () => sites,
    patterns: () => [compilePattern('gas/{site}/{sensor}')],
    maxPayload: 1024,
  });
  return { store, counts, pipeline };
}

describe('pipeline', () => {
  it('stores a batch in time order with the alarm evaluated, and resolves when durable', async () => {
    const engine = engineRig(sitesFrom(GAS_PROFILES, [DEPOT])).engine;
    const { store, counts, pipeline } = rig(engine);
    await store.start();
    const t = Date.parse('2026-11-28T07:59:00Z');
    const done = pipeline.handle(
      'gas/zjk-depot/GD-12',
      Buffer.from(
        JSON.stringify([
          { value: 45, unit: '%LEL', ts: t + 2000 },
          { value: 10, unit: '%LEL', ts: t },
        ]),
      ),
    );
    expect(done).toBeDefined();
    await done;
    expect(store.points.map((p) => [p.ts, p.fields.value])).toEqual([
      [t, 4400],
      [t + 2000, 19800],
    ]);
    expect(engine.list().map((a) => a.condition)).toEqual(['hihi', 'hi']);
    expect(counts.readings).toBe(2);
  });

  it('a failure inside evaluation never costs the reading', async () => {
    const broken = {
      handle: () => {
        throw new Error('bug');
      },
    } as unknown as AlarmEngine;
    const { store, counts, pipeline } = rig(broken);
    await store.start();
    await pipeline.handle('gas/zjk-depot/GD-12', Buffer.from('12.5'));
    expect(store.points).toHaveLength(1);
    expect(counts.failed).toBe(1);
    expect(counts.rejected).toEqual([]);
  });

  it('rejects a payload for a topic no pattern matches, storing nothing', () => {
    const engine = engineRig(sitesFrom(GAS_PROFILES, [DEPOT])).engine;
    const { counts, pipeline } = rig(engine);
    expect(pipeline.handle('gas/zjk-depot', Buffer.from('1'))).toBeUndefined();
    expect(counts.rejected).toEqual(['bad_topic']);
  });
});
