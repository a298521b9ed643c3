/**
 * BrokerHealth: the broker's dropped-message counter raises and clears a system alarm. Unit tests
 * drive it with $SYS payloads on a manual clock; the integration tests make a real Mosquitto drop
 * messages for a daemon that falls behind a burst, and check the alarm and the exact count.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { BrokerHealth, DROPPED_TOPIC, UPTIME_TOPIC } from '../../src/ingest/broker-health.js';
import { createLogger, silentLogger } from '../../src/util/logger.js';
import { type ConfigDir, startApp, writeConfigDir } from '../helpers/daemon.js';
import { DEPOT, engineRig, GAS_PROFILES, sitesFrom } from '../helpers/engine.js';
import { type Mosquitto, startMosquitto } from '../helpers/mosquitto.js';
import { collect, connectClient } from '../helpers/mqtt-client.js';
import { waitFor } from '../helpers/wait.js';

const ALARM = '_gaswatch/broker-dropped/system';

function rig(opts: { clearAfter?: number; logs?: string[] } = {}) {
  const r = engineRig(sitesFrom(GAS_PROFILES, [DEPOT]));
  const handlers = new Map<string, (topic: string, payload: Buffer, retain: boolean) => void>();
  const conn = {
    subscribe(filter: string, handler: (topic: string, payload: Buffer, retain: boolean) => void) {
      handlers.set(filter, handler);
      return () => handlers.delete(filter);
    },
  };
  const health = new BrokerHealth({
    conn,
    alarms: r.engine.systemAlarms(),
    clock: r.clock,
    logger: opts.logs
      ? createLogger({ destination: { write: (line: string) => opts.logs?.push(line) } })
      : silentLogger(),
    clearAfter: opts.clearAfter ?? 60_000,
  });
  const send = (topic: string, payload: string) => handlers.get(topic)?.(topic, Buffer.from(payload), false);
  return {
    ...r,
    health,
    handlers,
    dropped: (n: number) => send(DROPPED_TOPIC, String(n)),
    uptime: (s: number) => send(UPTIME_TOPIC, `${s} seconds`),
    alarm: () => r.engine.list().find((a) => a.id === ALARM),
    transitions: () => r.events.filter((e) => e.alarm.id === ALARM).map((e) => e.type),
  };
}

describe('BrokerHealth', () => {
  it('takes the first value as a baseline and raises when the counter moves', () => {
    const t = rig();
    t.health.start();
    expect([...t.handlers.keys()]).toEqual([UPTIME_TOPIC, DROPPED_TOPIC]);
    t.uptime(100);
    t.dropped(40);
    expect(t.alarm()).toBeUndefined();
    t.dropped(40);
    expect(t.alarm()).toBeUndefined();
    t.dropped(52);
    expect(t.alarm()).toMatchObject({ state: 'active_unacked', priority: 'high', value: 12 });
    expect(t.alarm()?.message).toMatch(/dropped 12 messages/);
    t.dropped(60);
    expect(t.health.dropped).toBe(20);
    expect(t.transitions()).toEqual(['raised']);
  });

  it('clears once the counter has stood still for clearAfter, and raises again on the next drop', () => {
    const t = rig({ clearAfter: 60_000 });
    t.health.start();
    t.dropped(0);
    t.dropped(5);
    t.clock.advance(50_000);
    t.dropped(7);
    t.clock.advance(50_000);
    expect(t.alarm()?.state).toBe('active_unacked');
    t.clock.advance(10_000);
    expect(t.alarm()?.state).toBe('cleared_unacked');
    t.dropped(8);
    expect(t.alarm()).toMatchObject({ state: 'active_unacked', value: 1 });
    expect(t.transitions()).toEqual(['raised', 'cleared', 'raised']);
  });

  it('counts from zero after a broker restart, seen by its uptime or by the counter going down', () => {
    const t = rig();
    t.health.start();
    t.uptime(500);
    t.dropped(10);
    // Restarted, and already dropped 15 (more than before) when we see the counter again.
    t.uptime(3);
    t.dropped(15);
    expect(t.health.dropped).toBe(15);
    t.uptime(4);
    t.dropped(15);
    expect(t.health.dropped).toBe(15);
    // A restart whose uptime we missed: the counter went down.
    t.dropped(2);
    expect(t.health.dropped).toBe(17);
  });

  it('says once when the broker publishes no counter, and not when it does', () => {
    const logs: string[] = [];
    const t = rig({ logs });
    t.health.start();
    t.clock.advance(119_000);
    expect(logs.join('')).not.toMatch(/publishes no dropped-message counter/);
    t.clock.advance(60_000_000);
    expect(logs.filter((l) => /publishes no dropped-message counter/.test(l))).toHaveLength(1);

    const heard: string[] = [];
    const u = rig({ logs: heard });
    u.health.start();
    u.dropped(0);
    u.clock.advance(600_000);
    expect(heard.join('')).not.toMatch(/publishes no dropped-message counter/);
  });

  it('ignores payloads that are not counters and stops cleanly', () => {
    const t = rig();
    t.health.start();
    t.dropped(1);
    for (const bad of ['', 'many', '-3', '1.5', 'NaN'])
      t.handlers.get(DROPPED_TOPIC)?.(DROPPED_TOPIC, Buffer.from(bad), false);
    t.dropped(1);
    expect(t.alarm()).toBeUndefined();
    t.health.stop();
    expect(t.handlers.size).toBe(0);
    t.dropped(1000);
    expect(t.health.dropped).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------
// With a real Mosquitto that drops. Its defaults are max_inflight_messages 20 and
// max_queued_messages 1000; here 20 and 100, so that a burst of 1,000 overflows at once. The daemon
// speaks MQTT 3.1.1 here: over MQTT 5 its receive maximum (65535) replaces max_inflight_messages
// and this burst would all be in flight (docs/broker.md).

const INFLIGHT = 20;
const QUEUED = 100;
const BURST = 1000;

let broker: Mosquitto;
let cfg: ConfigDir;
let app: App;
let pub: MqttClient;

describe('a daemon falling behind a burst at a real Mosquitto', () => {
  beforeAll(async () => {
    broker = await startMosquitto({ maxInflight: INFLIGHT, maxQueued: QUEUED, sys: 1 });
    cfg = await writeConfigDir({
      mqttUrl: broker.url,
      profiles: GAS_PROFILES,
      sites: { [DEPOT.id]: DEPOT },
      main: { mqtt: { protocolVersion: 4 }, influx: { flushInterval: '200ms' } },
    });
    app = await startApp(cfg.file);
    pub = await connectClient(broker.url);
  });

  afterAll(async () => {
    await pub?.endAsync();
    await app?.stop();
    await Promise.all([broker?.stop(), cfg?.cleanup()]);
  });

  const readings = async () => (await app.metrics.readings.get()).values[0]?.value ?? 0;
  const badTopics = async () => (await app.metrics.rejected.get()).values.find((v) => v.labels.reason === 'bad_topic');

  /**
   * Publishes a burst and waits until the daemon has taken what the broker kept of it: nothing has
   * arrived for a second (it takes one flush, 200 ms, per in-flight window) and nothing is unacked.
   * Returns how many of the burst arrived and how far the broker's counter moved.
   */
  async function burstAndCount(n: number): Promise<{ received: number; lost: number; dropped: number }> {
    const [got0, dropped0] = [await readings(), app.brokerHealth!.dropped];
    const ts = Date.now() - 60_000 + n * BURST;
    await Promise.all(
      Array.from({ length: BURST }, (_, i) =>
        pub.publishAsync('gas/zjk-depot/GD-12', JSON.stringify({ value: 10, ts: ts + i }), { qos: 1 }),
      ),
    );
    let last = -1;
    let since = performance.now();
    await waitFor(
      async () => {
        const got = await readings();
        if (got !== last) [last, since] = [got, performance.now()];
        return got > got0 && app.conn.unacked === 0 && performance.now() - since > 1000;
      },
      { timeout: 20_000, interval: 50, message: 'the burst taken' },
    );
    const received = last - got0;
    const lost = BURST - received;
    // The counter is published every sys_interval (1 s here).
    await waitFor(() => app.brokerHealth!.dropped - dropped0 >= lost, {
      timeout: 5000,
      message: `${lost} lost messages counted`,
    }).catch(() => undefined);
    return { received, lost, dropped: app.brokerHealth!.dropped - dropped0 };
  }

  /**
   * Every lost reading is counted. The counter may run a little ahead: it is broker-wide, and the
   * $SYS messages to the daemon (QoS 0, one or two a second) are dropped too while its queue is full.
   */
  function expectCounted(r: { lost: number; dropped: number }): void {
    expect(r.lost).toBeGreaterThan(0);
    expect(r.dropped).toBeGreaterThanOrEqual(r.lost);
    expect(r.dropped - r.lost).toBeLessThanOrEqual(4);
  }

  it('raises the broker-dropped alarm and counts every message the daemon did not get', async () => {
    await waitFor(() => app.brokerHealth?.counter !== undefined, { message: 'the $SYS counter seen' });
    const r = await burstAndCount(0);
    expectCounted(r);
    expect(app.engine.list().find((a) => a.id === ALARM)).toMatchObject({
      state: 'active_unacked',
      site: '_gaswatch',
      condition: 'system',
    });
    // $SYS messages are ours, not telemetry with a bad topic.
    expect(await badTopics()).toBeUndefined();
    console.log(
      `broker-health: burst of ${BURST} at max_inflight ${INFLIGHT} / max_queued ${QUEUED}, MQTT 3.1.1: ` +
        `${r.received} received, ${r.lost} lost, broker counter +${r.dropped}, alarm raised`,
    );
  });

  it('keeps watching after a broker restart without persistence (the session is gone)', async () => {
    await broker.restart();
    await waitFor(() => app.readiness().ready, { timeout: 20_000, message: 'daemon reconnected' });
    // The new broker knows nothing of our subscriptions: readings must flow again, and the counter too.
    await waitFor(() => app.brokerHealth?.counter === 0, { timeout: 10_000, message: "the new broker's counter seen" });
    expectCounted(await burstAndCount(1));
  });

  it('over MQTT 5 the receive maximum is the window: the same burst arrives whole', async () => {
    // Its own topics, so that the 3.1.1 daemon above (still subscribed) is not part of it.
    const cfg5 = await writeConfigDir({
      mqttUrl: broker.url,
      profiles: GAS_PROFILES,
      sites: { [DEPOT.id]: DEPOT },
      main: { mqtt: { protocolVersion: 5, topics: ['gas5/{site}/{sensor}'] }, influx: { flushInterval: '200ms' } },
    });
    const app5 = await startApp(cfg5.file);
    try {
      const droppedBefore = app.brokerHealth!.dropped;
      await waitFor(() => app5.brokerHealth?.counter !== undefined, { message: 'the $SYS counter seen' });
      await Promise.all(
        Array.from({ length: BURST }, (_, i) =>
          pub.publishAsync('gas5/zjk-depot/GD-12', JSON.stringify({ value: 10, ts: Date.now() - 30_000 + i }), {
            qos: 1,
          }),
        ),
      );
      await waitFor(
        async () => (await app5.metrics.readings.get()).values[0]?.value === BURST && app5.conn.unacked === 0,
        {
          timeout: 10_000,
          message: `all ${BURST} received over MQTT 5`,
        },
      );
      // Let a full $SYS cycle (uptime first, then the counters) pass: a drop would show in it.
      const uptimes = await collect(pub, '$SYS/broker/uptime', 0);
      await waitFor(() => uptimes.length >= 3, { timeout: 5000, message: 'two $SYS cycles after the burst' });
      expect(app5.brokerHealth?.dropped).toBe(0);
      expect(app.brokerHealth?.dropped).toBe(droppedBefore);
    } finally {
      await app5.stop();
      await cfg5.cleanup();
    }
  });
});
