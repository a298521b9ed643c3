/**
 * A Chinese deployment through the real daemon (issue 14): `locale: zh-CN`, a real Mosquitto and
 * InfluxDB, a local receiver standing in for the SCADA webhook and the DingTalk group robot. A leak
 * at a detector whose site, sensor and people are named in Chinese gives a retained record whose
 * `message` is Chinese; the webhook and the robot get Chinese texts (the webhook's structured
 * fields unchanged; a channel with `locale: en` gets English); the daily report, run by its cron
 * schedule, is Chinese. The console over this real data, in a zh-CN browser, is photographed for
 * the README (test-artifacts/console-zh-CN-e2e*.png → docs/).
 */
import type { MqttClient } from 'mqtt';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { AlarmRecord } from '../../src/domain/types.js';
import { hashPassword } from '../../src/http/auth.js';
import { type ConfigDir, startApp, writeConfigDir } from '../helpers/daemon.js';
import { GAS_PROFILES } from '../helpers/engine.js';
import { type Influxd, startInfluxd } from '../helpers/influxd.js';
import { type Mosquitto, startMosquitto } from '../helpers/mosquitto.js';
import { connectClient, type ReceivedMessage, recordAll } from '../helpers/mqtt-client.js';
import { waitFor } from '../helpers/wait.js';
import { alarmRow, launchChromium, screenshot, watchErrors } from '../http/console-steps.js';
import { type Receiver, startReceiver } from '../notify/receiver.js';

const SITE = '张家口储气库';
const SENSOR_NAME = '2号压缩机甲烷探测器';
const OPERATOR = '王伟';
const PASSWORD = 'zhang-jia-kou-2026';
const HIHI = 'zjk-depot/GD-12/hihi';

let broker: Mosquitto;
let influx: Influxd;
let rx: Receiver;
let cfg: ConfigDir;
let app: App | undefined;
let client: MqttClient;
const seen: ReceivedMessage[] = [];

type Body = Record<string, unknown> & { title?: string; text?: string };
const bodiesAt = (path: string) => rx.requests.filter((r) => r.url.startsWith(path)).map((r) => r.body as Body);

beforeAll(async () => {
  [broker, influx, rx] = await Promise.all([
    startMosquitto(),
    startInfluxd(),
    startReceiver({ status: 200, body: { errcode: 0, errmsg: 'ok' } }),
  ]);
  cfg = await writeConfigDir({
    mqttUrl: broker.url,
    influxUrl: influx.url,
    database: 'gaswatch_zh',
    profiles: GAS_PROFILES,
    sites: {
      'zjk-depot': {
        id: 'zjk-depot',
        name: SITE,
        type: 'storage',
        responsible: [
          { name: '李伟', role: '值班操作员', phone: '+86 139 0000 0001', escalateAfter: '5m' },
          { name: '赵敏', role: '安全员', phone: '+86 139 0000 0002', escalateAfter: '15m' },
        ],
        sensors: [
          {
            id: 'GD-12',
            name: SENSOR_NAME,
            kind: 'gas',
            gas: 'methane',
            asset: '2号压缩机',
            unit: 'ppm',
            profile: 'combustible-gas',
          },
          { id: 'PT-101', name: '1号储罐压力', kind: 'pressure', asset: '1号储罐', unit: 'MPa', profile: 'pressure' },
        ],
      },
    },
    main: {
      locale: 'zh-CN',
      timezone: 'Asia/Shanghai',
      operators: [{ name: OPERATOR, role: 'operator', passwordHash: await hashPassword(PASSWORD) }],
      notify: {
        channels: [
          { name: 'scada', type: 'webhook', url: `${rx.url}/scada` },
          { name: 'control-room', type: 'dingtalk', url: `${rx.url}/robot/send?access_token=t0ken` },
          { name: 'head-office', type: 'webhook', url: `${rx.url}/head-office`, locale: 'en' },
        ],
        routes: [{ sites: ['*'], channels: ['scada', 'control-room', 'head-office'] }],
        escalation: { channels: ['control-room'] },
        // Every two seconds (node-cron's seconds field): the report's real schedule path.
        dailyReport: { schedule: '*/2 * * * * *', channels: ['scada', 'control-room'] },
        consoleUrl: 'https://gaswatch.example.cn',
      },
    },
  });
  client = await connectClient(broker.url, {}, recordAll(seen));
  app = await startApp(cfg.file);
});

afterAll(async () => {
  await client?.endAsync();
  await app?.stop();
  await Promise.all([broker?.stop(), influx?.stop(), rx?.close(), cfg?.cleanup()]);
});

describe('a zh-CN deployment', () => {
  it('writes the retained alarm record’s message in Chinese, names as configured', async () => {
    // 23 100 ppm methane is 52.5 %LEL: past the second level (40 %LEL).
    await client.publishAsync('gas/zjk-depot/GD-12', JSON.stringify({ value: 23_100 }), { qos: 1 });
    await client.subscribeAsync('gaswatch/alarms/#', { qos: 1 });
    await waitFor(() => seen.some((m) => m.topic === `gaswatch/alarms/${HIHI}` && m.payload), {
      message: 'the retained HiHi record',
    });
    const record = JSON.parse(
      seen.filter((m) => m.topic === `gaswatch/alarms/${HIHI}`).at(-1)?.payload as string,
    ) as AlarmRecord;
    expect(record).toMatchObject({ condition: 'hihi', priority: 'critical', state: 'active_unacked', unit: '%LEL' });
    expect(record.message).toBe(`GD-12 ${SENSOR_NAME}（甲烷） 52.5 %LEL ≥ 二级报警值 40 %LEL`);
    // The alarm event is in InfluxDB too, language-neutral.
    await waitFor(async () => (await influx.count('gaswatch_zh', 'alarm_event')) >= 2, { timeout: 20_000 });
  });

  it('sends the webhook in Chinese with its structured fields, and English to a channel set to en', async () => {
    await waitFor(() => bodiesAt('/scada').some((b) => b.type === 'alarm' && b.title?.includes('二级报警')), {
      message: 'the HiHi on the SCADA webhook',
    });
    const hook = bodiesAt('/scada').find((b) => b.type === 'alarm' && b.title?.includes('二级报警')) as Body;
    expect(hook.title).toBe(`[紧急] 报警：${SITE} GD-12 二级报警`);
    expect(hook.locale).toBe('zh-CN');
    expect(hook.text).toContain(`GD-12 ${SENSOR_NAME}（甲烷） 52.5 %LEL ≥ 二级报警值 40 %LEL`);
    expect(hook.text).toContain(`场站: ${SITE}（zjk-depot）`);
    expect(hook.text).toContain('请在监控台确认：https://gaswatch.example.cn');
    // The times in Shanghai's zone, written the same way in every language.
    expect(hook.text).toMatch(/报警时间: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
    expect(hook.event).toMatchObject({ type: 'raised', alarm: { id: HIHI, condition: 'hihi', priority: 'critical' } });
    expect(hook.site).toEqual({ id: 'zjk-depot', name: SITE });

    await waitFor(() => bodiesAt('/head-office').some((b) => b.title?.includes('HiHi') || b.title?.includes('hihi')));
    const english = bodiesAt('/head-office').find((b) => b.title?.endsWith('hihi')) as Body;
    expect(english.title).toBe('[CRITICAL] Raised: zjk-depot GD-12 hihi');
    expect(english.locale).toBe('en');
    expect(english.text).toContain(`Site: ${SITE} (zjk-depot)`);
  });

  it('posts to the DingTalk robot in Chinese, addressed to the first of the chain', async () => {
    await waitFor(() => bodiesAt('/robot/send').some((b) => JSON.stringify(b).includes('二级报警')), {
      message: 'the HiHi at the robot',
    });
    const robot = bodiesAt('/robot/send').find((b) =>
      (b.markdown as { title: string } | undefined)?.title.includes('二级报警'),
    ) as { msgtype: string; markdown: { title: string; text: string }; at: { atMobiles: string[] } };
    expect(robot.msgtype).toBe('markdown');
    expect(robot.markdown.title).toBe(`[紧急] 致 李伟：${SITE} GD-12 二级报警`);
    expect(robot.markdown.text).toContain('李伟（值班操作员）：请确认。责任链第 1 步，共 2 步。');
    expect(robot.markdown.text).toContain('[在监控台确认](https://gaswatch.example.cn)');
    expect(robot.markdown.text.endsWith('@13900000001')).toBe(true);
    expect(robot.at.atMobiles).toEqual(['13900000001']);
  });

  it('sends the daily report in Chinese, on its schedule', async () => {
    await waitFor(() => bodiesAt('/scada').some((b) => b.type === 'report'), {
      timeout: 15_000,
      message: 'a daily report',
    });
    const report = bodiesAt('/scada').find((b) => b.type === 'report') as Body & { report: { totals: object } };
    expect(report.title).toMatch(/^gaswatch 日报 \d{4}-\d\d-\d\d：报警 \d+ 条，未确认 \d+ 条$/);
    expect(report.locale).toBe('zh-CN');
    expect(report.report.totals).toMatchObject({ sites: 1 });
    // A report after the leak (the first may have run before it).
    const afterLeak = (b: Body) => {
      const m = b.markdown as { title: string; text: string } | undefined;
      return m?.title.includes('日报') && m.text.includes('**仍未确认（');
    };
    await waitFor(() => bodiesAt('/robot/send').some(afterLeak), { timeout: 15_000 });
    const md = bodiesAt('/robot/send').find(afterLeak) as { markdown: { text: string } };
    expect(md.markdown.text).toContain(`#### ${SITE}（zjk-depot）`);
    expect(md.markdown.text).toContain('**仍未确认（2）**');
    expect(md.markdown.text).toContain('（Asia/Shanghai） 24 小时内');
    expect(md.markdown.text).toMatch(/\[紧急\] zjk-depot\/GD-12\/hihi 报警中，未确认/);
  });

  describe('the console over this data, in a zh-CN browser', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
    });

    it('shows it in Chinese (screenshots for docs/)', async () => {
      // Half an hour of the tank's pressure sinking past its low limit (2 MPa), as a gateway's buffer sends it.
      const now = Date.now();
      const batch = Array.from({ length: 60 }, (_, i) => ({
        value: Math.round((2.6 - (i / 59) * 1.0 + Math.sin(i / 4) * 0.03) * 1000) / 1000,
        ts: now - (59 - i) * 30_000,
      }));
      await client.publishAsync('gas/zjk-depot/PT-101', JSON.stringify(batch), { qos: 1 });
      const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 800 } });
      const page = await ctx.newPage();
      const errors = watchErrors(page);
      await page.goto(app?.httpUrl as string);
      const dialog = page.getByRole('dialog', { name: '登录' });
      await dialog.getByLabel('用户名').fill(OPERATOR);
      await dialog.getByLabel('密码').fill(PASSWORD);
      await dialog.getByRole('button', { name: '登录' }).click();
      await dialog.waitFor({ state: 'hidden' });
      expect(await page.locator('#user').textContent()).toBe(`${OPERATOR}（操作员）`);
      const row = alarmRow(page, HIHI);
      await row.waitFor();
      expect(await row.locator('td').nth(1).textContent()).toBe(SITE);
      await alarmRow(page, 'zjk-depot/PT-101/lo').waitFor({ timeout: 15_000 });
      await page.locator('#sensor-table').getByRole('button', { name: 'PT-101' }).click();
      await page.locator('#trend-chart canvas').waitFor();
      await screenshot(page, 'console-zh-CN-e2e.png');
      await page.getByRole('tab', { name: '报警日志' }).click();
      await expect.poll(() => page.locator('#journal tbody tr').count()).toBeGreaterThan(2);
      expect(await page.locator('#journal').textContent()).toContain('二级报警值');
      await screenshot(page, 'console-zh-CN-e2e-journal.png');
      expect(errors).toEqual([]);
      await ctx.close();
    });
  });
});
