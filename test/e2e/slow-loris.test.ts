/**
 * Issue 11, finding 1, repeated against the real daemon: gaswatch run as a child process under an
 * open-file limit of 1024, with a real Mosquitto and InfluxDB, while 1,500 slow HTTP connections
 * from 50 client addresses promise requests they send a byte every 15 s (and reopen when closed).
 * Before the fix the daemon ran out of descriptors: the console went dark, MQTT could not reconnect
 * (EMFILE), the journal failed, and a HiHi published during the attack was raised only after it.
 *
 * During the attack: the console (`/`, `/api/alarms` with a session and with a token) answers,
 * the broker is restarted and the daemon reconnects, and a 60 %LEL HiHi is raised (retained record
 * on gaswatch/alarms/…) about as fast as before the attack. After it: MQTT connected, an
 * acknowledgement is applied, journaled on disk and published, and nothing logged EMFILE.
 */
import type { ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/http/auth.js';
import { type ConfigDir, spawnDaemon, writeConfigDir } from '../helpers/daemon.js';
import { GAS_PROFILES } from '../helpers/engine.js';
import { type Influxd, startInfluxd } from '../helpers/influxd.js';
import { type Mosquitto, startMosquitto } from '../helpers/mosquitto.js';
import { connectClient } from '../helpers/mqtt-client.js';
import { freePort } from '../helpers/ports.js';
import { logTail } from '../helpers/server-process.js';
import { loopbackAddresses, startSlowLoris } from '../helpers/slow-loris.js';
import { sleep, waitFor } from '../helpers/wait.js';

const NOFILE = 1024;
const SLOW = 1500;
const PASSWORD = 'control-room-pw';
const TOKEN = 'q8Zk2Vb7Xn1Lm4Pr6Ts9Uw3Yc5Ef0Hj2Lx7';
const DB = 'gaswatch_slow_loris';

let broker: Mosquitto;
let influx: Influxd;
let cfg: ConfigDir;
let daemon: ChildProcess | undefined;
let client: MqttClient;
let logFile: string;
let url: string;
/** Arrival time (performance.now()) and payload of every gaswatch/alarms/… message. */
const alarms: { topic: string; payload: string; at: number }[] = [];

beforeAll(async () => {
  [broker, influx] = await Promise.all([startMosquitto(), startInfluxd()]);
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  cfg = await writeConfigDir({
    mqttUrl: broker.url,
    influxUrl: influx.url,
    database: DB,
    profiles: GAS_PROFILES,
    sites: {
      'zjk-depot': {
        id: 'zjk-depot',
        type: 'storage',
        sensors: ['GD-11', 'GD-12', 'GD-13'].map((id) => ({
          id,
          kind: 'gas',
          gas: 'methane',
          unit: '%LEL',
          profile: 'combustible-gas',
        })),
      },
    },
    main: {
      http: { listen: `127.0.0.1:${port}` },
      operators: [
        { name: 'wang', role: 'operator', passwordHash: await hashPassword(PASSWORD, { N: 1024, r: 8, p: 1 }) },
        { name: 'scada-bot', role: 'operator', token: TOKEN },
      ],
    },
  });
  logFile = path.join(cfg.dir, 'daemon.log');
  client = await connectClient(broker.url, {}, (c) =>
    c.on('message', (topic, payload) => alarms.push({ topic, payload: payload.toString(), at: performance.now() })),
  );
  await client.subscribeAsync('gaswatch/alarms/#', { qos: 1 });
});

afterAll(async () => {
  daemon?.kill('SIGKILL');
  await client?.endAsync();
  await Promise.all([broker?.stop(), influx?.stop()]);
  await cfg?.cleanup();
});

/** Publishes a 60 %LEL reading and resolves with the ms until the retained HiHi record arrived. */
async function hihiLatency(sensor: string): Promise<number> {
  const topic = `gaswatch/alarms/zjk-depot/${sensor}/hihi`;
  const sent = performance.now();
  await client.publishAsync(`gas/zjk-depot/${sensor}`, JSON.stringify({ value: 60 }), { qos: 1 });
  const rec = await waitFor(
    () =>
      alarms.find((m) => m.topic === topic && m.at >= sent && JSON.parse(m.payload || '{}').state === 'active_unacked'),
    { timeout: 15_000, message: `retained HiHi of ${sensor}` },
  );
  return rec.at - sent;
}

function openDescriptors(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

describe('slow-loris against the daemon under ulimit -n 1024', () => {
  it('keeps the console, MQTT, alarms and the journal working', { timeout: 120_000 }, async () => {
    daemon = spawnDaemon(cfg.file, logFile, { nofile: NOFILE });
    const pid = daemon.pid as number;
    try {
      await waitFor(async () => (await fetch(`${url}/readyz`)).status === 200, { timeout: 30_000, message: 'ready' });
      expect(await readFile(`/proc/${pid}/limits`, 'utf8')).toMatch(/Max open files\s+1024\s/);
      const login = await fetch(`${url}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'wang', password: PASSWORD }),
      });
      expect(login.status).toBe(200);
      const cookie =
        (login.headers.getSetCookie().find((c) => c.startsWith('gaswatch_session=')) ?? '').split(';')[0] ?? '';
      const csrf = ((await login.json()) as { csrfToken: string }).csrfToken;
      const baseline = await hihiLatency('GD-11');

      const loris = startSlowLoris({
        port: Number(new URL(url).port),
        connections: SLOW,
        addresses: loopbackAddresses(50),
        kinds: ['body-login', 'headers', 'silent', 'body-ack'],
        tickMs: 15_000,
        reopenAfterMs: 200,
      });
      let peakFds = 0;
      const sampler = setInterval(() => {
        try {
          peakFds = Math.max(peakFds, openDescriptors(pid));
        } catch {
          // the process is gone: the assertions below say so
        }
      }, 20);
      let console_: { ok: number; total: number; slowestMs: number; rounds: number[] };
      let attacked: number;
      let reconnectMs: number;
      try {
        await waitFor(() => loris.stats.opened >= SLOW, { timeout: 30_000, message: 'attack fully opened' });
        await sleep(1000);

        // The console, with a session and with a token.
        console_ = { ok: 0, total: 0, slowestMs: 0, rounds: [] };
        for (let i = 0; i < 10; i++) {
          const t0 = performance.now();
          const rs = await Promise.all([
            fetch(`${url}/`),
            fetch(`${url}/api/alarms`, { headers: { cookie } }),
            fetch(`${url}/api/alarms`, { headers: { authorization: `Bearer ${TOKEN}` } }),
          ]);
          for (const r of rs) {
            console_.total++;
            if (r.status === 200) console_.ok++;
            await r.arrayBuffer();
          }
          console_.rounds.push(Math.round(performance.now() - t0));
          console_.slowestMs = Math.max(console_.slowestMs, performance.now() - t0);
        }
        expect(console_.ok).toBe(console_.total);

        // The broker restarts mid-attack: the daemon must find a descriptor to reconnect with.
        await broker.stopForOutage();
        await waitFor(async () => (await fetch(`${url}/readyz`)).status === 503, { message: 'daemon saw the outage' });
        const restarted = performance.now();
        await broker.restart();
        await waitFor(async () => (await fetch(`${url}/readyz`)).status === 200, {
          timeout: 20_000,
          message: 'MQTT reconnected during the attack',
        });
        reconnectMs = performance.now() - restarted;
        await waitFor(() => client.connected, { message: 'test client reconnected' });
        await sleep(300); // let the test client's resubscription land

        attacked = await hihiLatency('GD-12');
        expect(loris.open).toBeGreaterThan(100); // the attack was still holding connections
        expect(attacked).toBeLessThan(Math.max(2000, baseline * 10));
      } finally {
        clearInterval(sampler);
        loris.stop();
      }
      expect(peakFds).toBeLessThan(NOFILE);

      // After the attack: connected, and a write goes through the book, the journal, MQTT and InfluxDB.
      const metrics = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
      expect(metrics).toMatch(/^gaswatch_mqtt_connected 1$/m);
      const shed = Number(/^gaswatch_http_shed_total\{reason="capacity"\} (\d+)$/m.exec(metrics)?.[1] ?? 0);
      expect(shed).toBeGreaterThan(0);
      const ack = await fetch(`${url}/api/alarms/zjk-depot/GD-12/hihi/ack`, {
        method: 'POST',
        headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' },
        body: JSON.stringify({ comment: 'after the attack' }),
      });
      expect(ack.status).toBe(200);
      await waitFor(
        () =>
          alarms.some(
            (m) =>
              m.topic === 'gaswatch/alarms/zjk-depot/GD-12/hihi' &&
              JSON.parse(m.payload || '{}').state === 'active_acked',
          ),
        { message: 'acked record on MQTT' },
      );
      await waitFor(
        async () =>
          (await readFile(path.join(cfg.stateDir, 'journal.jsonl'), 'utf8')).includes('"comment":"after the attack"'),
        { message: 'ack in the journal on disk' },
      );
      await waitFor(async () => (await influx.count(DB, 'alarm_event')) >= 3, { message: 'alarm events in InfluxDB' });
      daemon.kill('SIGTERM');
      const code = await new Promise<number | null>((resolve) => daemon?.once('exit', (c) => resolve(c)));
      expect(code).toBe(0);
      daemon = undefined;
      // spawnDaemon writes the log when the process has exited.
      const log = await waitFor(() => readFile(logFile, 'utf8'), { message: 'daemon log written' });
      expect(log).toMatch(/http connection budget/);
      expect(log).not.toMatch(/EMFILE/);
      console.log(
        `slow-loris: ${SLOW} slow connections from 50 addresses (${loris.stats.opened} opened in all) against ` +
          `the daemon at ulimit -n ${NOFILE}: peak ${peakFds} descriptors; console ${console_.ok}/${console_.total} ` +
          `answered (rounds of 3 requests: ${console_.rounds.join(', ')} ms); broker restart → MQTT back in ` +
          `${(reconnectMs / 1000).toFixed(1)} s; HiHi retained ${attacked.toFixed(0)} ms after publish ` +
          `(${baseline.toFixed(0)} ms before the attack); ${shed} connections shed; after: ack applied, journaled, ` +
          `published; no EMFILE`,
      );
    } catch (err) {
      daemon?.kill('SIGKILL');
      console.error(`--- daemon log\n${await logTail(logFile, 40)}`);
      throw err;
    }
  });
});
