/**
 * The store without InfluxDB (`influx.enabled: false`, as in the demo without one): the contract,
 * group commit driven by a manual clock, the bound, and a disk failure.
 */
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/store/memory.js';
import type { Point } from '../../src/store/port.js';
import { type CommitInfo, createStore, type Store } from '../../src/store/store.js';
import { ManualClock, systemClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { alarmEvent, influxConfig, reading, readSpoolDir, tempDir } from './support.js';
import { type ContractHarness, writePortContract } from './write-port.contract.js';

const logger = silentLogger();

writePortContract(
  'spool only (InfluxDB disabled)',
  (): ContractHarness => ({
    durable: true,
    async fresh() {
      const tmp = await tempDir();
      return {
        create: () =>
          createStore({ influx: influxConfig({ enabled: false }), stateDir: tmp.dir, clock: systemClock, logger }),
        stored: async (m) =>
          (await readSpoolDir(path.join(tmp.dir, 'spool'), logger)).filter((p) => p.measurement === m),
        dispose: () => tmp.remove(),
      };
    },
  }),
);

writePortContract('in memory', (): ContractHarness => {
  let store: MemoryStore | undefined;
  return {
    durable: false,
    async fresh() {
      return {
        create: () => (store = new MemoryStore()),
        stored: async (m) => (store?.points ?? []).filter((p) => p.measurement === m),
        dispose: async () => undefined,
      };
    },
  };
});

describe('store, spool only, group commit', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  async function setup(over: Parameters<typeof influxConfig>[0] = {}) {
    const tmp = await tempDir();
    const clock = new ManualClock();
    const commits: CommitInfo[] = [];
    const store: Store = createStore({
      influx: influxConfig({ enabled: false, batchSize: 100, flushInterval: 1000, ...over }),
      stateDir: tmp.dir,
      clock,
      logger,
      onCommit: (c) => commits.push(c),
    });
    await store.start();
    cleanup.push(tmp.remove, () => store.stop());
    return { store, clock, commits, dir: tmp.dir };
  }

  it('commits nothing before flushInterval, then all waiting writes in one fsynced append', async () => {
    const { store, clock, commits, dir } = await setup();
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 60; i++) {
      writes.push(store.write([reading(i)]));
      clock.advance(10);
    }
    expect(commits).toEqual([]);
    expect(store.stats()).toMatchObject({ pending: 60, spoolBytes: 0 });
    clock.advance(400);
    await Promise.all(writes);
    expect(commits).toEqual([{ points: 60, target: 'spool', ms: 0, waitedMs: 1000 }]);
    expect(store.stats()).toMatchObject({ pending: 0, spoolSegments: 1, connected: false });
    expect(store.stats().spoolBytes).toBeGreaterThan(0);
    expect(await readSpoolDir(path.join(dir, 'spool'), logger)).toHaveLength(60);
  });

  it('commits a full batch at once, without waiting for the timer', async () => {
    const { store, commits } = await setup({ batchSize: 10 });
    const writes = Array.from({ length: 25 }, (_, i) => store.write([reading(i)]));
    await Promise.all(writes.slice(0, 20));
    expect(commits.map((c) => c.points)).toEqual([10, 10]);
    expect(store.stats().pending).toBe(5);
  });

  it('commits an alarm event at once, with the telemetry waiting beside it, not after flushInterval', async () => {
    const { store, commits } = await setup();
    const telemetry = [store.write([reading(1)]), store.write([reading(2)])];
    const event = store.write([alarmEvent(3)]);
    await Promise.all([...telemetry, event]);
    expect(commits.map((c) => c.points)).toEqual([3]);
    const later = store.write([reading(4)]);
    expect(store.stats().pending).toBe(1);
    store.commitNow();
    await later;
  });

  it('keeps the bound: oldest telemetry dropped and counted, alarm events kept', async () => {
    const { store, clock, dir } = await setup({ spoolMaxBytes: 16 * 1024, batchSize: 5 });
    const all: Point[] = [];
    for (let i = 0; i < 600; i++) {
      const p = i % 40 === 0 ? alarmEvent(i) : reading(i);
      all.push(p);
      const w = store.write([p]);
      // An alarm event commits its batch at once, so batches do not line up with i % 5: cut here.
      if (i % 5 === 4) {
        store.commitNow();
        await w;
      }
    }
    clock.advance(1000);
    await store.flush();
    const left = await readSpoolDir(path.join(dir, 'spool'), logger);
    const telemetry = all.filter((p) => p.measurement === 'reading');
    expect(store.stats().dropped).toBeGreaterThan(0);
    expect(store.stats().dropped + left.filter((p) => p.measurement === 'reading').length).toBe(telemetry.length);
    expect(left.filter((p) => p.measurement === 'alarm_event')).toEqual(
      all.filter((p) => p.measurement === 'alarm_event'),
    );
  });

  it('rejects the writes when the disk refuses them, so nothing is acknowledged', async () => {
    const { store, clock, dir } = await setup();
    // The spool directory turns into a file: the first segment cannot be created.
    await rm(path.join(dir, 'spool'), { recursive: true });
    await writeFile(path.join(dir, 'spool'), '');
    const w = store.write([reading(1)]);
    clock.advance(1000);
    await expect(w).rejects.toThrow(/ENOTDIR|EEXIST|not a directory/i);
  });
});
