/**
 * The console of each node of a hot-standby pair (docs/ha.md), in Debian's Chromium against two
 * real daemons (in this process) on a real Mosquitto: the active node's header says so; the
 * standby's says it is the standby and a note names the active node — acknowledging there is
 * refused — and when it takes over (a clean stop of the other) its console turns active by itself.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { type ConfigDir, startApp, writeConfigDir } from '../helpers/daemon.js';
import { type Mosquitto, startMosquitto } from '../helpers/mosquitto.js';
import { waitFor } from '../helpers/wait.js';
import { launchChromium, screenshot, watchErrors } from './console-steps.js';

let broker: Mosquitto;
const cfgs: ConfigDir[] = [];
const apps = new Map<string, App>();
let browser: Browser;

beforeAll(async () => {
  broker = await startMosquitto();
  for (const node of ['a', 'b'])
    cfgs.push(
      await writeConfigDir({
        mqttUrl: broker.url,
        profiles: { gas: { unit: '%LEL', setpoints: { hi: { value: 20, priority: 'high' } } } },
        sites: {
          s: {
            id: 's',
            type: 'station',
            sensors: [{ id: 'G', kind: 'gas', gas: 'methane', unit: '%LEL', profile: 'gas', interval: '1h' }],
          },
        },
        main: {
          mqtt: { clientId: 'gaswatch-console-pair', instance: 'p1' },
          http: { anonymousViewer: true },
          ha: { node, takeoverAfter: '1s' },
        },
      }),
    );
  apps.set('a', await startApp((cfgs[0] as ConfigDir).file));
  await waitFor(() => apps.get('a')?.ha?.role === 'active', { message: 'a active' });
  apps.set('b', await startApp((cfgs[1] as ConfigDir).file));
  await waitFor(() => apps.get('b')?.ha?.active?.node === 'a', { message: 'b watching a' });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  for (const app of apps.values()) await app.stop().catch(() => undefined);
  await Promise.all([broker?.stop(), ...cfgs.map((c) => c.cleanup())]);
});

async function open(node: string): Promise<{ page: Page; errors: string[] }> {
  const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'en-GB' })).newPage();
  const errors = watchErrors(page);
  await page.goto(apps.get(node)?.httpUrl as string);
  return { page, errors };
}

describe('the console of a pair', () => {
  it('says which node is active and which is the standby, and follows a takeover', { timeout: 60_000 }, async () => {
    const a = await open('a');
    const b = await open('b');
    const badge = (p: Page) => p.locator('.ha-role');
    await expect.poll(() => badge(a.page).textContent()).toBe('Active node a');
    await expect.poll(() => badge(b.page).textContent()).toBe('Standby node b');
    expect(await a.page.getByRole('alert').filter({ hasText: 'standby' }).count()).toBe(0);
    await expect
      .poll(() => b.page.locator('.ha-standby').textContent())
      .toBe(
        'This is the standby node: it shows the alarms but does not handle them. Node a is active — acknowledge and shelve there.',
      );
    await screenshot(b.page, 'console-standby.png');

    await apps.get('a')?.stop();
    apps.delete('a');
    await expect.poll(() => badge(b.page).textContent(), { timeout: 20_000 }).toBe('Active node b');
    expect(await b.page.locator('.ha-standby').isVisible()).toBe(false);
    expect([...a.errors.filter((e) => !/Failed to fetch|ERR_CONNECTION_REFUSED|net::/.test(e)), ...b.errors]).toEqual(
      [],
    );
  });
});
