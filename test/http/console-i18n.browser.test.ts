/**
 * The console in the control room's language (issue 14), in Debian's Chromium: with the browser in
 * zh-CN and in en, every text a person reads in the summary, the dialogs and the journal is in that
 * language (accessible names too); site names configured in Chinese show as written; times are in
 * the site's zone (the browser sits in another one); the header switcher changes the language and
 * is remembered; and no header control — the hidden-hazards badge included — overlaps another at
 * 1280, 768 and 1920 px (issue 13). The hazard and KPI views are in console-hazards.browser.test.ts.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locale } from '../../src/i18n/index.js';
import { translator } from '../../src/i18n/index.js';
import { systemClock } from '../../src/util/clock.js';
import { expectHeaderClear, notIn, visibleTexts } from './console-checks.js';
import { alarmRow, launchChromium, screenshot, watchErrors } from './console-steps.js';
import { type Harness, makeHarness, PASSWORDS } from './harness.js';

const SITE_NAMES: Record<string, string> = { 'zjk-depot': '张家口储气库', 'bj-station-3': '北京三号加气站' };
const ZONE = 'Asia/Shanghai';
/** The browser's own zone, so that a time shown in the browser's zone instead of the site's is seen. */
const BROWSER_ZONE = 'America/New_York';
const COMMENT = '2号压缩机已隔离';
const REASON = '探测器漂移，已安排更换';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** What may stand in either language: data (ids, units, numbers, names typed by people), symbols. */
function withoutData(text: string, names: string[]): string {
  let s = text;
  for (const n of names) s = s.split(n).join(' ');
  return s
    .replace(/\b(GD|PT|TT)-\d+\b/g, ' ')
    .replace(/%LEL|%vol|\bMPa\b|\bppm\b|\bC\b|\bgaswatch\b|\bwang\b|\bzhao\b/g, ' ')
    .replace(/\b(zjk-depot|bj-station-3|compressor-2|tank-1|loading-bay|dispenser-1|lng-pump)\b/g, ' ')
    .replace(new RegExp(ZONE.replace('/', '\\/'), 'g'), ' ');
}

function expectLanguage(locale: Locale, texts: string[], where: string): void {
  // The language switcher names each language in itself: 简体中文 in an English console too.
  const names = [...Object.values(SITE_NAMES), '简体中文', 'English', COMMENT, REASON, '1号储罐压力'];
  const wrong = notIn(
    locale,
    texts.map((raw) => withoutData(raw, names)),
    [],
  );
  expect(wrong, `${where}: texts not in ${locale}`).toEqual([]);
}

describe.each(['zh-CN', 'en'] as const)('console with the browser in %s', (locale) => {
  const t = translator(locale);
  let h: Harness;
  let url: string;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    h = await makeHarness({ clock: systemClock, extra: { events: { readingsIntervalMs: 500, heartbeatMs: 5000 } } });
    // The daemon writes record messages in its configured locale; here the same as the browser's.
    h.plant.alarms.locale = locale;
    h.plant.sensors.site = (id) => ({ name: SITE_NAMES[id] ?? null, timezone: ZONE });
    h.plant.sensors.define('zjk-depot', 'PT-101', {
      kind: 'pressure',
      unit: 'MPa',
      asset: 'tank-1',
      name: '1号储罐压力',
    });
    ({ url } = await h.server.start());
    context = await browser.newContext({ locale, timezoneId: BROWSER_ZONE, viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    errors = watchErrors(page);
  });

  afterAll(async () => {
    await context?.close();
    await h?.server.stop();
  });

  it('asks for a login in its language, and says so instead of "connection lost"', async () => {
    await page.goto(url);
    const dialog = page.getByRole('dialog', { name: t('console.login.title') });
    await dialog.waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe(locale);
    expect(await page.locator('#link').getAttribute('data-state')).toBe('login');
    const banner = await page.locator('#banner').textContent();
    expect(banner).toBe(t('console.banner.loginNeeded'));
    expect(banner).not.toContain(t('console.banner.lost'));
    expectLanguage(locale, await visibleTexts(page, '#login-dialog'), 'login dialog');
    await dialog.getByLabel(t('console.login.name')).fill('wang');
    await dialog.getByLabel(t('console.login.password')).fill(PASSWORDS.wang);
    await dialog.getByRole('button', { name: t('console.login.submit') }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => page.locator('#link').getAttribute('data-state')).toBe('live');
    expect(await page.locator('#banner').isHidden()).toBe(true);
    expect(await page.locator('#user').textContent()).toBe(
      t('console.user.who', { name: 'wang', role: t('role.operator') }),
    );
  });

  it('shows the summary, site names as written and times in the site’s zone, all in its language', async () => {
    h.plant.publish('zjk-depot', 'GD-12', 45);
    h.plant.alarms.raise({
      site: 'zjk-depot',
      sensor: 'PT-101',
      condition: 'lo',
      priority: 'medium',
      value: 1.8,
      threshold: 2,
      unit: 'MPa',
    });
    const hihi = alarmRow(page, 'zjk-depot/GD-12/hihi');
    await hihi.waitFor({ timeout: 15_000 });
    await alarmRow(page, 'zjk-depot/PT-101/lo').waitFor();
    await expect.poll(() => hihi.locator('td').nth(1).textContent()).toBe(SITE_NAMES['zjk-depot']);
    // GB/T 50493 levels for a gas detector, DCS limits for a pressure transmitter.
    expect(await hihi.locator('td').nth(3).textContent()).toBe(t('conditionGas.hihi'));
    expect(await alarmRow(page, 'zjk-depot/PT-101/lo').locator('td').nth(3).textContent()).toBe(t('condition.lo'));
    expect(await hihi.locator('td').nth(6).textContent()).toBe(t('priority.critical'));
    expect(await hihi.locator('td.state').textContent()).toBe(t('state.active_unacked'));
    const raisedAt = h.plant.alarms.records.get('zjk-depot/GD-12/hihi')?.raisedAt as string;
    const inZone = new Intl.DateTimeFormat(locale, {
      timeZone: ZONE,
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    }).format(new Date(raisedAt));
    expect(await hihi.locator('time').textContent()).toBe(inZone);
    // The action buttons are named in the language, with the alarm they act on.
    const ack = hihi.getByRole('button', { name: t('console.action.ack') });
    expect(await ack.getAttribute('aria-label')).toBe(
      t('console.action.label', {
        action: t('console.action.ack'),
        sensor: 'GD-12',
        condition: t('conditionGas.hihi'),
        site: SITE_NAMES['zjk-depot'],
      }),
    );
    expectLanguage(locale, await visibleTexts(page, 'body'), 'summary and sites');
  });

  it('acknowledges and shelves through dialogs in its language', async () => {
    const hihi = alarmRow(page, 'zjk-depot/GD-12/hihi');
    await hihi.getByRole('button', { name: t('console.action.ack') }).click();
    const ackDialog = page.getByRole('dialog', { name: t('console.ack.title') });
    await ackDialog.waitFor();
    expectLanguage(locale, await visibleTexts(page, '#ack-dialog'), 'acknowledge dialog');
    expect(await ackDialog.locator('.alarm-desc').textContent()).toContain(SITE_NAMES['zjk-depot']);
    await ackDialog.getByLabel(t('console.ack.comment')).fill(COMMENT);
    await ackDialog.getByRole('button', { name: t('console.ack.submit') }).click();
    await ackDialog.waitFor({ state: 'hidden' });
    await expect.poll(() => hihi.locator('td.state').textContent()).toBe(t('state.active_acked'));

    const lo = alarmRow(page, 'zjk-depot/PT-101/lo');
    await lo.getByRole('button', { name: t('console.action.shelve') }).click();
    const shelveDialog = page.getByRole('dialog', { name: t('console.shelve.title') });
    await shelveDialog.waitFor();
    expectLanguage(locale, await visibleTexts(page, '#shelve-dialog'), 'shelve dialog');
    await shelveDialog
      .getByLabel(t('console.shelve.duration'))
      .selectOption({ label: t('console.shelve.hours', { count: 4 }) });
    await shelveDialog.getByLabel(t('console.shelve.comment')).fill(REASON);
    await shelveDialog.getByRole('button', { name: t('console.shelve.submit') }).click();
    await shelveDialog.waitFor({ state: 'hidden' });
    await alarmRow(page, 'zjk-depot/PT-101/lo', 'shelved').waitFor();
    expect(await alarmRow(page, 'zjk-depot/PT-101/lo', 'shelved').locator('td.state').textContent()).toBe(
      `${t('console.shelved.shelved')} · ${t('state.active_unacked')}`,
    );
    await page.locator('button.site[data-site="zjk-depot"]').click();
    await page.locator('#sensor-table tr[data-sensor="PT-101"]').waitFor();
    expect(await page.locator('#sensor-table tr[data-sensor="PT-101"] .sensor-name').textContent()).toBe('1号储罐压力');
    await screenshot(page, `console-${locale}.png`);
    expectLanguage(locale, await visibleTexts(page, 'body'), 'summary with the shelved list');
  });

  it('shows the journal in its language', async () => {
    await page.getByRole('tab', { name: t('console.tabs.journal') }).click();
    const rows = page.locator('#journal tbody tr');
    await expect.poll(() => rows.count()).toBeGreaterThan(3);
    expect(await page.locator('#journal').textContent()).toContain(COMMENT);
    expect(await page.locator('#journal').textContent()).toContain(t('event.shelved'));
    await page.getByLabel(t('console.column.event')).selectOption('acked');
    await page.getByRole('button', { name: t('console.journal.apply') }).click();
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().locator('td').nth(1).textContent()).toBe(t('event.acked'));
    expectLanguage(locale, await visibleTexts(page, 'body'), 'journal');
    await screenshot(page, `console-${locale}-journal.png`);
    await page.getByLabel(t('console.column.event')).selectOption('');
    await page.getByRole('tab', { name: t('console.tabs.sites') }).click();
  });

  it('keeps every header control clear of the others at 1280, 768 and 1920 px', async () => {
    // The state the overlap was seen in: logged in, an unacknowledged alarm, sound not enabled.
    h.plant.publish('bj-station-3', 'GD-01', 25);
    await alarmRow(page, 'bj-station-3/GD-01/hi').waitFor();
    await page.locator('#sound-note').waitFor();
    // Brand, link, four counts, the hazards badge, two sound buttons and the note, user, Log out,
    // language, clock.
    await expectHeaderClear(page, [1280, 768, 1920], 14, (width) => screenshot(page, `console-${locale}-${width}.png`));
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('switches language from the header, at once and remembered', async () => {
    const other: Locale = locale === 'en' ? 'zh-CN' : 'en';
    const o = translator(other);
    await page.locator('#language').selectOption(other);
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe(other);
    await expect
      .poll(() => alarmRow(page, 'zjk-depot/GD-12/hihi').locator('td.state').textContent())
      .toBe(o('state.active_acked'));
    expect(await page.locator('#summary-h').textContent()).toContain(o('console.summary.title'));
    expect(await page.getByRole('button', { name: o('console.sound.enable') }).count()).toBe(1);
    await page.reload();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe(other);
    await alarmRow(page, 'zjk-depot/GD-12/hihi').waitFor();
    // Everything the summary shows now reads in the other language (the record messages stay as
    // the daemon wrote them, in its configured locale).
    expectLanguage(other, await visibleTexts(page, '#summary'), 'summary after switching');
    await page.locator('#language').selectOption(locale);
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe(locale);
  });

  it('raised no page errors and no CSP violations', () => {
    expect(errors).toEqual([]);
  });
});
