/**
 * The monitor is monitored (SPEC §4): `gaswatch/status` is retained online while the daemon runs,
 * set offline by a clean stop (SIGTERM), and by the broker's Last Will when the process dies.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConfigDir, spawnDaemon, writeConfigDir } from '../helpers/daemon.js';
import { type Mosquitto, startMosquitto } from '../helpers/mosquitto.js';
import { connectClient, type ReceivedMessage, recordAll } from '../helpers/mqtt-client.js';
import { freePort } from '../helpers/ports.js';
import { waitFor } from '../helpers/wait.js';

let broker: Mosquitto;
let cfg: ConfigDir;
let port: number;
let daemon: ChildProcess | undefined;

beforeAll(async () => {
  broker = await startMosquitto();
  port = await freePort();
  cfg = await writeConfigDir({
    mqttUrl: broker.url,
    profiles: { gas: { unit: '%LEL', setpoints: { hi: { value: 20, priority: 'high' } } } },
    sites: {
      s: {
        id: 's',
        type: 'station',
        sensors: [{ id: 'G', kind: 'gas', gas: 'methane', unit: '%LEL', profile: 'gas' }],
      },
    },
    main: { http: { listen: `127.0.0.1:${port}` } },
  });
});

afterAll(async () => {
  daemon?.kill('SIGKILL');
  await Promise.all([broker?.stop(), cfg?.cleanup()]);
});

async function start(): Promise<ChildProcess> {
  const child = spawnDaemon(cfg.file);
  await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.status === 200, {
    timeout: 20_000,
    message: 'daemon ready',
  });
  return child;
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve(child.exitCode) : child.once('exit', resolve),
  );

describe('gaswatch/status', () => {
  it('is online while running, offline after SIGTERM (exit 0) and after SIGKILL (Last Will)', async () => {
    const seen: ReceivedMessage[] = [];
    const watcher = await connectClient(broker.url, {}, recordAll(seen));
    await watcher.subscribeAsync('gaswatch/status', { qos: 1 });
    const states = () => seen.filter((m) => m.topic === 'gaswatch/status').map((m) => JSON.parse(m.payload).state);

    daemon = await start();
    await waitFor(() => states().at(-1) === 'online', { message: 'online' });
    const online = JSON.parse(seen.filter((m) => m.topic === 'gaswatch/status').at(-1)?.payload ?? '{}');
    expect(online).toMatchObject({ state: 'online', version: expect.any(String) });
    expect(Date.parse(online.since)).toBeGreaterThan(0);

    daemon.kill('SIGTERM');
    expect(await exited(daemon)).toBe(0);
    await waitFor(() => states().at(-1) === 'offline', { message: 'offline after SIGTERM' });

    daemon = await start();
    await waitFor(() => states().at(-1) === 'online', { message: 'online again' });
    daemon.kill('SIGKILL');
    await exited(daemon);
    daemon = undefined;
    await waitFor(() => states().at(-1) === 'offline', { timeout: 10_000, message: 'offline by the Last Will' });

    // A newcomer sees the retained last word.
    const late = await connectClient(broker.url);
    const retained: ReceivedMessage[] = [];
    late.on('message', (topic, payload, packet) =>
      retained.push({ topic, payload: payload.toString(), retain: packet.retain, qos: 1 }),
    );
    await late.subscribeAsync('gaswatch/status', { qos: 1 });
    await waitFor(() => retained.length === 1, { message: 'retained status' });
    expect(retained[0]).toMatchObject({ retain: true, payload: '{"state":"offline"}' });
    await Promise.all([late.endAsync(), watcher.endAsync()]);
  });
});
