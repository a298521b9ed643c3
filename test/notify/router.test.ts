/**
 * Routing by site, priority and event type; shelved and suppressed alarms raise no notification
 * (still tracked); one message per group when a channel is both routed and escalated to.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { notifiable, routeEvent, siteMatches } from '../../src/notify/router.js';
import { DEPOT, GAS_PROFILES, sitesFrom } from '../helpers/engine.js';
import { waitFor } from '../helpers/wait.js';
import { CHAIN_DEPOT, chainSites, event } from './fixtures.js';
import { type Receiver, startReceiver } from './receiver.js';
import { type NotifyRig, notifyRig } from './rig.js';

const route = (over: Partial<Parameters<typeof routeEvent>[1][number]> = {}) => ({
  sites: ['*'],
  priorities: ['critical', 'high', 'medium', 'low'] as const,
  events: ['raised', 'realarmed', 'escalated', 'flood'],
  channels: ['a'],
  ...over,
});

describe('routeEvent', () => {
  it('matches sites (with * patterns), priorities and event types, each channel once', () => {
    const routes = [
      route({ sites: ['zjk-*'], priorities: ['critical'], channels: ['a', 'b'] }),
      route({ sites: ['hx-station'], channels: ['c'] }),
      route({ channels: ['b', 'd'], events: ['cleared'] }),
    ];
    expect(routeEvent(event('raised'), routes)).toEqual(['a', 'b']);
    expect(routeEvent(event('raised', { priority: 'high' }), routes)).toEqual([]);
    expect(routeEvent(event('raised', { site: 'hx-station' }), routes)).toEqual(['c']);
    expect(routeEvent(event('cleared'), routes)).toEqual(['b', 'd']);
    expect(routeEvent(event('acked'), routes)).toEqual([]);
    expect(siteMatches('*-station', 'hx-station')).toBe(true);
    expect(siteMatches('zjk.depot', 'zjkxdepot')).toBe(false);
  });

  it('never sends notified events, shelved or suppressed alarms, or a non-critical chattering raise', () => {
    const all = [route({ events: ['raised', 'notified', 'cleared', 'shelved'] as string[] })];
    expect(routeEvent(event('notified'), all)).toEqual([]);
    expect(routeEvent(event('raised', { shelved: true }), all)).toEqual([]);
    expect(routeEvent(event('shelved', { shelved: true }), all)).toEqual([]);
    expect(routeEvent(event('raised', { suppressed: true }), all)).toEqual([]);
    expect(notifiable(event('raised', { chattering: true, priority: 'high' }))).toBe(false);
    expect(notifiable(event('raised', { chattering: true, priority: 'critical' }))).toBe(true);
  });
});

describe('notifier routing with the engine', () => {
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
  const channels = () => [
    { name: 'control-room', type: 'webhook', url: `${rx.url}/control-room` },
    { name: 'scada', type: 'webhook', url: `${rx.url}/scada` },
  ];
  const paths = (from = 0) =>
    rx.requests
      .slice(from)
      .map((r) => `${r.url} ${(r.body as { title: string }).title}`)
      .sort();

  it('a shelved or suppressed alarm sends nothing, escalates to nobody, and is still tracked', async () => {
    const sites = sitesFrom(GAS_PROFILES, [
      {
        ...CHAIN_DEPOT,
        sensors: [...DEPOT.sensors, { ...DEPOT.sensors[0], id: 'GD-13', maintenance: true }],
      },
    ]);
    const r = notifyRig(sites, {
      channels: channels(),
      routes: [{ channels: ['control-room'], events: ['raised', 'cleared', 'shelved', 'acked'] }],
      escalation: { channels: ['scada'] },
    });
    rigs.push(r);
    r.engine.shelve('zjk-depot/GD-12/hihi', 'wang', 60, 'detector replaced today');
    r.engine.shelve('zjk-depot/GD-12/hi', 'wang', 60, 'detector replaced today');
    r.gas(23_100); // GD-12: shelved
    r.gas(23_100, 'GD-13'); // GD-13: in maintenance, suppressed
    const raised = r.events.filter((e) => e.type === 'raised');
    expect(raised.map((e) => `${e.alarm.id} ${e.alarm.shelved} ${e.alarm.suppressed}`).sort()).toEqual([
      'zjk-depot/GD-12/hi true false',
      'zjk-depot/GD-12/hihi true false',
      'zjk-depot/GD-13/hi false true',
      'zjk-depot/GD-13/hihi false true',
    ]);
    expect(r.engine.list()).toHaveLength(4);
    expect(r.notifier.escalating().size).toBe(0);
    r.clock.advance(30 * 60_000);
    expect(r.notices('escalated')).toEqual([]);
    // The control: once unshelved, the same alarm climbs the chain (the route does not list unshelved).
    r.engine.unshelve('zjk-depot/GD-12/hihi', 'wang');
    await waitFor(() => rx.requests.length === 1, { message: 'the unshelved alarm escalates' });
    expect(paths()).toEqual(['/scada [CRITICAL] For Li Wei: zjk-depot GD-12 hihi']);
  });

  it('sends a raise once per channel: the escalation message replaces the routed one on a shared group', async () => {
    const r = notifyRig(chainSites(), {
      channels: channels(),
      routes: [{ channels: ['control-room', 'scada'], priorities: ['critical'] }],
      escalation: { channels: ['control-room'], priorities: ['critical'] },
    });
    rigs.push(r);
    r.gas(23_100);
    await waitFor(() => rx.requests.length === 2);
    expect(paths()).toEqual([
      '/control-room [CRITICAL] For Li Wei: zjk-depot GD-12 hihi',
      '/scada [CRITICAL] Raised: zjk-depot GD-12 hihi',
    ]);
    r.clock.advance(5 * 60_000);
    await waitFor(() => rx.requests.length === 4);
    expect(paths(2)).toEqual([
      '/control-room [CRITICAL] Escalated to Zhao Min: zjk-depot GD-12 hihi',
      '/scada [CRITICAL] Escalated: zjk-depot GD-12 hihi',
    ]);
    await waitFor(() => r.notices('notified').length === 4);
    expect(r.notices('notified').sort()).toEqual([
      'notified Li Wei escalation 1/3 via control-room',
      'notified Zhao Min escalation 2/3 via control-room',
      'notified scada escalated via scada',
      'notified scada raised via scada',
    ]);
  });
});
