/**
 * Escalation along the responsible chain on a manual clock (SPEC §9): raised → person 1; still
 * unacknowledged after their escalateAfter → person 2 and an `escalated` event; the end of the
 * chain keeps reminding; ack, clear, shelve stop it; and a restart resumes where the chain says.
 * Messages go over real HTTP to a local receiver; `notified` events follow each delivery.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait.js';
import { chainSites } from './fixtures.js';
import { type Receiver, startReceiver } from './receiver.js';
import { type NotifyRig, notifyRig } from './rig.js';

let rx: Receiver;
const rigs: NotifyRig[] = [];
beforeAll(async () => {
  rx = await startReceiver();
});
afterAll(() => rx.close());
beforeEach(() => {
  rx.requests.length = 0;
});
afterEach(() => {
  for (const r of rigs.splice(0)) void r.notifier.stop();
});

const MIN = 60_000;
const HIHI = 'zjk-depot/GD-12/hihi';
/** 23 100 ppm methane is 52.5 %LEL: hi and hihi. */
const LEAK = 23_100;

const notify = (extra: Record<string, unknown> = {}) => ({
  channels: [{ name: 'scada', type: 'webhook', url: `${rx.url}/scada` }],
  escalation: { channels: ['scada'], priorities: ['critical'] },
  ...extra,
});

function rig(...args: Parameters<typeof notifyRig>): NotifyRig {
  const r = notifyRig(...args);
  rigs.push(r);
  return r;
}

/** "title → recipient" of what the receiver got. */
const received = () =>
  rx.requests.map((r) => {
    const b = r.body as { title: string; recipient?: { name: string } };
    return `${b.title} → ${b.recipient?.name ?? '-'}`;
  });

describe('escalation', () => {
  it('raised → person 1; 5 min unacknowledged → person 2 with an escalated event; ack stops it', async () => {
    const r = rig(chainSites(), notify());
    r.gas(LEAK);
    await waitFor(() => r.notices('notified').length === 1, { message: 'Li Wei notified' });
    expect(received()).toEqual(['[CRITICAL] For Li Wei: zjk-depot GD-12 hihi → Li Wei']);
    expect(r.notices()).toEqual(['notified Li Wei escalation 1/3 via scada']);

    r.clock.advance(5 * MIN - 1);
    expect(r.notices('escalated')).toEqual([]);
    r.clock.advance(1);
    expect(r.notices('escalated')).toEqual(['escalated Zhao Min not acknowledged by Li Wei within 5 min']);
    await waitFor(() => r.notices('notified').length === 2, { message: 'Zhao Min notified' });
    expect(received()[1]).toBe('[CRITICAL] Escalated to Zhao Min: zjk-depot GD-12 hihi → Zhao Min');
    const body = rx.requests[1]?.body as { event: { type: string; operator: string }; text: string };
    expect(body.event).toMatchObject({ type: 'escalated', operator: 'Zhao Min' });
    expect(body.text).toContain('Step 2 of 3 in the escalation chain');

    r.clock.advance(MIN);
    expect(r.engine.ack(HIHI, 'wang', 'on it').ok).toBe(true);
    expect(r.notifier.escalating().has(HIHI)).toBe(false);
    r.clock.advance(2 * 3600_000);
    expect(r.notices('escalated')).toHaveLength(1);
    expect(rx.requests).toHaveLength(2);
  });

  it('reminds the last person of the chain every escalateAfter until someone acknowledges', async () => {
    const sites = chainSites([
      { name: 'Li Wei', phone: '+86 139 0000 0001', escalateAfter: '1m' },
      { name: 'Zhao Min', email: 'zhao@example.com', escalateAfter: '2m' },
    ]);
    const r = rig(sites, notify());
    r.gas(LEAK);
    r.clock.advance(MIN);
    r.clock.advance(2 * MIN);
    r.clock.advance(2 * MIN);
    expect(r.notices('escalated')).toEqual([
      'escalated Zhao Min not acknowledged by Li Wei within 1 min',
      'escalated Zhao Min reminder: still not acknowledged after 3 min',
      'escalated Zhao Min reminder: still not acknowledged after 5 min',
    ]);
    await waitFor(() => rx.requests.length === 4, { message: 'four messages' });
    expect(received().slice(2)).toEqual([
      '[CRITICAL] Reminder for Zhao Min: zjk-depot GD-12 hihi → Zhao Min',
      '[CRITICAL] Reminder for Zhao Min: zjk-depot GD-12 hihi → Zhao Min',
    ]);
  });

  it('stops when the alarm clears or is shelved, and restarts from person 1 when unshelved', () => {
    const r = rig(chainSites(), notify({ escalation: { channels: ['scada'], priorities: ['critical', 'high'] } }));
    r.gas(LEAK);
    expect([...r.notifier.escalating().keys()].sort()).toEqual(['zjk-depot/GD-12/hi', HIHI]);
    r.gas(0); // hi clears (cleared_unacked); hihi latches and stays active
    expect([...r.notifier.escalating().keys()]).toEqual([HIHI]);
    r.engine.shelve(HIHI, 'wang', 30, 'detector being replaced');
    expect(r.notifier.escalating().size).toBe(0);
    r.clock.advance(10 * MIN);
    expect(r.notices('escalated')).toEqual([]);
    r.engine.unshelve(HIHI, 'wang');
    expect(r.notifier.escalating().get(HIHI)).toBe(0);
    r.clock.advance(5 * MIN);
    expect(r.notices('escalated')).toEqual(['escalated Zhao Min not acknowledged by Li Wei within 5 min']);
  });

  it('a flapping alarm nobody acknowledges still climbs: a re-raise carries on the schedule', () => {
    const r = rig(chainSites(), notify({ escalation: { channels: ['scada'], priorities: ['high'] } }));
    const HI = 'zjk-depot/GD-12/hi';
    r.gas(10_000); // 22.7 %LEL: hi only, not latched
    r.clock.advance(2 * MIN);
    r.gas(0); // cleared, unacknowledged: paused
    expect(r.notifier.escalating().has(HI)).toBe(false);
    r.clock.advance(4 * MIN);
    expect(r.notices('escalated')).toEqual([]);
    r.gas(10_000); // back at 6 min, still unacknowledged: Li Wei's 5 minutes ran out at 5
    r.clock.advance(1);
    expect(r.notices('escalated')).toEqual(['escalated Zhao Min not acknowledged by Li Wei within 5 min']);
    // Once acknowledged, a new raise starts over with the first person.
    r.engine.ack(HI, 'wang', null);
    r.gas(0);
    r.gas(10_000);
    expect(r.notifier.escalating().get(HI)).toBe(0);
  });

  it('resumes after a restart: the person due now is contacted once, the journal prevents repeats', async () => {
    const a = rig(chainSites(), notify());
    a.gas(LEAK);
    await waitFor(() => a.notices('notified').length === 1);
    void a.notifier.stop();
    // Down for 7 minutes: Zhao Min fell due at 5 min while nobody was running.
    a.clock.advance(7 * MIN);
    const b = rig(chainSites(), notify(), { clock: a.clock, restore: { book: a.book(), journal: a.events } });
    await Promise.resolve(); // the escalator resumes once start() has returned
    const fresh = () => b.events.slice(a.events.length);
    expect(fresh().map((e) => `${e.type} ${e.operator} ${e.comment}`)).toEqual([
      'escalated Zhao Min not acknowledged within 7 min (escalation resumed after a restart)',
    ]);
    await waitFor(() => fresh().some((e) => e.type === 'notified'), { message: 'Zhao Min notified after restart' });
    expect(received().at(-1)).toBe('[CRITICAL] Escalated to Zhao Min: zjk-depot GD-12 hihi → Zhao Min');
    void b.notifier.stop();

    // Another restart a minute later: Zhao Min already has it; the safety desk is due at 5 + 15 min.
    a.clock.advance(MIN);
    const sent = rx.requests.length;
    const c = rig(chainSites(), notify(), { clock: a.clock, restore: { book: b.book(), journal: b.events } });
    await Promise.resolve();
    const before = c.events.length;
    expect(c.notifier.escalating().get(HIHI)).toBe(1);
    a.clock.advance(12 * MIN - 1);
    expect(c.events.length).toBe(before);
    a.clock.advance(1);
    expect(c.events.slice(before).map((e) => `${e.type} ${e.operator}`)).toEqual(['escalated Safety desk']);
    await waitFor(() => rx.requests.length === sent + 1);
  });

  it('without a notify section still records escalations (MQTT and console) and sends nothing', () => {
    const r = rig(chainSites(), undefined);
    r.gas(LEAK);
    r.clock.advance(5 * MIN);
    expect(r.notices('escalated')).toEqual([
      'escalated Zhao Min not acknowledged by Li Wei within 5 min',
      'escalated Zhao Min not acknowledged by Li Wei within 5 min',
    ]);
    expect(r.notices('notified')).toEqual([]);
    expect(rx.requests).toHaveLength(0);
  });
});
