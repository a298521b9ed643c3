/**
 * Transport security (issue 11 finding 11) against real servers: Mosquitto TLS listeners and an
 * HTTPS InfluxDB, with a private CA, server and client certificates made by the test with openssl.
 * The daemon connects with `mqtt.tls` and `influx.tls` (paths relative to its config file), with and
 * without a client certificate; a broker it cannot verify, a broker demanding a certificate it does
 * not have, and a name that does not match are all refused, and said so in the log.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { AlarmEvent } from '../../src/domain/types.js';
import { makePki, type Pki } from '../helpers/certs.js';
import { startChildDaemon } from '../helpers/child-daemon.js';
import { type ConfigDir, startApp, writeConfigDir } from '../helpers/daemon.js';
import { type Influxd, startInfluxd } from '../helpers/influxd.js';
import { type Mosquitto, startMosquitto } from '../helpers/mosquitto.js';
import { connectClient, type ReceivedMessage, recordAll } from '../helpers/mqtt-client.js';
import { waitFor } from '../helpers/wait.js';

const DB = 'gaswatch_tls';
let holder: ConfigDir;
let pki: Pki;
let rogue: Pki;
let server: { cert: string; key: string };
let named: { cert: string; key: string };
let client: { cert: string; key: string };
/** TLS, server certificate only. */
let open: Mosquitto;
/** TLS, require_certificate true. */
let strict: Mosquitto;
/** TLS, a certificate for broker.gaswatch.test only. */
let byName: Mosquitto;
let influx: Influxd;
const dirs: ConfigDir[] = [];

const PROFILES = { gas: { unit: '%LEL', range: [0, 100], setpoints: { hihi: { value: 40, priority: 'critical' } } } };
const SITES = {
  s1: {
    id: 's1',
    type: 'station',
    sensors: [{ id: 'GD-1', kind: 'gas', gas: 'methane', unit: '%LEL', profile: 'gas', interval: '1h' }],
  },
};

beforeAll(async () => {
  holder = await writeConfigDir({ mqttUrl: 'mqtt://unused:1', profiles: {}, sites: {} });
  pki = await makePki(holder.dir, 'site-ca');
  rogue = await makePki(holder.dir, 'rogue-ca');
  server = await pki.issue('broker', { cn: '127.0.0.1', san: ['IP:127.0.0.1', 'DNS:localhost'] });
  named = await pki.issue('broker-named', { cn: 'broker.gaswatch.test', san: ['DNS:broker.gaswatch.test'] });
  client = await pki.issue('gaswatch-client', { cn: 'gaswatch-1', client: true });
  const tls = (s: { cert: string; key: string }, requireCertificate = false) => ({
    cafile: pki.ca,
    certfile: s.cert,
    keyfile: s.key,
    requireCertificate,
  });
  [open, strict, byName, influx] = await Promise.all([
    startMosquitto({ tls: tls(server) }),
    startMosquitto({ tls: tls(server, true) }),
    startMosquitto({ tls: tls(named) }),
    startInfluxd({ https: { certificate: server.cert, privateKey: server.key, ca: pki.ca } }),
  ]);
});

afterAll(async () => {
  await Promise.all([open?.stop(), strict?.stop(), byName?.stop(), influx?.stop()]);
  for (const d of [...dirs, holder]) await d?.cleanup();
});

/** A config whose TLS files are given relative to the config file, as an operator writes them. */
async function config(mqttUrl: string, tls: Record<string, unknown>, influxTls = false): Promise<ConfigDir> {
  const rel = (f: string) => path.relative(holder.dir, f);
  const relTls = Object.fromEntries(
    Object.entries(tls).map(([k, v]) => [
      k,
      typeof v === 'string' && k !== 'servername' ? `../${path.basename(holder.dir)}/${rel(v)}` : v,
    ]),
  );
  const cfg = await writeConfigDir({
    mqttUrl,
    influxUrl: influxTls ? influx.url : undefined,
    database: DB,
    main: {
      mqtt: { tls: relTls },
      ...(influxTls ? { influx: { tls: { ca: `../${path.basename(holder.dir)}/${rel(pki.ca)}` } } } : {}),
    },
    profiles: PROFILES,
    sites: SITES,
  });
  dirs.push(cfg);
  return cfg;
}

async function tlsClient(broker: Mosquitto, seen: ReceivedMessage[] = []): Promise<MqttClient> {
  const [ca, cert, key] = await Promise.all([readFile(pki.ca), readFile(client.cert), readFile(client.key)]);
  const servername = broker === byName ? { servername: 'broker.gaswatch.test' } : {};
  const c = await connectClient(broker.url, { ca, cert, key, ...servername }, recordAll(seen));
  await c.subscribeAsync('gaswatch/events', { qos: 1 });
  return c;
}

async function raisesHiHi(app: App, broker: Mosquitto): Promise<void> {
  const seen: ReceivedMessage[] = [];
  const c = await tlsClient(broker, seen);
  try {
    await c.publishAsync('gas/s1/GD-1', '55', { qos: 1 });
    await waitFor(
      () => seen.some((m) => m.topic === 'gaswatch/events' && (JSON.parse(m.payload) as AlarmEvent).type === 'raised'),
      { message: 'HiHi raised over TLS' },
    );
    expect(app.readiness().ready).toBe(true);
  } finally {
    await c.endAsync();
  }
}

describe('MQTT over TLS', () => {
  it('with a private CA, and InfluxDB over HTTPS with the same CA', async () => {
    const app = await startApp((await config(open.url, { ca: pki.ca }, true)).file);
    try {
      expect(open.url).toMatch(/^mqtts:/);
      expect(influx.url).toMatch(/^https:/);
      await raisesHiHi(app, open);
      await waitFor(async () => (await influx.count(DB, 'reading')) === 1, { message: 'reading stored over HTTPS' });
      expect(await influx.count(DB, 'alarm_event')).toBe(1);
    } finally {
      await app.stop();
    }
  });

  it('with a client certificate, where the broker requires one', async () => {
    const app = await startApp((await config(strict.url, { ca: pki.ca, cert: client.cert, key: client.key })).file);
    try {
      await raisesHiHi(app, strict);
    } finally {
      await app.stop();
    }
  });

  it('with servername, when the address is not the certificate’s name', async () => {
    const app = await startApp((await config(byName.url, { ca: pki.ca, servername: 'broker.gaswatch.test' })).file);
    try {
      await raisesHiHi(app, byName);
    } finally {
      await app.stop();
    }
  });

  const refused: [string, () => Promise<ConfigDir>, RegExp][] = [
    [
      'a broker signed by another CA',
      () => config(open.url, { ca: rogue.ca }),
      /self.signed|unable to verify|certificate/i,
    ],
    [
      'a broker that requires a client certificate we lack',
      () => config(strict.url, { ca: pki.ca }),
      /certificate|alert|closed|reset/i,
    ],
    ['a certificate for another name', () => config(byName.url, { ca: pki.ca }), /altnames|does not match|hostname/i],
  ];
  for (const [what, make, error] of refused)
    it(`refuses ${what}, and says why`, async () => {
      const daemon = startChildDaemon((await make()).file);
      try {
        const line = await daemon.waitForLog(/MQTT error|not reachable/, 20_000);
        expect(JSON.stringify(line)).toMatch(error);
        expect(daemon.logs().some((l) => l.msg === 'MQTT connected')).toBe(false);
      } finally {
        // Still trying to connect: a SIGTERM cuts that short and stops cleanly.
        daemon.child.kill('SIGTERM');
        expect(await daemon.exited).toEqual({ code: 0, signal: null });
      }
    });
});
