import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Influxd, startInfluxd } from './influxd.js';
import { type Mosquitto, startMosquitto } from './mosquitto.js';
import { collect, connectClient, type ReceivedMessage, recordAll, topicMatches } from './mqtt-client.js';
import { freePort, portAccepts } from './ports.js';
import { waitFor } from './wait.js';

describe('test harness', () => {
  let broker: Mosquitto;
  let influx: Influxd;

  beforeAll(async () => {
    [broker, influx] = await Promise.all([startMosquitto({ persistence: true }), startInfluxd()]);
  });

  afterAll(async () => {
    await Promise.all([broker?.stop(), influx?.stop()]);
    if (broker) expect(existsSync(broker.dir)).toBe(false);
    if (influx) expect(existsSync(influx.dir)).toBe(false);
  });

  it('hands out distinct free loopback ports', async () => {
    const ports = await Promise.all([freePort(), freePort(), freePort()]);
    expect(new Set(ports).size).toBe(3);
    for (const port of ports) expect(await portAccepts(port)).toBe(false);
  });

  it('matches MQTT topic filters', () => {
    expect(topicMatches('gas/+/+', 'gas/depot-1/ch4')).toBe(true);
    expect(topicMatches('gas/#', 'gas')).toBe(true);
    expect(topicMatches('gas/+', 'gas/depot-1/ch4')).toBe(false);
    expect(topicMatches('#', '$SYS/broker/uptime')).toBe(false);
    expect(topicMatches('gas/depot-1/ch4', 'gas/depot-1/co')).toBe(false);
  });

  it('waitFor reports what it waited for', async () => {
    await expect(waitFor(() => false, { timeout: 50, message: 'the moon' })).rejects.toThrow(/the moon/);
    let n = 0;
    await expect(waitFor(() => ++n >= 3 && n, { interval: 1 })).resolves.toBe(3);
  });

  it('moves QoS 1 messages and retained messages through mosquitto', async () => {
    const sub = await connectClient(broker.url);
    const pub = await connectClient(broker.url);
    try {
      const got = await collect(sub, 'gas/+/+');
      await pub.publishAsync('gas/depot-1/ch4', '12.5', { qos: 1 });
      await pub.publishAsync('gas/depot-1/status', 'ok', { qos: 1, retain: true });
      await waitFor(() => got.length === 2, { message: `2 messages (got ${got.length})` });
      expect(got).toEqual([
        { topic: 'gas/depot-1/ch4', payload: '12.5', retain: false, qos: 1 },
        // Retain is only flagged on delivery of a stored message to a new subscription.
        { topic: 'gas/depot-1/status', payload: 'ok', retain: false, qos: 1 },
      ]);
    } finally {
      await Promise.all([sub.endAsync(), pub.endAsync()]);
    }
  });

  it('queues a QoS 1 burst for an offline session beyond the broker default of 1000', async () => {
    // Measured with maxQueued 1000 / maxInflight 20 (mosquitto defaults): 1000 of 5000 arrive.
    const sessionOpts = { clientId: 'harness-burst', clean: false } as const;
    const first = await connectClient(broker.url, sessionOpts);
    await first.subscribeAsync('burst/#', { qos: 1 });
    await first.endAsync();

    const burst = 3000;
    const pub = await connectClient(broker.url);
    await Promise.all(Array.from({ length: burst }, (_, i) => pub.publishAsync('burst/ch4', String(i), { qos: 1 })));
    await pub.endAsync();

    const got: ReceivedMessage[] = [];
    const back = await connectClient(broker.url, sessionOpts, recordAll(got));
    try {
      await waitFor(() => got.length >= burst, { message: `${burst} queued messages (got ${got.length})` });
      expect(got.map((m) => m.payload)).toEqual(Array.from({ length: burst }, (_, i) => String(i)));
    } finally {
      await back.endAsync();
    }
  });

  it('keeps retained messages and persistent sessions across a broker restart', async () => {
    const sessionOpts = { clientId: 'harness-persistent', clean: false } as const;
    const first = await connectClient(broker.url, sessionOpts);
    await first.subscribeAsync('alarm/#', { qos: 1 });
    await first.endAsync();

    const pub = await connectClient(broker.url);
    await pub.publishAsync('alarm/a', 'queued while away', { qos: 1 });
    await pub.publishAsync('status/daemon', 'online', { qos: 1, retain: true });
    await pub.endAsync();

    await broker.restart();
    expect(broker.running).toBe(true);

    const retained = await connectClient(broker.url);
    const queued: ReceivedMessage[] = [];
    const again = await connectClient(broker.url, sessionOpts, recordAll(queued));
    try {
      const got = await collect(retained, 'status/+');
      await waitFor(() => got.length === 1, { message: 'retained status after restart' });
      expect(got[0]).toMatchObject({ payload: 'online', retain: true });

      await waitFor(() => queued.length === 1, { message: 'queued QoS 1 message after restart' });
      expect(queued[0]).toMatchObject({ topic: 'alarm/a', payload: 'queued while away' });
    } finally {
      await Promise.all([retained.endAsync(), again.endAsync()]);
    }
  });

  it('lets a connected client ride out a broker outage', async () => {
    const client = await connectClient(broker.url);
    try {
      await broker.stopForOutage();
      expect(await portAccepts(broker.port)).toBe(false);
      await waitFor(() => !client.connected, { message: 'client notices the outage' });
      await broker.restart();
      await waitFor(() => client.connected, { message: 'client reconnects' });
      const got = await collect(client, 'x/y');
      await client.publishAsync('x/y', 'back', { qos: 1 });
      await waitFor(() => got.length === 1, { message: 'message after reconnect' });
    } finally {
      await client.endAsync();
    }
  });

  it('writes, counts and queries points in influxd, across restart and outage', async () => {
    await influx.createDatabase('harness');
    const t0 = Date.UTC(2025, 0, 1);
    await influx.write('harness', [
      `reading,site=depot-1,sensor=ch4 value=12.5 ${t0}`,
      `reading,site=depot-1,sensor=ch4 value=13 ${t0 + 1000}`,
    ]);
    expect(await influx.count('harness', 'reading')).toBe(2);
    expect(await influx.count('harness', 'reading', 'value')).toBe(2);
    expect(await influx.count('harness', 'nothing')).toBe(0);

    await influx.restart();
    const rows = await influx.query('SELECT value FROM reading GROUP BY site', 'harness');
    expect(rows).toEqual([
      { site: 'depot-1', time: t0, value: 12.5 },
      { site: 'depot-1', time: t0 + 1000, value: 13 },
    ]);

    await influx.stopForOutage();
    await expect(fetch(`${influx.url}/ping`)).rejects.toThrow();
    await influx.restart();
    await influx.write('harness', `reading,site=depot-1,sensor=ch4 value=14 ${t0 + 2000}`);
    expect(await influx.count('harness', 'reading')).toBe(3);

    // An acknowledged write is in the WAL: it survives SIGKILL.
    await influx.kill();
    await influx.restart();
    expect(await influx.count('harness', 'reading')).toBe(3);
    await expect(influx.query('SELECT nonsense FROM', 'harness')).rejects.toThrow(/influx query failed/);
  });
});
