/**
 * The console's hidden-hazard register, KPI page and sensor calibration (issue 13) in Debian's
 * Chromium, in zh-CN and in en, over the fixtures with a real hazard register and the real KPI
 * service: a hazard registered by hand appears with its owner and deadline in the site's zone; one
 * registered elsewhere arrives live on the event stream and, once past its deadline, comes first
 * and says "overdue" in words; one operator rectifies, the same one is refused verification with
 * the two-person rule spelt out in the dialog, a second verifies; the history names them. The KPI
 * page shows the figures `GET /api/kpis` gives for the same period. Every text of these views and
 * their dialogs is in the language, every button has a name, and nothing scrolls sideways.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HazardRecord } from '../../src/domain/hazards.js';
import { type Locale, translator } from '../../src/i18n/index.js';
import type { KpiReport } from '../../src/kpis/service.js';
import { systemClock } from '../../src/util/clock.js';
import { hazardsConfig } from '../hazards/rig.js';
import { waitFor } from '../helpers/wait.js';
import { expectHeaderClear, notIn, sideways, unnamedButtons, visibleTexts } from './console-checks.js';
import { launchChromium, screenshot, watchErrors } from './console-steps.js';
import { type Harness, makeHarness, PASSWORDS, plantSites } from './harness.js';

const SITE_NAMES: Record<string, string> = { 'zjk-depot': '张家口储气库', 'bj-station-3': '北京三号加气站' };
const ZONE = 'Asia/Shanghai';
const DAY = 24 * 3600_000;
const DESCRIPTION = '2号压缩机房防爆门关不严';
const RECTIFIED = '更换门封条，已试关三次';
const ELSEWHERE = '加气机旁可燃气体检测仪被遮挡';
/** What stands as written in either language: ids, people, typed notes, standards and product names. */
const DATA = [
  ...Object.values(SITE_NAMES),
  DESCRIPTION,
  RECTIFIED,
  ELSEWHERE,
  '简体中文',
  'English',
  /\b(GD|PT)-\d+\b/g,
  /\bH-\d+\b/g,
  /\b(zjk-depot|bj-station-3|compressor-2|tank-1|loading-bay|dispenser-1)\b/g,
  /\b(wang|root|Li Wei|gaswatch|EEMUA|ISA|InfluxDB|Asia\/Shanghai|MPa)\b/g,
  /%LEL/g,
];

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

const iso = (ms: number) => new Date(ms).toISOString();

describe.each(['zh-CN', 'en'] as const)('hazards and KPIs with the browser in %s', (locale: Locale) => {
  const t = translator(locale);
  let h: Harness;
  let url: string;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  const row = (id: string) => page.locator(`#hazard-table tr[data-hazard-id="${id}"]`);
  const expectLanguage = async (root: string, where: string) =>
    expect(notIn(locale, await visibleTexts(page, root), DATA), `${where}: texts not in ${locale}`).toEqual([]);

  async function logIn(name: string, password: string) {
    const dialog = page.getByRole('dialog', { name: t('console.login.title') });
    await dialog.waitFor();
    await dialog.getByLabel(t('console.login.name')).fill(name);
    await dialog.getByLabel(t('console.login.password')).fill(password);
    await dialog.getByRole('button', { name: t('console.login.submit') }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => page.locator('#link').getAttribute('data-state')).toBe('live');
  }

  beforeAll(async () => {
    h = await makeHarness({ clock: systemClock, extra: { events: { readingsIntervalMs: 500, heartbeatMs: 5000 } } });
    h.plant.alarms.locale = locale;
    h.plant.sensors.site = (id) => ({ name: SITE_NAMES[id] ?? null, timezone: ZONE });
    const now = Date.now();
    h.plant.sensors.define('zjk-depot', 'PT-101', {
      kind: 'pressure',
      unit: 'MPa',
      asset: 'tank-1',
      calibratedAt: iso(now - 200 * DAY),
      calibrationDue: iso(now - 20 * DAY),
    });
    h.plant.sensors.define('zjk-depot', 'GD-12', {
      kind: 'gas',
      unit: '%LEL',
      asset: 'compressor-2',
      calibratedAt: iso(now - 170 * DAY),
      calibrationDue: iso(now + 10 * DAY),
    });
    ({ url } = await h.server.start());
    context = await browser.newContext({
      locale,
      timezoneId: 'America/New_York',
      viewport: { width: 1280, height: 800 },
    });
    page = await context.newPage();
    errors = watchErrors(page);
    // A scripted alarm history for the KPI page: GD-13 chattering (three raises within a minute),
    // a leak at GD-12 past both levels, and a low pressure.
    for (const v of [25, 5, 25, 5, 25, 5]) h.plant.publish('zjk-depot', 'GD-13', v);
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
  });

  afterAll(async () => {
    await context?.close();
    await h?.server.stop();
  });

  it('shows each sensor’s calibration due, and overdue in words', async () => {
    await page.goto(url);
    await logIn('wang', PASSWORDS.wang);
    await page.locator('button.site[data-site="zjk-depot"]').click();
    const cell = (sensor: string) => page.locator(`#sensor-table tr[data-sensor="${sensor}"] td.calibration`);
    await expect.poll(() => cell('PT-101').textContent()).toContain(t('console.sensors.calibrationOverdue'));
    const date = (ms: number) =>
      new Intl.DateTimeFormat(locale, { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);
    const pt = h.plant.sensors.list().find((s) => s.sensor === 'PT-101');
    expect(await cell('PT-101').locator('time').textContent()).toBe(date(Date.parse(pt?.calibrationDue as string)));
    expect(await cell('PT-101').getAttribute('title')).toBe(
      t('console.sensors.calibratedAt', { date: date(Date.parse(pt?.calibratedAt as string)) }),
    );
    expect(await cell('GD-12').textContent()).toContain(t('console.sensors.calibrationSoon', { count: 10 }));
    expect(await cell('GD-13').textContent()).toBe('—');
    await expectLanguage('#panel-sites', 'sensor table');
  });

  it('registers a hazard by hand through its dialog; owner and deadline come from the register', async () => {
    await page.getByRole('tab', { name: t('console.tabs.hazards') }).click();
    expect(await page.evaluate(() => (globalThis as unknown as { location: { hash: string } }).location.hash)).toBe(
      '#hazards',
    );
    await expect.poll(() => page.locator('#hazard-empty').isVisible()).toBe(true);
    await page.getByRole('button', { name: t('hazard.action.register') }).click();
    const dialog = page.getByRole('dialog', { name: t('console.hazards.register.title') });
    await dialog.waitFor();
    // A control's name starts with its label (a select's name goes on with the option chosen).
    const field = (key: string) => dialog.getByLabel(new RegExp(`^${t(key)}`));
    await field('console.column.site').selectOption('zjk-depot');
    await expect.poll(() => dialog.locator('select[name=sensor] option').count()).toBeGreaterThan(1);
    await field('console.column.sensor').selectOption('GD-12');
    await field('console.hazards.column.severity').selectOption('major');
    await field('console.hazards.register.description').fill(DESCRIPTION);
    await expectLanguage('#hazard-register-dialog', 'register dialog');
    await dialog.getByRole('button', { name: t('console.hazards.register.submit') }).click();
    await dialog.waitFor({ state: 'hidden' });

    const r = row('zjk-depot/H-1');
    await r.waitFor();
    const record = h.hazards.list().find((x) => x.id === 'zjk-depot/H-1') as HazardRecord;
    expect(record).toMatchObject({
      sensor: 'GD-12',
      severity: 'major',
      kind: 'manual',
      owner: 'Li Wei',
      description: DESCRIPTION,
    });
    const cells = (await r.locator('> td').allTextContents()).map((s) => s.trim());
    expect(cells[0]).toBe('H-1');
    const deadline = new Intl.DateTimeFormat(locale, {
      timeZone: ZONE,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    }).format(Date.parse(record.deadline));
    expect(await r.locator('td.deadline time').textContent()).toBe(deadline);
    expect(cells.slice(2, 9)).toEqual([
      t('hazard.severity.major'),
      SITE_NAMES['zjk-depot'],
      'GD-12',
      t('hazard.kind.manual'),
      DESCRIPTION,
      'Li Wei',
      t('hazard.state.open'),
    ]);
    expect(await page.locator('#hazard-badge-n').textContent()).toBe('1');
  });

  it('receives a hazard registered elsewhere live; past its deadline it comes first, overdue in words', async () => {
    // Major hazards get one second from now on; the register's pass then marks it overdue.
    h.hazards.applyConfig(hazardsConfig({ deadlines: { major: '1s' } }), plantSites());
    const res = await h.hazards.register(
      { site: 'bj-station-3', sensor: null, severity: 'major', description: ELSEWHERE },
      'root',
    );
    expect(res.ok).toBe(true);
    await row('bj-station-3/H-1').waitFor();
    await new Promise((r) => setTimeout(r, 1100));
    void h.hazards.tick();
    const first = page.locator('#hazard-table tbody > tr').first();
    await expect.poll(() => first.getAttribute('data-hazard-id')).toBe('bj-station-3/H-1');
    expect(await first.getAttribute('class')).toContain('overdue');
    expect(await first.locator('.overdue-badge').textContent()).toBe(t('hazard.overdue'));
    expect(await first.locator('td.deadline .rel').textContent()).toContain(
      t('console.hazards.overdueBy', { span: '' }).trim(),
    );
    expect(await first.locator('td.sensor').textContent()).toBe(t('console.hazards.siteWide'));
    await expect
      .poll(() => page.locator('#hazard-badge-overdue').textContent())
      .toBe(t('console.hazards.badge.overdue', { count: 1 }));
    expect(await page.locator('#hazard-summary').textContent()).toBe(
      t('console.hazards.summary', { count: 2, overdue: 1, open: 2, rectified: 0 }),
    );
    await screenshot(page, `hazards-${locale}.png`);
  });

  it('rectifies as one operator, refuses the same one’s verification, verifies as another', async () => {
    const r = row('zjk-depot/H-1');
    const name = (action: string) =>
      t('console.hazards.actionLabel', { action: t(`hazard.action.${action}`), id: 'zjk-depot/H-1' });
    await r.getByRole('button', { name: name('rectify') }).click();
    const rectify = page.getByRole('dialog', { name: t('console.hazards.rectify.title') });
    await rectify.waitFor();
    await rectify.getByLabel(t('console.hazards.rectify.note')).fill(RECTIFIED);
    await expectLanguage('#hazard-note-dialog', 'rectify dialog');
    await rectify.getByRole('button', { name: t('console.hazards.rectify.submit') }).click();
    await rectify.waitFor({ state: 'hidden' });
    await expect.poll(() => r.locator('td.state').textContent()).toBe(t('hazard.state.rectified'));

    await r.getByRole('button', { name: name('verify') }).click();
    const verify = page.getByRole('dialog', { name: t('console.hazards.verify.title') });
    await verify.waitFor();
    expect(await verify.locator('.rule').textContent()).toBe(t('console.hazards.verify.rule'));
    await verify.getByRole('button', { name: t('console.hazards.verify.submit') }).click();
    // The refusal stays in the dialog, said plainly; nothing changed.
    await expect.poll(() => verify.getByRole('alert').textContent()).toBe(t('console.error.two_person_rule'));
    expect(await verify.isVisible()).toBe(true);
    await expectLanguage('#hazard-note-dialog', 'verify dialog with the refusal');
    await screenshot(page, `hazards-${locale}-refused.png`);
    await verify.getByRole('button', { name: t('console.dialog.cancel') }).click();
    expect(h.hazards.list().find((x) => x.id === 'zjk-depot/H-1')?.state).toBe('rectified');

    await page
      .locator('.topbar')
      .getByRole('button', { name: t('console.user.logOut') })
      .click();
    await logIn('root', PASSWORDS.root);
    await page.getByRole('tab', { name: t('console.tabs.hazards') }).click();
    await r.getByRole('button', { name: name('verify') }).click();
    await verify.waitFor();
    await verify.getByRole('button', { name: t('console.hazards.verify.submit') }).click();
    await verify.waitFor({ state: 'hidden' });
    await r.waitFor({ state: 'detached' });
    expect(h.hazards.list({ states: ['verified'] }).map((x) => x.id)).toEqual(['zjk-depot/H-1']);

    // Closed ones are there on asking, with who did what.
    await page.getByLabel(t('console.hazards.filter.label')).selectOption('all');
    await r.waitFor();
    expect(await r.locator('td.state').textContent()).toBe(t('hazard.state.verified'));
    await r
      .getByRole('button', {
        name: t('console.hazards.actionLabel', {
          action: t('console.hazards.history', { count: 3 }),
          id: 'zjk-depot/H-1',
        }),
      })
      .click();
    const lines = page.locator(`#hazard-table tr[data-history-of="zjk-depot/H-1"] table.history tbody tr`);
    await expect.poll(() => lines.count()).toBe(3);
    const history = await lines.evaluateAll((trs) =>
      trs.map((tr) =>
        [...(tr as unknown as { cells: { textContent: string }[] }).cells].slice(1).map((c) => c.textContent),
      ),
    );
    expect(history).toEqual([
      ['wang', t('hazard.historyAction.opened'), ''],
      ['wang', t('hazard.historyAction.rectified'), RECTIFIED],
      ['root', t('hazard.historyAction.verified'), ''],
    ]);
    await expectLanguage('#panel-hazards', 'hazard register');
    expect(await unnamedButtons(page, '#panel-hazards')).toEqual([]);
    await page.getByLabel(t('console.hazards.filter.label')).selectOption('live');
  });

  it('shows the KPI page with the figures GET /api/kpis gives for its period', async () => {
    await page.getByRole('tab', { name: t('console.tabs.kpis') }).click();
    const report = page.locator('#kpi-report');
    await report.waitFor();
    const from = await report.getAttribute('data-from');
    const to = await report.getAttribute('data-to');
    expect(Number(to) - Number(from)).toBe(DAY);
    const res = await page.request.get(`${url}/api/kpis?from=${from}&to=${to}`);
    expect(res.status()).toBe(200);
    const k = (await res.json()) as KpiReport;
    expect(k.raised).toBeGreaterThanOrEqual(5);
    expect(k.chattering.count).toBe(1);
    const num = (v: number, digits = 2) => new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(v);
    const pct = (v: number) => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(v);
    const card = (kpi: string) => page.locator(`.kpi-card[data-kpi="${kpi}"] .kpi-value`);
    expect(await card('mean').textContent()).toBe(num(k.per10min.mean));
    expect(await card('peak').textContent()).toBe(num(k.per10min.peak, 0));
    expect(await card('flood').textContent()).toBe(pct(k.flood.share));
    expect(await card('standing').textContent()).toBe(num(k.standing.count, 0));
    expect(await card('chattering').textContent()).toBe(num(k.chattering.count, 0));
    // One chattering alarm is beyond its limit: the verdict says the system is not healthy.
    expect(await page.locator('.kpi-card[data-kpi="chattering"] .kpi-status').textContent()).toBe(
      t('console.kpis.status.bad'),
    );
    expect(await page.locator('#kpi-verdict').getAttribute('class')).toContain('lvl-bad');
    // Mean, peak, flood and standing within target; too few alarms to judge the distribution.
    expect(await page.locator('#kpi-verdict').textContent()).toBe(
      t('console.kpis.verdict.bad', { count: 1, bad: 1, warn: 0 }),
    );
    const top = page.locator('#kpi-top tbody tr');
    expect(await top.count()).toBe(k.top.length);
    expect(await top.first().getAttribute('data-alarm-id')).toBe(k.top[0]?.id);
    expect((await top.first().locator('td').nth(5).textContent())?.trim()).toBe(num(k.top[0]?.raised ?? 0, 0));
    for (const b of k.priorities.bands)
      expect(await page.locator(`.band[data-band="${b.band}"] .band-figures`).textContent()).toBe(
        t('console.kpis.bandLine', { share: pct(b.share), count: b.count, guidance: pct(b.guidance) }),
      );
    expect(await page.locator('#kpi-chattering tbody tr').first().getAttribute('data-alarm-id')).toBe(
      k.chattering.alarms[0]?.id,
    );
    await expectLanguage('#panel-kpis', 'KPI page');
    await screenshot(page, `kpis-${locale}.png`);
  });

  it('keeps the header clear and nothing sideways at 1280, 768 and 1920 px, on these views too', async () => {
    for (const tab of ['kpis', 'hazards'] as const) {
      await page.getByRole('tab', { name: t(`console.tabs.${tab}`) }).click();
      await expectHeaderClear(page, [1280, 768, 1920], 14, (w) => screenshot(page, `${tab}-${locale}-${w}.png`));
      await page.setViewportSize({ width: 1280, height: 800 });
    }
    expect(await unnamedButtons(page, 'body')).toEqual([]);
    expect(await sideways(page)).toBeLessThanOrEqual(0);
  });

  it('comes back to the view the address names after a reload', async () => {
    await page.getByRole('tab', { name: t('console.tabs.kpis') }).click();
    await page.reload();
    await waitFor(
      async () =>
        (await page.getByRole('tab', { name: t('console.tabs.kpis') }).getAttribute('aria-selected')) === 'true',
      {
        message: 'the KPI tab selected after a reload',
      },
    );
    await page.locator('#kpi-report').waitFor();
  });

  it('raised no page errors and no CSP violations (the refused verification’s 403 aside)', () => {
    const refused = errors.filter((e) => e.includes('status of 403'));
    expect(refused).toHaveLength(1);
    expect(errors.filter((e) => !refused.includes(e))).toEqual([]);
  });
});
