/**
 * Issue 11 finding 2 and 10, against a real Mosquitto: forged MQTT commands are refused, counted
 * and answered; the out-of-memory attack (shelve reasons of megabytes, 32 of them) is refused by
 * the size limits — on MQTT 5 the broker never even sends them (maximumPacketSize), on MQTT 3.1.1
 * the daemon refuses them itself — and a HiHi published after the attack is raised.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { AlarmEvent } from '../../src/domain/types.js';
import { startChildDaemon } from '../helpers/child-daemon.js';
import { type ConfigDir, startApp, writeConfigDir } from '../helpers/daemon.js';
import { type Mosquitto, startMosquitto } from '../helpers/mosquitto.js';
import { connectClient, type ReceivedMessage, recordAll } from '../helpers/mqtt-client.js';
import { waitFor } from '../helpers/wait.js';

const TOKEN = 'wang-3f9c2a7d81e04b6f95c3d2a1e7f04b8c';
const VIEWER_TOKEN = 'li-a61d07e4c2b94f3893d5e0b7c18f26ad';
const ID = 's1/GD-1/hihi';
const MB = 1024 * 1024;

let broker: Mosquitto;
let client: MqttClient;
const seen: ReceivedMessage[] = [];
const dirs: ConfigDir[] = [];

const results = () =>
  seen.filter((m) => m.topic === 'gaswatch/cmd/result').map((m) => JSON.parse(m.payload) as Record<string, unknown>);
const events = (type: string, id?: string) =>
  seen
    .filter((m) => m.topic === 'gaswatch/events')
    .map((m) => JSON.parse(m.payload) as AlarmEvent)
    .filter((e) => e.type === type && (!id || e.alarm.id === id));

async function config(mqtt: Record<string, unknown> = {}): Promise<ConfigDir> {
  const cfg = await writeConfigDir({
    mqttUrl: broker.url,
    main: {
      mqtt,
      operators: [
        { name: 'wang', role: 'operator', token: TOKEN },
        { name: 'li', role: 'viewer', token: VIEWER_TOKEN },
      ],
    },
    profiles: {
      gas: {
        unit: '%LEL',
        range: [0, 100],
        setpoints: { hi: { value: 20, priority: 'high' }, hihi: { value: 40, priority: 'critical' } },
      },
    },
    sites: {
      s1: {
        id: 's1',
        type: 'station',
        sensors: ['GD-1', 'GD-2'].map((id) => ({
          id,
          kind: 'gas',
          gas: 'methane',
          unit: '%LEL',
          profile: 'gas',
          interval: '1h',
        })),
      },
    },
  });
  dirs.push(cfg);
  return cfg;
}

beforeAll(async () => {
  broker = await startMosquitto();
  client = await connectClient(broker.url, {}, recordAll(seen));
  await client.subscribeAsync(['gaswatch/events', 'gaswatch/cmd/result'], { qos: 1 });
});

afterAll(async () => {
  await client?.endAsync();
  await broker?.stop();
  for (const d of dirs) await d.cleanup();
});

describe('MQTT commands from anyone who can publish', () => {
  let app: App | undefined;
  afterAll(async () => app?.stop());

  it('are refused unless they name an operator with a write role and carry the token', async () => {
    app = await startApp((await config()).file);
    seen.length = 0;
    await client.publishAsync('gas/s1/GD-1', '55', { qos: 1 });
    await waitFor(() => events('raised', ID).length === 1, { message: 'hihi raised' });
    const forged = [
      { id: ID, operator: 'wang', comment: 'forged without a token' },
      { id: ID, operator: 'wang', token: 'guess', comment: 'forged' },
      { id: ID, operator: 'mallory', token: TOKEN },
      { id: ID, operator: 'li', token: VIEWER_TOKEN },
      { id: ID, operator: 'wang', token: TOKEN, comment: 'x'.repeat(1001) },
    ];
    for (const body of forged) await client.publishAsync('gaswatch/cmd/ack', JSON.stringify(body), { qos: 1 });
    await client.publishAsync('gaswatch/cmd/shelve', Buffer.alloc(9 * 1024, 0x20), { qos: 1 });
    await waitFor(() => results().length === 6, { message: 'six answers on gaswatch/cmd/result' });
    expect(results().map((r) => `${r.command}:${r.ok}:${r.code}`)).toEqual([
      'ack:false:unauthorized',
      'ack:false:unauthorized',
      'ack:false:unauthorized',
      'ack:false:forbidden',
      'ack:false:too_long',
      'shelve:false:too_large',
    ]);
    expect(app.engine.list().find((a) => a.id === ID)).toMatchObject({ state: 'active_unacked', shelved: false });
    const metrics = await app.metrics.registry.metrics();
    for (const [reason, n] of [
      ['bad_token', 2],
      ['unknown_operator', 1],
      ['forbidden', 1],
      ['too_long', 1],
      ['too_large', 1],
    ] as const)
      expect(metrics).toContain(`gaswatch_mqtt_commands_refused_total{reason="${reason}"} ${n}`);

    await client.publishAsync('gaswatch/cmd/ack', JSON.stringify({ id: ID, operator: 'wang', token: TOKEN }), {
      qos: 1,
    });
    await waitFor(() => events('acked', ID).length === 1, { message: 'the genuine ack applied' });
    expect(results().at(-1)).toMatchObject({ command: 'ack', ok: true, alarm: { ackedBy: 'wang' } });
    expect(await app.metrics.registry.metrics()).toContain('gaswatch_mqtt_commands_total{verb="ack"} 1');
  });
});

describe('the out-of-memory attack: 32 shelve commands with a 4 MB reason (MQTT 5: and 4 × 20 MB telemetry)', () => {
  const attack = async () => {
    const reason = 'r'.repeat(4 * MB);
    for (let i = 0; i < 32; i++)
      await client.publishAsync(
        'gaswatch/cmd/shelve',
        JSON.stringify({ id: ID, operator: 'wang', token: TOKEN, minutes: 60, reason }),
        { qos: 1 },
      );
  };

  for (const protocolVersion of [5, 4] as const)
    it(`MQTT ${protocolVersion === 5 ? '5' : '3.1.1'}: refused by size, memory flat, a HiHi afterwards raised`, async () => {
      const cfg = await config({ protocolVersion });
      // OLD_MAIN=/path/to/an/older/dist/src/main.js runs the attack against another build, for comparison.
      const daemon = startChildDaemon(cfg.file, process.env.OLD_MAIN ? { mainJs: process.env.OLD_MAIN } : {});
      try {
        await daemon.waitForLog('gaswatch running');
        seen.length = 0;
        await client.publishAsync('gas/s1/GD-1', '55', { qos: 1 });
        await waitFor(() => events('raised', ID).length === 1, { message: 'hihi raised' });
        const before = daemon.peakRss();
        await attack();
        if (protocolVersion === 4) {
          // The daemon receives them and refuses each before parsing it.
          await waitFor(() => results().length === 32, { timeout: 60_000, message: '32 refusals answered' });
          expect(new Set(results().map((r) => r.code))).toEqual(new Set(['too_large']));
        } else {
          // and finding 10: 4 telemetry messages of 20 MB (the attack used 100 MB: +163 MB RSS)
          const huge = Buffer.alloc(20 * MB, 0x31);
          for (let i = 0; i < 4; i++) await client.publishAsync('gas/s1/GD-1', huge, { qos: 1 });
          // The broker never sends a packet above our maximumPacketSize.
          await waitFor(
            async () => ((await broker.log()).match(/Dropping too large outgoing PUBLISH/g) ?? []).length >= 36,
            { timeout: 60_000, message: 'the broker dropping 36 packets too large for us' },
          );
          expect(results()).toEqual([]);
        }
        // Life goes on: a HiHi on another sensor published after the attack is raised.
        await client.publishAsync('gas/s1/GD-2', '60', { qos: 1 });
        await waitFor(() => events('raised', 's1/GD-2/hihi').length === 1, { message: 'HiHi after the attack' });
        const growth = daemon.peakRss() - before;
        console.log(
          `MQTT ${protocolVersion}: peak RSS ${Math.round(before / MB)} MB → +${Math.round(growth / MB)} MB over the attack`,
        );
        expect(growth).toBeLessThan((protocolVersion === 5 ? 16 : 100) * MB);
        expect(events('shelved')).toEqual([]);
        expect(daemon.child.exitCode).toBeNull();
      } finally {
        await daemon.stop();
      }
    });
});
