/**
 * The notifier's own duties: a failing channel becomes a system alarm of gaswatch (people may not
 * be getting called) that clears once it delivers again; a reloaded config takes effect without
 * losing waiting messages.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Notify } from '../../src/config/schema.js';
import { waitFor } from '../helpers/wait.js';
import { chainSites } from './fixtures.js';
import { type Receiver, startReceiver } from './receiver.js';
import { notifyRig } from './rig.js';

let rx: Receiver;
beforeAll(async () => {
  rx = await startReceiver();
});
afterAll(() => rx.close());
beforeEach(() => {
  rx.requests.length = 0;
  rx.fallback = { status: 200 };
});

const SYSTEM = '_gaswatch/notify-scada/system';

describe('notifier', () => {
  it('raises a system alarm while a channel fails and clears it when it delivers again', async () => {
    const r = notifyRig(chainSites([]), {
      channels: [{ name: 'scada', type: 'webhook', url: `${rx.url}/scada` }],
      routes: [{ channels: ['scada'] }],
      retry: { initialDelay: '1s', maxDelay: '1s' },
    });
    try {
      rx.fallback = { status: 503 };
      r.gas(23_100);
      const failed = async () =>
        (await r.metrics.notifications.get()).values.find((v) => v.labels.result === 'failed')?.value ?? 0;
      for (let i = 1; i <= 3; i++) {
        await waitFor(async () => (await failed()) === i, { message: `attempt ${i} failed` });
        if (i < 3) r.clock.advance(1000);
      }
      await waitFor(() => r.engine.list().some((a) => a.id === SYSTEM), { message: 'system alarm raised' });
      const alarm = r.engine.list().find((a) => a.id === SYSTEM);
      expect(alarm).toMatchObject({ priority: 'high', state: 'active_unacked' });
      expect(alarm?.message).toMatch(
        /^Notifications through channel scada are failing: POST to 127\.0\.0\.1:\d+: HTTP 503/,
      );
      rx.fallback = { status: 200 };
      r.clock.advance(1000);
      await waitFor(() => r.events.some((e) => e.alarm.id === SYSTEM && e.type === 'cleared'), {
        message: 'system alarm cleared',
      });
      // hi and hihi, then the system alarm itself (routed like any alarm) once the channel works.
      await waitFor(() => r.notifier.queueStats()[0]?.waiting === 0);
      const titles = rx.requests.filter((q) => q.body).map((q) => (q.body as { title: string }).title);
      expect(titles).toContain('[HIGH] Raised: _gaswatch notify-scada system');
    } finally {
      void r.notifier.stop();
    }
  });

  it('applies a reloaded config: a changed URL takes the waiting messages, a removed channel stops', async () => {
    const cfg = (url: string, extra: object = {}) => ({
      channels: [{ name: 'scada', type: 'webhook', url }, ...((extra as { ch?: object[] }).ch ?? [])],
      routes: [{ channels: ['scada'], priorities: ['critical'] }],
    });
    const r = notifyRig(chainSites([]), cfg(`${rx.url}/old`));
    try {
      r.gas(23_100);
      await waitFor(() => rx.requests.length === 1);
      r.notifier.applyConfig(Notify.parse(cfg(`${rx.url}/new`)));
      r.gas(0);
      r.engine.ack('zjk-depot/GD-12/hihi', 'wang', null);
      r.gas(23_100);
      await waitFor(() => rx.requests.length === 2);
      expect(rx.requests.map((q) => q.url)).toEqual(['/old', '/new']);
      r.notifier.applyConfig(undefined);
      expect(r.notifier.queueStats()).toEqual([]);
    } finally {
      void r.notifier.stop();
    }
  });
});
