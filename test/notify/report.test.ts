/**
 * The daily report as a plain function of the engine and a time (no cron in tests): alarms raised
 * in the last 24 hours by priority, still unacknowledged, sensors stale or in fault, shelved; quiet
 * sites only counted. And sent through the notifier to its channels.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dailyReportJob } from '../../src/jobs/daily-report.js';
import { runJob } from '../../src/jobs/scheduler.js';
import { buildDailyReport, reportNotification } from '../../src/notify/report.js';
import { ManualClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { DEPOT, engineRig, GAS_PROFILES, reportSource, sitesFrom } from '../helpers/engine.js';
import { waitFor } from '../helpers/wait.js';
import { type Receiver, startReceiver } from './receiver.js';
import { notifyRig } from './rig.js';

const H = 3600_000;
const STATION = {
  id: 'hx-station',
  name: 'Huaxing filling station',
  type: 'station',
  sensors: [{ id: 'GD-21', kind: 'gas', gas: 'propane', unit: '%LEL', profile: 'combustible-gas', interval: '2s' }],
};
const sites = () =>
  sitesFrom(GAS_PROFILES, [{ ...DEPOT, name: 'Zhangjiakou gas storage depot', responsible: [] }, STATION]);

/** A day at the depot, ending 2026-11-29T00:00Z (08:00 in Shanghai). */
function aDay() {
  const s = sites();
  const rig = engineRig(s, { startupGrace: 60_000, clock: new ManualClock(Date.parse('2026-11-27T20:00:00Z')) });
  const { clock, engine } = rig;
  // Yesterday's news: raised and handled 28 h before the report — not in this one.
  rig.read('zjk-depot', 'PT-101', 26);
  clock.advance(2 * 60_000);
  rig.read('zjk-depot', 'PT-101', 10);
  engine.ack('zjk-depot/PT-101/hihi', 'wang', null);
  engine.ack('zjk-depot/PT-101/hi', 'wang', null);
  clock.set(Date.parse('2026-11-28T21:00:00Z'));
  rig.read('zjk-depot', 'GD-12', 23_100); // hi (high) and hihi (critical, latched)
  clock.advance(H);
  rig.read('zjk-depot', 'GD-12', 0); // hi → cleared_unacked, hihi stays (latch)
  engine.ack('zjk-depot/GD-12/hi', 'wang', 'ventilated');
  rig.read('zjk-depot', 'PT-101', 1.5); // lo (medium)
  engine.shelve('zjk-depot/PT-101/lo', 'wang', 600, 'tank being emptied for inspection');
  // GD-12 reads over range from now on: fault, and (no valid reading) stale after 3 × 2 s.
  for (let i = 0; i < 10; i++) {
    rig.read('zjk-depot', 'GD-12', 50_000);
    rig.read('hx-station', 'GD-21', 5);
    engine.tick();
    clock.advance(1000);
  }
  clock.set(Date.parse('2026-11-29T00:00:00Z'));
  rig.read('hx-station', 'GD-21', 5); // the station stays fresh and quiet
  engine.tick(); // PT-101 silent for 2 h: stale
  return { rig, sites: s };
}

describe('daily report', () => {
  it('summarises each site: raised by priority, unacknowledged, stale or fault sensors, shelved', () => {
    const { rig, sites: s } = aDay();
    const report = buildDailyReport(reportSource(rig), s, rig.clock.now());
    expect(report.from).toBe('2026-11-28T00:00:00.000Z');
    expect(report.to).toBe('2026-11-29T00:00:00.000Z');
    const depot = report.sites.find((x) => x.site === 'zjk-depot');
    expect(depot).toMatchObject({
      name: 'Zhangjiakou gas storage depot',
      raised: 6,
      raisedByPriority: { critical: 1, high: 4, medium: 1, low: 0 },
      acked: 1,
    });
    expect(depot?.unacked.map((u) => `${u.id} ${u.state}`)).toEqual([
      'zjk-depot/GD-12/hihi active_unacked',
      'zjk-depot/PT-101/stale active_unacked',
      'zjk-depot/GD-12/stale active_unacked',
      'zjk-depot/GD-12/fault active_unacked',
      'zjk-depot/PT-101/lo active_unacked',
    ]);
    expect(depot?.sensors.map((x) => `${x.sensor} ${x.status}`)).toEqual(['GD-12 fault', 'PT-101 stale']);
    expect(depot?.shelved).toEqual([
      {
        id: 'zjk-depot/PT-101/lo',
        by: 'wang',
        until: '2026-11-29T08:00:00.000Z',
        reason: 'tank being emptied for inspection',
      },
    ]);
    expect(report.totals).toMatchObject({ raised: 6, unacked: 5, sensors: 2, shelved: 1, sites: 2, quietSites: 1 });
  });

  it('renders the report with local times, the quiet sites counted', () => {
    const { rig, sites: s } = aDay();
    const n = reportNotification(buildDailyReport(reportSource(rig), s, rig.clock.now()), 'Asia/Shanghai');
    expect(n.title).toBe('gaswatch daily report 2026-11-29: 6 alarms, 5 unacknowledged');
    expect(n.priority).toBe('critical');
    expect(n.text).toContain('24 hours from 2026-11-28 08:00:00 to 2026-11-29 08:00:00 (Asia/Shanghai)');
    expect(n.text).toContain('Zhangjiakou gas storage depot (zjk-depot)');
    expect(n.text).toContain('Alarms raised: 6 (critical 1, high 4, medium 1); acknowledged 1; escalated 0');
    expect(n.text).toMatch(/- \[critical\] zjk-depot\/GD-12\/hihi active, unacked since 2026-11-29 05:00:00: GD-12/);
    expect(n.text).toContain('- PT-101 stale, last reading 2026-11-29 06:00:00');
    expect(n.text).toContain(
      '- zjk-depot/PT-101/lo by wang until 2026-11-29 16:00:00: tank being emptied for inspection',
    );
    expect(n.text).toContain('1 site quiet: nothing to report.');
    expect(n.text).not.toContain('Huaxing');
    expect(n.markdown).toContain('#### Zhangjiakou gas storage depot (zjk-depot)');
  });

  describe('through the notifier', () => {
    let rx: Receiver;
    beforeAll(async () => {
      rx = await startReceiver();
    });
    afterAll(() => rx.close());

    it('goes to the dailyReport channels as JSON', async () => {
      const r = notifyRig(sites(), {
        channels: [{ name: 'scada', type: 'webhook', url: `${rx.url}/report` }],
        dailyReport: { schedule: '0 8 * * *', timezone: 'Asia/Shanghai', channels: ['scada'] },
      });
      try {
        r.clock.set(Date.parse('2026-11-29T00:00:00Z'));
        const report = r.notifier.sendDailyReport();
        await waitFor(() => rx.requests.length === 1);
        expect(rx.requests[0]?.body).toMatchObject({ type: 'report', report: JSON.parse(JSON.stringify(report)) });
      } finally {
        void r.notifier.stop();
      }
    });
  });

  it('is a job on the configured schedule and zone; a failing run is caught, not thrown', async () => {
    let runs = 0;
    const job = dailyReportJob({ schedule: '30 7 * * 1-5', channels: ['x'] }, 'Asia/Shanghai', () => {
      runs++;
      throw new Error('SMTP down');
    });
    expect(job).toMatchObject({ name: 'daily-report', schedule: '30 7 * * 1-5', timezone: 'Asia/Shanghai' });
    await runJob(job, silentLogger());
    expect(runs).toBe(1);
  });
});
