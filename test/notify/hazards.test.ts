/**
 * Hidden hazards in the notify room (SPEC §11): a register event addressed to a person goes to them
 * on the escalation's paths through a real Notifier to a real HTTP receiver, rendered as a hazard
 * (not a faked alarm); and the daily report lists each site's live hazards, overdue first, with the
 * day's alarm-system KPIs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Notify } from '../../src/config/schema.js';
import { KpiService } from '../../src/kpis/service.js';
import { hazardNotification } from '../../src/notify/hazard-message.js';
import { HazardNotices } from '../../src/notify/hazard-notices.js';
import { Notifier } from '../../src/notify/notifier.js';
import { buildDailyReport, reportNotification } from '../../src/notify/report.js';
import { silentLogger } from '../../src/util/logger.js';
import { SensorView } from '../../src/views/sensors.js';
import { DAY, H, hazardRig, MIN } from '../hazards/rig.js';
import { waitFor } from '../helpers/wait.js';
import { type Receiver, startReceiver } from './receiver.js';

const RULES = { rules: { stale: { for: '1h', severity: 'major' } }, deadlines: { major: '24h' } };

let rx: Receiver;
beforeAll(async () => {
  rx = await startReceiver();
});
afterAll(() => rx.close());

describe('hazard messages', () => {
  it('go to the person addressed, on the escalation channels, as hazards', async () => {
    const rig = hazardRig(RULES);
    const notifier = new Notifier(
      Notify.parse({
        channels: [{ name: 'ops', type: 'webhook', url: `${rx.url}/ops` }],
        escalation: { channels: ['ops'] },
        consoleUrl: 'https://gaswatch.example.com',
        timezone: 'Asia/Shanghai',
      }),
      {
        clock: rig.clock,
        logger: silentLogger(),
        alarms: { list: () => [], history: () => [], entries: () => [], sensorsApi: () => ({ list: () => [] }) },
        notices: { record: () => true },
        systemAlarms: { set: () => undefined },
        sites: () => rig.sites,
      },
    );
    void notifier.start();
    const notices = new HazardNotices({ notifier, sites: () => rig.sites, logger: silentLogger() });
    try {
      rig.advance(MIN + H + 1000);
      rig.advance(DAY, { step: 10 * MIN });
      const events = rig.events();
      for (const b of rig.batches) notices.onHazards(b);
      // Opened (to the owner) twice, overdue (to the next person) twice; nothing for events without `to`.
      expect(events.map((e) => `${e.type} ${e.to?.name}`)).toEqual([
        'hazard_opened Li Wei',
        'hazard_opened Li Wei',
        'hazard_overdue Zhao Min',
        'hazard_overdue Zhao Min',
      ]);
      await waitFor(() => rx.requests.length === 4, { message: 'four hazard messages' });
      const body = rx.requests[2]?.body as { type: string; title: string; text: string; event: unknown };
      expect(body.type).toBe('hazard');
      expect(body.title).toBe('[MAJOR] Hidden hazard overdue, escalated to Zhao Min: zjk-depot/H-1 GD-12 stale');
      expect(body.event).toMatchObject({ type: 'hazard_overdue', hazard: { id: 'zjk-depot/H-1' } });
      expect(body.text).toContain(
        'Zhao Min: not rectified by Li Wei by the deadline. See that it is rectified, then verified by a second person.',
      );
      expect(body.text).toContain('Deadline: 2026-11-29 17:01:00 (overdue)');
      expect(body.text).toContain('Rectify and verify on the console: https://gaswatch.example.com');
    } finally {
      void notifier.stop();
    }
  });

  it('render each event type with its own title', () => {
    const rig = hazardRig(RULES);
    rig.advance(MIN + H + 1000);
    const e = rig.events('hazard_opened')[0];
    if (!e) throw new Error('no hazard');
    const opts = { siteName: 'Zhangjiakou gas storage depot', timezone: 'UTC', consoleUrl: undefined };
    const titles = (['hazard_opened', 'hazard_reopened', 'hazard_rectified', 'hazard_verified'] as const).map(
      (type) => hazardNotification({ ...e, type }, opts).title,
    );
    expect(titles).toEqual([
      '[MAJOR] Hidden hazard for Li Wei: zjk-depot/H-1 GD-12 stale',
      '[MAJOR] Hidden hazard reopened, for Li Wei: zjk-depot/H-1 GD-12 stale',
      '[MAJOR] Hidden hazard rectified: zjk-depot/H-1 GD-12 stale',
      '[MAJOR] Hidden hazard verified and closed: zjk-depot/H-1 GD-12 stale',
    ]);
    // In Chinese for a channel with `locale: zh-CN`: the hazard's kind by name, the workflow words.
    const zh = (['hazard_opened', 'hazard_reopened', 'hazard_rectified', 'hazard_verified'] as const).map(
      (type) => hazardNotification({ ...e, type }, { ...opts, locale: 'zh-CN' }).title,
    );
    expect(zh).toEqual([
      '[严重隐患] 新登记隐患，整改责任人 Li Wei：zjk-depot/H-1 GD-12 传感器长时间无数据',
      '[严重隐患] 隐患退回整改，整改责任人 Li Wei：zjk-depot/H-1 GD-12 传感器长时间无数据',
      '[严重隐患] 隐患整改完成，待验收：zjk-depot/H-1 GD-12 传感器长时间无数据',
      '[严重隐患] 隐患已验收销号：zjk-depot/H-1 GD-12 传感器长时间无数据',
    ]);
    const zhText = hazardNotification(e, { ...opts, locale: 'zh-CN', consoleUrl: 'https://gw.example.cn' }).text;
    expect(zhText).toContain('Li Wei：请在整改期限前完成整改，由另一人验收销号。');
    expect(zhText).toContain('整改责任人: Li Wei');
    expect(zhText).toContain('隐患等级: 严重隐患');
    expect(zhText).toContain('请在监控台整改、验收：https://gw.example.cn');
    // The webhook's structured fields do not change with the language.
    const zhPayload = hazardNotification(e, { ...opts, locale: 'zh-CN' }).payload;
    expect(zhPayload).toMatchObject({ type: 'hazard', locale: 'zh-CN', event: { type: 'hazard_opened' } });
    expect(zhPayload.site).toEqual({ id: 'zjk-depot', name: 'Zhangjiakou gas storage depot' });

    const n = hazardNotification(e, opts, { name: 'Li Wei', phone: '+86 138 0000 0001' });
    expect(n).toMatchObject({ key: 'zjk-depot/H-1#hazard_opened-1', priority: 'high', recipient: { name: 'Li Wei' } });
    expect(n.markdown).toContain('- Site: Zhangjiakou gas storage depot (zjk-depot)');
  });
});

describe('daily report', () => {
  it('lists each site’s live hazards, overdue first, and the day’s KPIs', async () => {
    const rig = hazardRig(RULES);
    rig.advance(MIN + H + 1000);
    await rig.register.rectify('zjk-depot/H-2', 'wang', 'recabled');
    rig.advance(DAY, { step: 10 * MIN });
    const view = new SensorView({ clock: rig.clock });
    view.applyConfig(rig.sites);
    const kpis = new KpiService({
      journal: () => rig.engine.history({ limit: Number.POSITIVE_INFINITY }),
      standing: () => rig.engine.list(),
      stored: undefined,
      now: () => rig.clock.now(),
    });
    const source = {
      list: () => rig.engine.list(),
      history: (q: Parameters<typeof rig.engine.history>[0]) => rig.engine.history(q),
      entries: () => rig.engine.entries(),
      sensorsApi: () => view,
      hazards: () => rig.register.list(),
      kpis: (from: number, to: number) => kpis.fromJournal(from, to),
    };
    const report = buildDailyReport(source, rig.sites, rig.clock.now());
    expect(report.sites[0]?.hazards).toMatchObject({
      open: 1,
      rectified: 1,
      overdue: 1,
      items: [
        { id: 'zjk-depot/H-1', state: 'open', overdue: true },
        { id: 'zjk-depot/H-2', state: 'rectified', overdue: false },
      ],
    });
    // Two stale alarms raised in the day (the standing ones raised before it count as standing).
    expect(report.kpis).toMatchObject({ raised: 0, standing: { count: 2 } });
    const n = reportNotification(report, 'UTC');
    expect(n.text).toContain('Hidden hazards: 1 open (1 overdue), 1 waiting for verification');
    expect(n.text).toContain(
      '- [major] zjk-depot/H-1 GD-12 stale, open, owner Li Wei, OVERDUE since 2026-11-29 09:01:00',
    );
    expect(n.text).toContain('- [major] zjk-depot/H-2 GD-13 stale, rectified, owner Li Wei, due 2026-11-29 09:01:00');
    expect(n.text).toMatch(
      /Alarm system \(EEMUA 191\): 0 alarms, 0 per 10 minutes on average \(peak 0\); in flood 0 % of the time; 2 standing over 24 h; 0 chattering\./,
    );
    const zh = reportNotification(report, 'UTC', 'zh-CN');
    expect(zh.text).toContain('隐患：待整改 1 项（超期 1 项），已整改待验收 1 项');
    expect(zh.text).toContain(
      '- [严重] zjk-depot/H-1 GD-12 传感器长时间无数据，待整改，整改责任人 Li Wei，自 2026-11-29 09:01:00 起超期',
    );
    expect(zh.text).toContain(
      '报警系统（EEMUA 191）：报警 0 条，平均每 10 分钟 0 条（峰值 0）；报警泛滥时间占 0 %；持续超过 24 小时的报警 2 条；振荡报警 0 条。',
    );
    expect(zh.text).toContain('隐患（2）');
  });
});
