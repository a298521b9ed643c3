/**
 * The contract of the `AlarmsApi` and `LiveFeed` ports (STYLE habit 9), written once and run against
 * every implementation: the in-memory fixture now, the real alarm engine when it lands. An
 * implementation supplies a driver that can bring an alarm into being and clear it, in whatever
 * way it really happens there (the engine: by feeding readings past a setpoint).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlarmEvent } from '../../src/domain/types.js';
import type { AlarmsApi, LiveFeed } from '../../src/http/ports.js';

export interface AlarmsDriver {
  api: AlarmsApi;
  live: LiveFeed;
  /** Brings a new active unacknowledged alarm into being; resolves with its id. */
  raise(): Promise<string>;
  /** The process variable returns to normal: the alarm clears (past any off-delay). */
  clear(id: string): Promise<void>;
  close?(): Promise<void>;
}

export function alarmsApiContract(name: string, setup: () => Promise<AlarmsDriver>): void {
  describe(`AlarmsApi contract: ${name}`, () => {
    let d: AlarmsDriver;
    let events: AlarmEvent[];
    let unsubscribe: () => void;
    beforeEach(async () => {
      d = await setup();
      events = [];
      unsubscribe = d.live.onAlarmEvent((e) => events.push(e));
    });
    afterEach(async () => {
      unsubscribe();
      await d.close?.();
    });

    it('lists a raised alarm as active_unacked and announces it', async () => {
      const id = await d.raise();
      expect(d.api.list().find((a) => a.id === id)?.state).toBe('active_unacked');
      expect(events.some((e) => e.type === 'raised' && e.alarm.id === id)).toBe(true);
    });

    it('acknowledges with who and why, in the record, the event and the journal', async () => {
      const id = await d.raise();
      const r = d.api.ack(id, 'wang', 'checked on site');
      expect(r.ok && r.alarm.state).toBe('active_acked');
      expect(r.ok && r.alarm.ackedBy).toBe('wang');
      const ev = events.find((e) => e.type === 'acked' && e.alarm.id === id);
      expect(ev?.operator).toBe('wang');
      const journal = d.api.history({ site: id.split('/')[0] });
      expect(journal[0]?.type).toBe('acked');
      expect(journal[0]?.operator).toBe('wang');
      expect(journal[0]?.comment).toBe('checked on site');
    });

    it('refuses to acknowledge an unknown alarm (not_found) or an acknowledged one (invalid_state)', async () => {
      expect(d.api.ack('nowhere/none/hi', 'wang', null)).toMatchObject({ ok: false, code: 'not_found' });
      const id = await d.raise();
      expect(d.api.ack(id, 'wang', null).ok).toBe(true);
      expect(d.api.ack(id, 'wang', null)).toMatchObject({ ok: false, code: 'invalid_state' });
    });

    it('takes a cleared unacknowledged alarm to normal on ack, and out of the list', async () => {
      const id = await d.raise();
      await d.clear(id);
      expect(d.api.list({ states: ['cleared_unacked'] }).map((a) => a.id)).toContain(id);
      const r = d.api.ack(id, 'wang', null);
      expect(r.ok && r.alarm.state).toBe('normal');
      expect(d.api.list().map((a) => a.id)).not.toContain(id);
      expect(d.api.ack(id, 'wang', null)).toMatchObject({ ok: false, code: 'invalid_state' });
    });

    it('filters the list by state', async () => {
      const a = await d.raise();
      const b = await d.raise();
      d.api.ack(b, 'wang', null);
      expect(d.api.list({ states: ['active_unacked'] }).map((x) => x.id)).toContain(a);
      expect(d.api.list({ states: ['active_unacked'] }).map((x) => x.id)).not.toContain(b);
      expect(d.api.list({ states: ['active_acked'] }).map((x) => x.id)).toEqual([b]);
    });

    it('shelves with operator, reason and expiry, and unshelves', async () => {
      const id = await d.raise();
      const s = d.api.shelve(id, 'li', 30, 'detector being replaced');
      expect(s.ok && s.alarm).toMatchObject({
        shelved: true,
        shelvedBy: 'li',
        shelveReason: 'detector being replaced',
      });
      expect(s.ok && s.alarm.shelvedUntil).toBeTruthy();
      expect(events.find((e) => e.type === 'shelved')?.operator).toBe('li');
      expect(d.api.list().find((a) => a.id === id)?.shelved).toBe(true);
      const u = d.api.unshelve(id, 'li');
      expect(u.ok && u.alarm.shelved).toBe(false);
      expect(d.api.unshelve(id, 'li')).toMatchObject({ ok: false, code: 'invalid_state' });
      expect(d.api.shelve('nowhere/none/hi', 'li', 30, 'x')).toMatchObject({ ok: false, code: 'not_found' });
      expect(d.api.unshelve('nowhere/none/hi', 'li')).toMatchObject({ ok: false, code: 'not_found' });
    });

    it('keeps the journal newest first and honours its filters', async () => {
      const id = await d.raise();
      d.api.ack(id, 'wang', null);
      const all = d.api.history({});
      expect(all.length).toBeGreaterThanOrEqual(2);
      for (let i = 1; i < all.length; i++) expect(all[i - 1]!.at >= all[i]!.at).toBe(true);
      expect(d.api.history({ type: 'acked' }).every((e) => e.type === 'acked')).toBe(true);
      expect(d.api.history({ limit: 1 })).toHaveLength(1);
      expect(d.api.history({ site: 'no-such-site' })).toEqual([]);
    });
  });
}
