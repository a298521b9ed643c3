/**
 * InfluxDB with authentication on, as production runs it: the store writes with its credentials and
 * creates the database; a wrong password loses nothing — the points wait in the spool, nothing is
 * quarantined as bad, and they are written once the password is right.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, type Store } from '../../src/store/store.js';
import { systemClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { type Influxd, startInfluxd } from '../helpers/influxd.js';
import { waitFor } from '../helpers/wait.js';
import { influxConfig, reading, tempDir } from './support.js';

const ADMIN = { username: 'gaswatch', password: 's3cret-pw' };
let influxd: Influxd;
const stores: Store[] = [];
const dirs: { remove(): Promise<void> }[] = [];

beforeAll(async () => {
  influxd = await startInfluxd({ admin: ADMIN });
});
afterAll(async () => {
  for (const s of stores) await s.stop();
  await Promise.all([influxd?.stop(), ...dirs.map((d) => d.remove())]);
});

async function store(password: string, dir?: string) {
  const tmp = await tempDir();
  dirs.push(tmp);
  const s = createStore({
    influx: influxConfig({ url: influxd.url, database: 'authdb', username: ADMIN.username, password }),
    stateDir: dir ?? tmp.dir,
    clock: systemClock,
    logger: silentLogger(),
    tuning: { retryInitialMs: 50, retryMaxMs: 200, probeTimeoutMs: 500 },
  });
  await s.start();
  stores.push(s);
  return { s, dir: dir ?? tmp.dir };
}

describe('InfluxDB with authentication', () => {
  it('writes with credentials; a wrong password spools, quarantines nothing, and loses nothing', async () => {
    const good = await store(ADMIN.password);
    await good.s.write(Array.from({ length: 100 }, (_, i) => reading(i)));
    await good.s.flush();
    expect(await influxd.count('authdb', 'reading')).toBe(100);
    await good.s.stop();

    const bad = await store('wrong-password');
    await bad.s.write(Array.from({ length: 50 }, (_, i) => reading(100 + i)));
    await bad.s.durable();
    expect(bad.s.stats()).toMatchObject({ quarantined: 0, spoolSegments: 1 });
    expect(await influxd.count('authdb', 'reading')).toBe(100);
    await bad.s.stop();

    // The password is fixed and the daemon restarted on the same state: the spool is replayed.
    const fixed = await store(ADMIN.password, bad.dir);
    await waitFor(async () => (await influxd.count('authdb', 'reading')) === 150, {
      timeout: 15_000,
      message: 'spooled points written after the fix',
    });
    expect(fixed.s.stats().quarantined).toBe(0);
  });
});
