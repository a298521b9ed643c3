/**
 * The operator console in Debian's Chromium, against a real listening server over the fixtures:
 * log in, watch a leak appear live, acknowledge it with a comment, shelve another. Screenshots go
 * to test-artifacts/.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/util/clock.js';
import { waitFor } from '../helpers/wait.js';
import { acknowledge, alarmRow, launchChromium, logIn, screenshot, shelve, watchErrors } from './console-steps.js';
import type { FakePlant } from './fixtures.js';
import { type Harness, makeHarness, PASSWORDS } from './harness.js';

/** The slice of the browser's window used below (the tests compile without the DOM lib). */
type CssWindow = { getComputedStyle(e: unknown): { animationName: string } };

let h: Harness;
let url: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let errors: string[];
const timers: NodeJS.Timeout[] = [];

/** An hour of quiet history, so trends have something to show. */
function backfill(plant: FakePlant): void {
  const now = Date.now();
  for (const s of plant.sensors.list()) {
    const base = s.kind === 'pressure' ? 18 : 1.5;
    for (let t = now - 3600_000; t < now; t += 20_000) {
      const value = base + Math.sin(t / 300_000) * base * 0.05 + (s.sensor.charCodeAt(3) % 5) * 0.1;
      plant.sensors.ingest({
        site: s.site,
        sensor: s.sensor,
        value,
        ts: t,
        unit: s.unit ?? '',
        status: 'ok',
        configured: true,
      });
    }
  }
}

/** Stands in for the leak scenario of the simulators: a detector's reading climbing steadily. */
function leak(site: string, sensor: string, from: number, step: number, until: number): void {
  let value = from;
  const t = setInterval(() => {
    value = Math.min(until, value + step);
    h.plant.publish(site, sensor, Math.round(value * 10) / 10);
  }, 200);
  timers.push(t);
}

beforeAll(async () => {
  h = await makeHarness({ clock: systemClock, extra: { events: { readingsIntervalMs: 500, heartbeatMs: 5000 } } });
  h.plant.sensors.define('bj-station-3', 'TT-02', { kind: 'temperature', unit: 'C', asset: 'lng-pump' });
  backfill(h.plant);
  ({ url } = await h.server.start());
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  page = await context.newPage();
  errors = watchErrors(page);
});

afterAll(async () => {
  for (const t of timers) clearInterval(t);
  await browser?.close();
  await h?.server.stop();
});

describe('operator console', () => {
  it('asks for a login, and logs in', async () => {
    await page.goto(url);
    await expect.poll(() => page.getByRole('dialog', { name: 'Log in' }).isVisible()).toBe(true);
    await logIn(page, 'wang', PASSWORDS.wang);
    await expect.poll(() => page.locator('#user').textContent()).toBe('wang (operator)');
    await expect.poll(() => page.locator('#link').getAttribute('data-state')).toBe('live');
    expect(await page.locator('#summary-empty').textContent()).toBe('No active alarms');
  });

  it('shows a leak from the simulator without reloading, flashing and with its priority as text', async () => {
    const loads: string[] = [];
    page.on('framenavigated', (f) => loads.push(f.url()));
    leak('zjk-depot', 'GD-12', 2, 1.5, 46);
    const hi = alarmRow(page, 'zjk-depot/GD-12/hi');
    await hi.waitFor({ timeout: 15_000 });
    const hihi = alarmRow(page, 'zjk-depot/GD-12/hihi');
    await hihi.waitFor({ timeout: 15_000 });
    expect(loads).toEqual([]);
    expect(await hihi.locator('td').nth(6).textContent()).toBe('Critical');
    expect(await hi.locator('td').nth(6).textContent()).toBe('High');
    expect(await hihi.locator('td.state').textContent()).toBe('Unacknowledged');
    expect(await hihi.getAttribute('class')).toContain('unacked');
    const animation = await hihi
      .locator('.prio .shape')
      .evaluate((e) => (globalThis as unknown as CssWindow).getComputedStyle(e).animationName);
    expect(animation).toBe('flash');
    // Most urgent first.
    expect(await page.locator('#alarm-summary tbody tr').first().getAttribute('data-alarm-id')).toBe(
      'zjk-depot/GD-12/hihi',
    );
    // The live value of the detector is on the sensors panel too.
    await page.getByRole('button', { name: /^zjk-depot/ }).click();
    const value = page.locator('#sensor-table tr[data-sensor="GD-12"] td.value');
    await expect.poll(async () => Number(await value.textContent()), { timeout: 10_000 }).toBeGreaterThanOrEqual(40);
  });

  it('sounds the horn once enabled, and silences it without acknowledging', async () => {
    const enable = page.getByRole('button', { name: 'Enable sound' });
    await enable.click();
    expect(await enable.getAttribute('aria-pressed')).toBe('true');
    const silence = page.getByRole('button', { name: 'Silence' });
    expect(await silence.isEnabled()).toBe(true);
    await silence.click();
    expect(await silence.isEnabled()).toBe(false);
    expect(await alarmRow(page, 'zjk-depot/GD-12/hihi').locator('td.state').textContent()).toBe('Unacknowledged');
  });

  it('acknowledges with a comment; the row stops flashing and names the operator', async () => {
    const id = 'zjk-depot/GD-12/hihi';
    await acknowledge(page, id, 'Compressor 2 isolated, fire brigade informed');
    const row = alarmRow(page, id);
    await expect.poll(() => row.locator('td.state').textContent()).toBe('Acknowledged');
    expect(await row.locator('td').nth(8).textContent()).toBe('wang');
    expect(await row.getAttribute('class')).not.toContain('unacked');
    expect(await row.getByRole('button', { name: 'Acknowledge' }).count()).toBe(0);
    expect(h.plant.alarms.records.get(id)).toMatchObject({
      state: 'active_acked',
      ackedBy: 'wang',
      comment: 'Compressor 2 isolated, fire brigade informed',
    });
  });

  it('shelves another alarm with a duration and reason; it moves to the shelved list', async () => {
    h.plant.alarms.raise({
      site: 'zjk-depot',
      sensor: 'PT-101',
      condition: 'lo',
      priority: 'medium',
      value: 1.8,
      threshold: 2,
      unit: 'MPa',
    });
    h.plant.alarms.raise({
      site: 'bj-station-3',
      sensor: 'TT-02',
      condition: 'hi',
      priority: 'low',
      value: 41.2,
      threshold: 40,
      unit: 'C',
    });
    leak('bj-station-3', 'GD-01', 5, 2, 24);
    const id = 'bj-station-3/GD-01/hi';
    await alarmRow(page, id).waitFor({ timeout: 15_000 });
    await shelve(page, id, '4 hours', 'Detector drifting; replacement booked');
    await alarmRow(page, id, 'shelved').waitFor();
    expect(await alarmRow(page, id).count()).toBe(0);
    expect(await alarmRow(page, id, 'shelved').textContent()).toContain('Detector drifting; replacement booked');
    const rec = h.plant.alarms.records.get(id);
    expect(rec).toMatchObject({
      shelved: true,
      shelvedBy: 'wang',
      shelveReason: 'Detector drifting; replacement booked',
    });
    expect(Date.parse(rec?.shelvedUntil ?? '') - Date.now()).toBeGreaterThan(4 * 3600_000 - 60_000);
  });

  it('shows sensors with status and an hour of trend, and the journal', async () => {
    h.plant.publish('zjk-depot', 'GD-13', 0, 'fault');
    h.plant.sensors.markStale('zjk-depot', 'GD-14');
    await page.getByRole('button', { name: /^zjk-depot/ }).click();
    await expect.poll(() => page.locator('#sensor-table tr[data-sensor="GD-13"] .status').textContent()).toBe('Fault');
    // Stale comes from the sensor list, not from a reading: the click re-reads it.
    await expect.poll(() => page.locator('#sensor-table tr[data-sensor="GD-14"] .status').textContent()).toBe('Stale');
    const depot = page.getByRole('button', { name: /^zjk-depot/ });
    await expect.poll(() => depot.textContent(), { timeout: 5000 }).toContain('1 fault');
    await page.locator('#sensor-table').getByRole('button', { name: 'GD-12' }).click();
    await page.locator('#trend-chart canvas').waitFor();
    expect(await page.locator('#trend-title').textContent()).toBe('GD-12 — last hour (%LEL)');
    // Its setpoints are drawn as level lines, named in words beside the chart, highest first.
    expect(await page.locator('#trend-setpoints .sp').allTextContents()).toEqual(['HiHi 40.00 %LEL', 'Hi 20.00 %LEL']);
    expect(await page.locator('#trend-setpoints .sp').evaluateAll((n) => n.map((x) => x.className))).toEqual([
      'sp sp-critical',
      'sp sp-high',
    ]);
    await screenshot(page, 'console.png');

    await page.getByRole('tab', { name: 'Alarm journal' }).click();
    const journal = page.locator('#journal tbody tr');
    await expect.poll(() => journal.count()).toBeGreaterThan(3);
    expect(await page.locator('#journal').textContent()).toContain('Compressor 2 isolated, fire brigade informed');
    await page.getByLabel('Event').selectOption('shelved');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => journal.count()).toBe(1);
    await screenshot(page, 'console-journal.png');
    await page.getByRole('tab', { name: 'Sites and sensors' }).click();
  });

  it('acknowledges from the keyboard alone', async () => {
    const id = 'bj-station-3/TT-02/hi';
    const button = alarmRow(page, id).getByRole('button', { name: 'Acknowledge' });
    await button.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Acknowledge alarm' });
    await dialog.waitFor();
    // The dialog puts the cursor in the comment box, and Tab reaches its Acknowledge button.
    expect(
      await dialog
        .getByLabel('Comment')
        .evaluate((e) => e === (e as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement),
    ).toBe(true);
    await page.keyboard.type('pump bearing hot, maintenance called');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => h.plant.alarms.records.get(id)?.comment).toBe('pump bearing hot, maintenance called');
    await expect.poll(() => alarmRow(page, id).locator('td.state').textContent()).toBe('Acknowledged');
  });

  it('keeps an event that arrives live while the journal is loading a history read before it', async () => {
    await page.getByRole('tab', { name: 'Alarm journal' }).click();
    // The history is read now, and answered only once the event below has arrived live.
    let release: () => void = () => {};
    const released = new Promise<void>((r) => {
      release = r;
    });
    let read = false;
    await page.route('**/api/alarms/history*', async (route) => {
      const response = await route.fetch();
      read = true;
      await released;
      await route.fulfill({ response });
    });
    await page.getByLabel('Event').selectOption('');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await waitFor(() => read, { message: 'the history read' });
    h.plant.alarms.raise({
      site: 'zjk-depot',
      sensor: 'PT-201',
      condition: 'lo',
      priority: 'medium',
      value: 1.7,
      threshold: 2,
      unit: 'MPa',
    });
    const live = page.locator('#journal tbody tr', { hasText: 'PT-201' });
    await live.waitFor();
    const answered = page.waitForResponse('**/api/alarms/history*');
    release();
    await answered;
    await page.unroute('**/api/alarms/history*');
    // The history answered and was drawn; the live event is still there, once.
    await expect.poll(() => page.locator('#journal tbody tr').count()).toBeGreaterThan(3);
    expect(await live.count()).toBe(1);
    await page.getByRole('tab', { name: 'Sites and sensors' }).click();
  });

  it('raised no page errors and no CSP violations', () => {
    expect(errors).toEqual([]);
  });
});

describe('viewer and demo mode', () => {
  it('a viewer sees the alarms but cannot acknowledge', async () => {
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    await p.goto(url);
    await logIn(p, 'zhao', PASSWORDS.zhao);
    const row = alarmRow(p, 'zjk-depot/GD-12/hi');
    await row.waitFor();
    expect(await row.getByRole('button', { name: 'Acknowledge' }).isDisabled()).toBe(true);
    await ctx.close();
  });

  it('with anonymousViewer anyone reads, and Acknowledge asks for a login first', async () => {
    const demo = await makeHarness({ clock: systemClock, anonymousViewer: true });
    const { url: demoUrl } = await demo.server.start();
    try {
      demo.plant.publish('zjk-depot', 'GD-12', 44);
      const ctx = await browser.newContext();
      const p = await ctx.newPage();
      await p.goto(demoUrl);
      const row = alarmRow(p, 'zjk-depot/GD-12/hihi');
      await row.waitFor();
      expect(await p.locator('#user').textContent()).toBe('Viewing without login');
      await row.getByRole('button', { name: 'Acknowledge' }).click();
      await logIn(p, 'wang', PASSWORDS.wang);
      const dialog = p.getByRole('dialog', { name: 'Acknowledge alarm' });
      await dialog.getByRole('button', { name: 'Acknowledge' }).click();
      await waitFor(() => demo.plant.alarms.records.get('zjk-depot/GD-12/hihi')?.state === 'active_acked');
      await ctx.close();
    } finally {
      await demo.server.stop();
    }
  });
});
