/**
 * The deployment kit's broker config, run for real (kit-broker.ts): TLS only, no anonymous
 * access, and the ACL that keeps telemetry publishers from sending commands or forging alarm
 * records — checked the way it matters, by whether a subscriber receives the message. A denied
 * publish is followed by an allowed "marker" from the same connection: Mosquitto delivers one
 * publisher's messages in order, so once the marker has arrived anything denied would have too.
 * Last, the real daemon connects through the kit's TLS listener with the kit's CA
 * (`mqtt.tls.ca`, as the kit's gaswatch.yaml names it).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { IClientOptions, MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConfigDir, writeConfigDir } from '../helpers/daemon.js';
import { collect, connectClient, type ReceivedMessage } from '../helpers/mqtt-client.js';
import { portAccepts } from '../helpers/ports.js';
import { stopChild, trackChild } from '../helpers/server-process.js';
import { sleep, waitFor } from '../helpers/wait.js';
import { type KitBroker, startKitBroker } from './kit-broker.js';

let broker: KitBroker;
const clients: MqttClient[] = [];

beforeAll(async () => {
  broker = await startKitBroker(['gw-zjk-depot']);
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.endAsync(true)));
  await broker?.stop();
});

async function connectAs(user: string, opts: IClientOptions = {}, url = broker.passwordUrl): Promise<MqttClient> {
  const c = await connectClient(url, { ...(await broker.tls(user)), reconnectPeriod: 0, ...opts });
  clients.push(c);
  return c;
}

/** gaswatch's view: every message on telemetry and on its own topics, in arrival order. */
async function gaswatchWatcher(): Promise<ReceivedMessage[]> {
  const c = await connectAs('gaswatch', { protocolVersion: 5 });
  const got: ReceivedMessage[] = [];
  c.on('message', (topic, payload, packet) =>
    got.push({ topic, payload: payload.toString('utf8'), retain: packet.retain, qos: packet.qos }),
  );
  const granted = await c.subscribeAsync(['gas/#', 'gaswatch/#'], { qos: 1 });
  expect(granted.map((g) => g.qos)).toEqual([1, 1]);
  return got;
}

async function untilMarker(seen: ReceivedMessage[], marker: string): Promise<void> {
  await waitFor(() => seen.some((m) => m.payload === marker), { timeout: 5000, message: `marker ${marker}` });
}

describe('the kit broker: TLS and authentication', () => {
  it('serves TLS only, with the kit CA, and refuses anonymous clients and wrong passwords', async () => {
    const conf = await readFile(broker.conf, 'utf8');
    const listeners = conf.split(/^listener /m).slice(1);
    expect(listeners).toHaveLength(2);
    for (const l of listeners) expect(l).toMatch(/^certfile /m);
    // A plain MQTT connection to the TLS port never gets a CONNACK.
    await expect(
      connectClient(broker.passwordUrl.replace('mqtts:', 'mqtt:'), { reconnectPeriod: 0, connectTimeout: 2000 }),
    ).rejects.toThrow();
    await expect(connectClient(broker.passwordUrl, { ...(await broker.tls()), reconnectPeriod: 0 })).rejects.toThrow(
      /Not authorized|Bad User Name or Password/i,
    );
    await expect(
      connectClient(broker.passwordUrl, {
        ...(await broker.tls()),
        username: 'gaswatch',
        password: 'wrong-password-123',
        reconnectPeriod: 0,
      }),
    ).rejects.toThrow(/Not authorized|Bad User Name or Password/i);
    // A server certificate the client does not trust (no kit CA) is refused by the client.
    await expect(
      connectClient(broker.passwordUrl, {
        reconnectPeriod: 0,
        username: 'gaswatch',
        password: await broker.password('gaswatch'),
      }),
    ).rejects.toThrow(/self.signed|unable to (get|verify)/i);
    expect(await portAccepts(Number(new URL(broker.certUrl).port))).toBe(true);
  });

  it('the certificate listener wants a certificate signed by the kit CA, and takes its CN as the user', async () => {
    await expect(
      connectClient(broker.certUrl, {
        ...(await broker.tls('gw-zjk-depot')),
        reconnectPeriod: 0,
        connectTimeout: 3000,
      }),
    ).rejects.toThrow();
    const seen = await gaswatchWatcher();
    const gw = await connectClient(broker.certUrl, {
      ...(await broker.clientCert('gw-zjk-depot')),
      reconnectPeriod: 0,
    });
    clients.push(gw);
    await gw.publishAsync('gas/zjk-depot/GD-12', '{"value":1.5}', { qos: 1 });
    // The CN is the user: gw-zjk-depot may write its own site only.
    await gw.publishAsync('gaswatch/cmd/ack', '{"id":"zjk-depot/GD-12/hihi","operator":"x"}', { qos: 1 });
    await gw.publishAsync('gas/hx-station/GD-21', '{"value":99}', { qos: 1 });
    await gw.publishAsync('gas/zjk-depot/GD-12', 'cert-marker', { qos: 1 });
    await untilMarker(seen, 'cert-marker');
    expect(seen.map((m) => `${m.topic} ${m.payload}`)).toEqual([
      'gas/zjk-depot/GD-12 {"value":1.5}',
      'gas/zjk-depot/GD-12 cert-marker',
    ]);
  });
});

describe('the kit ACL', () => {
  it('a site gateway publishes its own readings, and nothing under gaswatch/ or for another site reaches anyone', async () => {
    const seen = await gaswatchWatcher();
    const room = await connectAs('control-room', { protocolVersion: 4 });
    const roomSeen = await collect(room, 'gaswatch/alarms/#');
    const gw = await connectAs('gw-zjk-depot', { protocolVersion: 4 });
    await gw.publishAsync('gas/zjk-depot/GD-12', '{"value":2.5}', { qos: 1 });
    // MQTT 3.1.1: the broker acknowledges a denied publish and drops it.
    const forged = [
      ['gaswatch/cmd/ack', '{"id":"zjk-depot/GD-12/hihi","operator":"wang","comment":"forged"}', false],
      ['gaswatch/cmd/shelve', '{"id":"zjk-depot/GD-12/hihi","operator":"wang","minutes":600}', false],
      ['gaswatch/alarms/zjk-depot/GD-12/hihi', '', true],
      ['gaswatch/alarms/zjk-depot/GD-12/hi', '{"state":"normal"}', true],
      ['gaswatch/status', '{"state":"online"}', true],
      ['gaswatch/events', '{"type":"cleared"}', false],
      ['gas/hx-station/GD-21', '{"value":0}', false],
    ] as const;
    for (const [topic, payload, retain] of forged) await gw.publishAsync(topic, payload, { qos: 1, retain });
    await gw.publishAsync('gas/zjk-depot/GD-12', 'gw-marker', { qos: 1 });
    await untilMarker(seen, 'gw-marker');
    expect(seen.map((m) => `${m.topic} ${m.payload}`)).toEqual([
      'gas/zjk-depot/GD-12 {"value":2.5}',
      'gas/zjk-depot/GD-12 gw-marker',
    ]);
    expect(roomSeen).toEqual([]);
    // Nor was any of it retained for a later subscriber.
    const late = await connectAs('control-room', { protocolVersion: 4 });
    const retained = await collect(late, 'gaswatch/#');
    await late.publishAsync('gaswatch/cmd/ack', 'room-marker', { qos: 1 });
    expect(retained.filter((m) => m.retain)).toEqual([]);
  });

  it('over MQTT 5 the gateway is told: not authorized (135)', async () => {
    const gw = await connectAs('gw-zjk-depot', { protocolVersion: 5 });
    await expect(gw.publishAsync('gaswatch/cmd/ack', '{}', { qos: 1 })).rejects.toMatchObject({ code: 135 });
    await expect(gw.publishAsync('gas/zjk-depot/GD-12', '{"value":3}', { qos: 1 })).resolves.toBeDefined();
  });

  it('a gateway reads nothing: not telemetry, not alarm records, not $SYS', async () => {
    // Mosquitto grants the SUBSCRIBE and applies the ACL to each message it would deliver.
    const gw = await connectAs('gw-zjk-depot', { protocolVersion: 4 });
    const got: string[] = [];
    gw.on('message', (topic) => got.push(topic));
    await gw.subscribeAsync(['gas/#', 'gaswatch/#', '$SYS/#'], { qos: 1 });
    const seen = await gaswatchWatcher();
    const gaswatch = await connectAs('gaswatch', { protocolVersion: 5 });
    await gaswatch.publishAsync('gaswatch/alarms/zjk-depot/GD-12/hi', '{"state":"active_unacked"}', {
      qos: 1,
      retain: true,
    });
    await gw.publishAsync('gas/zjk-depot/GD-12', 'read-marker', { qos: 1 });
    await untilMarker(seen, 'read-marker');
    // Everything above has reached gaswatch's watcher; the gateway had the same chance.
    await sleep(500);
    expect(got).toEqual([]);
    await gaswatch.publishAsync('gaswatch/alarms/zjk-depot/GD-12/hi', '', { qos: 1, retain: true });
  });

  it('gaswatch reads telemetry and $SYS and writes alarm records, events and status; the control room reads them', async () => {
    const gaswatch = await connectAs('gaswatch', { protocolVersion: 5 });
    const sys = await collect(gaswatch, '$SYS/broker/uptime');
    await waitFor(() => sys.length > 0, { timeout: 15_000, message: '$SYS/broker/uptime for gaswatch' });

    const room = await connectAs('control-room', { protocolVersion: 5 });
    const alarms = await collect(room, 'gaswatch/alarms/#');
    const events = await collect(room, 'gaswatch/events');
    const status = await collect(room, 'gaswatch/status');
    const record = '{"id":"zjk-depot/GD-12/hihi","state":"active_unacked"}';
    await gaswatch.publishAsync('gaswatch/alarms/zjk-depot/GD-12/hihi', record, { qos: 1, retain: true });
    await gaswatch.publishAsync('gaswatch/events', '{"type":"raised"}', { qos: 1 });
    await gaswatch.publishAsync('gaswatch/status', '{"state":"online"}', { qos: 1, retain: true });
    await waitFor(() => alarms.length === 1 && events.length === 1 && status.length === 1, {
      timeout: 5000,
      message: 'the control room sees what gaswatch publishes',
    });
    expect(alarms[0]?.payload).toBe(record);

    // Commands flow the other way: the control room writes, gaswatch reads; the room cannot forge records.
    const cmds = await collect(gaswatch, 'gaswatch/cmd/+');
    await room.publishAsync('gaswatch/cmd/ack', '{"id":"zjk-depot/GD-12/hihi","operator":"wang"}', { qos: 1 });
    await expect(
      room.publishAsync('gaswatch/alarms/zjk-depot/GD-12/hihi', '', { qos: 1, retain: true }),
    ).rejects.toMatchObject({ code: 135 });
    await expect(
      room.publishAsync('gaswatch/status', '{"state":"offline"}', { qos: 1, retain: true }),
    ).rejects.toMatchObject({
      code: 135,
    });
    await waitFor(() => cmds.length === 1, { timeout: 5000, message: 'gaswatch receives the command' });
    // Clean up the retained record for the next test.
    await gaswatch.publishAsync('gaswatch/alarms/zjk-depot/GD-12/hihi', '', { qos: 1, retain: true });
    await gaswatch.publishAsync('gaswatch/status', '', { qos: 1, retain: true });
  });
});

describe('the real daemon behind the kit broker', () => {
  let cfg: ConfigDir | undefined;
  let daemon: ChildProcess | undefined;

  afterAll(async () => {
    if (daemon) await stopChild(daemon);
    await cfg?.cleanup();
  });

  it('connects over TLS with the kit CA as user gaswatch, subscribes everything it needs, and raises an alarm', async () => {
    cfg = await writeConfigDir({
      mqttUrl: broker.passwordUrl,
      profiles: {
        'combustible-gas': {
          unit: '%LEL',
          deadband: 2,
          range: [0, 100],
          setpoints: { hi: { value: 20, priority: 'high' }, hihi: { value: 40, priority: 'critical' } },
        },
      },
      sites: {
        'zjk-depot': {
          id: 'zjk-depot',
          type: 'storage',
          sensors: [
            { id: 'GD-12', kind: 'gas', gas: 'methane', unit: 'ppm', profile: 'combustible-gas', interval: '1h' },
          ],
        },
      },
      main: {
        mqtt: {
          username: 'gaswatch',
          password: `\${file:${path.join(broker.secrets, 'mqtt-gaswatch')}}`,
          tls: { ca: path.join(broker.certs, 'ca.crt') },
        },
      },
    });
    const room = await connectAs('control-room', { protocolVersion: 5 });
    const status = await collect(room, 'gaswatch/status');
    const alarms = await collect(room, 'gaswatch/alarms/#');

    const logFile = path.join(cfg.dir, 'daemon.log');
    const log = createWriteStream(logFile);
    daemon = trackChild(
      spawn(
        process.execPath,
        [path.resolve(import.meta.dirname, '../../dist/src/main.js'), 'run', '--config', cfg.file],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
          env: {
            ...process.env,
            GASWATCH_LOG_FORMAT: 'json',
            GASWATCH_LOG_LEVEL: 'info',
          },
        },
      ),
    );
    daemon.stdout?.pipe(log);
    daemon.stderr?.pipe(log);
    const daemonLog = () => readFile(logFile, 'utf8').catch(() => '');
    try {
      await waitFor(() => status.some((m) => JSON.parse(m.payload || '{}').state === 'online'), {
        timeout: 20_000,
        message: 'gaswatch/status online',
      });
      const gw = await connectAs('gw-zjk-depot', { protocolVersion: 4 });
      // 20,000 ppm methane = 45 %LEL: over HiHi 40 %LEL.
      await gw.publishAsync('gas/zjk-depot/GD-12', '{"value":20000,"unit":"ppm"}', { qos: 1 });
      await waitFor(() => alarms.some((m) => m.topic === 'gaswatch/alarms/zjk-depot/GD-12/hihi'), {
        timeout: 10_000,
        message: 'the retained HiHi record',
      });
      const hihi = alarms.find((m) => m.topic.endsWith('/hihi'));
      expect(JSON.parse(hihi?.payload ?? '{}')).toMatchObject({ state: 'active_unacked', priority: 'critical' });
      expect(hihi?.retain).toBe(false); // live delivery; the retained copy is what a late subscriber gets
      const text = await daemonLog();
      expect(text).not.toMatch(/refused a subscription|Not authorized|ECONNREFUSED/i);
    } catch (err) {
      console.error(`--- daemon log\n${await daemonLog()}\n--- broker log\n${await broker.log()}`);
      throw err;
    }
  });
});
