/**
 * The operator console end to end: Debian's Chromium against the real daemon (App), a real
 * Mosquitto and the simulators, with the shipped site and profile files. An operator logs in,
 * watches the slow leak at hx-station/GD-21 arrive without reloading, acknowledges the Hi alarm
 * with a comment, shelves the HiHi, then checks the live sensor values and the alarm journal.
 * Screenshots go to test-artifacts/console-e2e*.png.
 */
import { SLOW_LEAK } from 'gaswatch-simulators';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { AlarmRecord } from '../../src/domain/types.js';
import { hashPassword } from '../../src/http/auth.js';
import { type ConfigDir, startApp, writeConfigDir } from '../helpers/daemon.js';
import { type Mosquitto, startMosquitto } from '../helpers/mosquitto.js';
import {
  acknowledge,
  alarmRow,
  launchChromium,
  logIn,
  screenshot,
  shelve,
  watchErrors,
} from '../http/console-steps.js';
import { LeakThenEveryday, shippedPlant } from './console-plant.js';

const OPERATOR = 'wang';
const PASSWORD = 'correct horse battery staple';
const HI = 'hx-station/GD-21/hi';
const HIHI = 'hx-station/GD-21/hihi';
const ACK_COMMENT = 'Dispenser 1 stopped, leak search under way';
const SHELVE_REASON = 'Leak at dispenser 1 isolated; fitting being replaced under fire watch';
/** Seven simulated minutes: past 40 %LEL at +4 m 52 s, still holding at 55 %LEL when it ends. */
const LEAK_SIM_MS = 7 * 60_000;
/** 7 simulated minutes in 21 s: Hi after ≈ 8 s, HiHi after ≈ 15 s. */
const LEAK_SPEED = 20;

let broker: Mosquitto;
let cfg: ConfigDir;
let app: App;
let url: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let errors: string[];
let sim: LeakThenEveryday | undefined;
const navigations: string[] = [];

/** The server's alarm list, as the console's own session reads it. */
async function serverAlarms(): Promise<AlarmRecord[]> {
  const res = await page.request.get(`${url}/api/alarms`);
  expect(res.status()).toBe(200);
  return (await res.json()) as AlarmRecord[];
}

const serverRecord = async (id: string) => (await serverAlarms()).find((a) => a.id === id);

/** Runs in the page: how many CSS pixels the page is wider than the window. */
function sidewaysOverflow(): number {
  const root = (
    globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }
  ).document.documentElement;
  return root.scrollWidth - root.clientWidth;
}

const text = async (p: Promise<string | null>) => (await p)?.trim() ?? '';

beforeAll(async () => {
  const [mosquitto, plant, passwordHash] = await Promise.all([
    startMosquitto(),
    shippedPlant(),
    hashPassword(PASSWORD),
  ]);
  broker = mosquitto;
  cfg = await writeConfigDir({
    mqttUrl: broker.url,
    ...plant,
    main: { operators: [{ name: OPERATOR, role: 'operator', passwordHash }] },
  });
  [app, browser] = await Promise.all([startApp(cfg.file), launchChromium()]);
  url = app.httpUrl as string;
  context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  page = await context.newPage();
  errors = watchErrors(page);
});

afterAll(async () => {
  await sim?.stop();
  await browser?.close();
  await app?.stop();
  await Promise.all([broker?.stop(), cfg?.cleanup()]);
});

describe('operator console on the real daemon', () => {
  it('asks for a login and shows a quiet plant', async () => {
    await page.goto(url);
    await expect.poll(() => page.getByRole('dialog', { name: 'Log in' }).isVisible()).toBe(true);
    await logIn(page, OPERATOR, PASSWORD);
    await expect.poll(() => page.locator('#user').textContent()).toBe(`${OPERATOR} (operator)`);
    await expect.poll(() => page.locator('#link').getAttribute('data-state')).toBe('live');
    expect(await page.locator('#summary-empty').isVisible()).toBe(true);
    expect(await page.locator('#alarm-summary tbody tr').count()).toBe(0);
    page.on('framenavigated', (f) => navigations.push(f.url()));
  });

  it('shows the leak from the simulator without reloading, its priority written as text', async () => {
    sim = new LeakThenEveryday({ broker: broker.url, seed: 7, simMs: LEAK_SIM_MS, speed: LEAK_SPEED });
    const hi = alarmRow(page, HI);
    // Due ≈ 8 s after the start; the margin is for a loaded machine.
    await hi.waitFor({ timeout: sim.wallAt(SLOW_LEAK.start + SLOW_LEAK.rise * (20 / SLOW_LEAK.peakLel)) + 20_000 });
    const cells = hi.locator('td');
    // The site's configured name, as written (its id is the cell's title).
    expect(await text(cells.nth(1).textContent())).toBe('Huaxing filling station');
    expect(await cells.nth(1).getAttribute('title')).toBe('hx-station');
    expect(await text(cells.nth(2).textContent())).toBe('GD-21');
    expect(await text(cells.nth(3).textContent())).toBe('Hi');
    // The setpoint is written in %LEL, so the alarm says %LEL although the detector reports ppm.
    expect(await text(cells.nth(4).textContent())).toMatch(/^2\d\.\d\d %LEL$/);
    expect(await text(cells.nth(5).textContent())).toBe('20.00 %LEL');
    expect(await text(cells.nth(6).textContent())).toBe('High');
    expect(await text(hi.locator('td.state').textContent())).toBe('Unacknowledged');
    expect(await hi.getAttribute('class')).toContain('unacked');
    expect(navigations).toEqual([]);
  });

  it('acknowledges the Hi alarm with a comment; the row and the server record show it', async () => {
    await acknowledge(page, HI, ACK_COMMENT);
    const row = alarmRow(page, HI);
    await expect.poll(() => text(row.locator('td.state').textContent())).toBe('Acknowledged');
    expect(await text(row.locator('td').nth(8).textContent())).toBe(OPERATOR);
    expect(await row.getAttribute('class')).not.toContain('unacked');
    expect(await row.getByRole('button', { name: 'Acknowledge' }).count()).toBe(0);
    expect(await serverRecord(HI)).toMatchObject({
      state: 'active_acked',
      ackedBy: OPERATOR,
      comment: ACK_COMMENT,
      priority: 'high',
      unit: '%LEL',
      threshold: 20,
    });
  });

  it('shows the HiHi as it comes, critical and first, and shelves it to the shelved list', async () => {
    if (!sim) throw new Error('the leak was not started');
    const hihi = alarmRow(page, HIHI);
    await hihi.waitFor({ timeout: sim.wallAt(SLOW_LEAK.start + SLOW_LEAK.rise * (40 / SLOW_LEAK.peakLel)) + 20_000 });
    expect(await text(hihi.locator('td').nth(6).textContent())).toBe('Critical');
    expect(await text(hihi.locator('td').nth(5).textContent())).toBe('40.00 %LEL');
    expect(await page.locator('#alarm-summary tbody tr').first().getAttribute('data-alarm-id')).toBe(HIHI);
    await screenshot(page, 'console-e2e-alarms.png');

    await shelve(page, HIHI, '30 minutes', SHELVE_REASON);
    const shelved = alarmRow(page, HIHI, 'shelved');
    await shelved.waitFor();
    expect(await alarmRow(page, HIHI).count()).toBe(0);
    expect(await text(shelved.locator('td.state').textContent())).toBe('Shelved · Unacknowledged');
    expect(await text(shelved.locator('td').nth(6).textContent())).toBe(OPERATOR);
    expect(await text(shelved.locator('td').nth(8).textContent())).toBe(SHELVE_REASON);
    const rec = await serverRecord(HIHI);
    expect(rec).toMatchObject({ shelved: true, shelvedBy: OPERATOR, shelveReason: SHELVE_REASON });
    const minutes = (Date.parse(rec?.shelvedUntil ?? '') - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(29);
    expect(minutes).toBeLessThanOrEqual(30);
    expect(navigations).toEqual([]);
  });

  it('returns the acknowledged Hi to normal when the leak is gone; the latched HiHi stays', async () => {
    if (!sim) throw new Error('the leak was not started');
    const leak = await sim.leakDone;
    expect(leak.failed).toBe(0);
    expect(leak.unacknowledged).toBe(0);
    // Back below 18 %LEL for the 5 s offDelay: an acknowledged alarm that clears is normal and goes.
    await alarmRow(page, HI).waitFor({ state: 'detached', timeout: 20_000 });
    expect(await serverRecord(HI)).toBeUndefined();
    expect(await alarmRow(page, HIHI, 'shelved').count()).toBe(1);
    expect(await serverRecord(HIHI)).toMatchObject({ state: 'active_unacked', shelved: true });
    // Nothing else in the plant alarmed: the switch from the leak run to everyday traffic made no
    // detector stale and no pressure jump look like a rupture.
    expect((await serverAlarms()).map((a) => a.id)).toEqual([HIHI]);
  });

  it('shows the sensors of the site with live values, units and status', async () => {
    if (!sim) throw new Error('the leak was not started');
    await page.getByRole('button', { name: /^Huaxing filling station/ }).click();
    const table = page.locator('#sensor-table');
    const rows = table.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(7);
    const units = Object.fromEntries(
      await Promise.all(
        ['GD-21', 'GD-25', 'PT-201', 'LT-201'].map(
          async (s) => [s, await text(table.locator(`tr[data-sensor="${s}"] td`).nth(4).textContent())] as const,
        ),
      ),
    );
    expect(units).toEqual({ 'GD-21': 'ppm', 'GD-25': '%LEL', 'PT-201': 'MPa', 'LT-201': '%' });
    await expect
      .poll(async () => (await table.locator('.status').allTextContents()).map((s) => s.trim()), { timeout: 15_000 })
      .toEqual(Array(7).fill('OK'));

    // The value shown follows what the simulator sends now, without a reload: it changes, and each
    // value seen is one the detector published (to the 0.01 the console shows).
    const cell = table.locator('tr[data-sensor="GD-22"] td.value');
    const seen = new Set<string>();
    await expect
      .poll(
        async () => {
          const shown = await text(cell.textContent());
          const sent = sim?.everydayValues.get('hx-station/GD-22') ?? [];
          if (sent.some((v) => Math.abs(v - Number(shown)) < 0.006)) seen.add(shown);
          return seen.size;
        },
        { timeout: 20_000, interval: 250 },
      )
      .toBeGreaterThanOrEqual(2);
    expect(await text(table.locator('tr[data-sensor="GD-22"] td.age').textContent())).toMatch(/^\d+ sec\. ago$/);

    await table.getByRole('button', { name: 'GD-21' }).click();
    await page.locator('#trend-chart canvas').waitFor();
    expect(await page.locator('#trend-title').textContent()).toBe('GD-21 — last hour (ppm)');
    await screenshot(page, 'console-e2e.png');
    expect(navigations).toEqual([]);
  });

  it('lists the acknowledgement and the shelving in the journal, with the operator', async () => {
    await page.getByRole('tab', { name: 'Alarm journal' }).click();
    const journal = page.locator('#journal tbody');
    const acked = journal.locator('tr.ev-acked').filter({ hasText: 'GD-21' });
    await expect.poll(() => acked.count()).toBe(1);
    const cells = (await acked.locator('td').allTextContents()).map((s) => s.trim());
    // Time, Event, Site, Sensor, Condition, Priority, State, Value, Operator, Comment, Message.
    expect(cells.slice(1, 7)).toEqual([
      'acknowledged',
      'Huaxing filling station',
      'GD-21',
      'Hi',
      'High',
      'Acknowledged',
    ]);
    expect(cells[7]).toMatch(/^\d+\.\d\d %LEL$/);
    expect(cells.slice(8, 10)).toEqual([OPERATOR, ACK_COMMENT]);
    const shelvedRow = journal.locator('tr.ev-shelved').filter({ hasText: 'GD-21' });
    expect((await shelvedRow.locator('td').allTextContents()).map((s) => s.trim()).slice(8, 10)).toEqual([
      OPERATOR,
      SHELVE_REASON,
    ]);
    await screenshot(page, 'console-e2e-journal.png');
    await page.getByRole('tab', { name: 'Sites and sensors' }).click();
  });

  it('fits a 1280 px wide screen without sideways scrolling', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    // The trend chart is redrawn to its new width by the window's resize handler.
    await expect.poll(() => page.evaluate(sidewaysOverflow)).toBe(0);
    await screenshot(page, 'console-e2e-1280.png');
  });

  it('raised no page errors and no CSP violations', () => {
    expect(errors).toEqual([]);
  });
});
