/**
 * Secrets never reach the output (issue 11 finding 3). A real daemon (child process) and
 * `check-config` run with secrets in every place the attack found them: a password in mqtt.url
 * (logged on connect, error and connection lost — the broker is restarted under it), an InfluxDB
 * that answers 401 to a wrong password (its request carried `Authorization: Basic …`), and
 * `${env:}`/`${file:}` substitutions used as paths. Everything they print is searched for every
 * secret, in every form it could take.
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChildDaemon } from '../helpers/child-daemon.js';
import { type ConfigDir, writeConfigDir } from '../helpers/daemon.js';
import { type Influxd, startInfluxd } from '../helpers/influxd.js';
import { type Mosquitto, startMosquitto } from '../helpers/mosquitto.js';
import { connectClient } from '../helpers/mqtt-client.js';
import { sleep, waitFor } from '../helpers/wait.js';

const MAIN_JS = path.resolve('dist/src/main.js');
const MQTT_PASSWORD = 'mqtt-Pa55-w0rd-7b1e';
const INFLUX_PASSWORD = 'influx-wrong-9c44-pw';
const PROFILES_SECRET = 'profsecret-e81d';
const SITES_SECRET = 'sitesecret-2f07';
const TOKEN = 'api-token-4d2a-7be21c90f5d34a86b1e3';

let broker: Mosquitto;
let influx: Influxd;
let cfg: ConfigDir;

/** Every form a secret could be printed in. */
function forms(): string[] {
  const basic = (u: string, p: string) => Buffer.from(`${u}:${p}`).toString('base64');
  return [
    MQTT_PASSWORD,
    INFLUX_PASSWORD,
    PROFILES_SECRET,
    SITES_SECRET,
    TOKEN,
    basic('gaswatch', INFLUX_PASSWORD),
    basic('gw', MQTT_PASSWORD),
    encodeURIComponent(INFLUX_PASSWORD),
  ];
}

beforeAll(async () => {
  [broker, influx] = await Promise.all([
    startMosquitto({ persistence: true }),
    startInfluxd({ admin: { username: 'gaswatch', password: 'the-right-one' } }),
  ]);
  cfg = await writeConfigDir({
    mqttUrl: broker.url.replace('mqtt://', `mqtt://gw:\${env:GW_MQTT_PASSWORD}@`),
    influxUrl: influx.url,
    main: {
      influx: { username: 'gaswatch', password: '${file:influx-password}' },
      operators: [{ name: 'wang', role: 'operator', token: '${env:GW_TOKEN}' }],
      // substitutions used as paths: the file names themselves are secret
      profiles: '${file:profiles-path}',
      sites: '${env:GW_SITES}',
    },
    profiles: {},
    sites: {},
  });
  await writeFile(path.join(cfg.dir, 'influx-password'), `${INFLUX_PASSWORD}\n`);
  await writeFile(path.join(cfg.dir, 'profiles-path'), `${PROFILES_SECRET}.yaml\n`);
  await writeFile(
    path.join(cfg.dir, `${PROFILES_SECRET}.yaml`),
    'gas: { unit: "%LEL", range: [0, 100], setpoints: { hi: { value: 20, priority: high } } }\n',
  );
  await mkdir(path.join(cfg.dir, SITES_SECRET));
  await writeFile(
    path.join(cfg.dir, SITES_SECRET, 's1.yaml'),
    'id: s1\ntype: station\nsensors: [{ id: GD-1, kind: gas, gas: methane, unit: "%LEL", profile: gas, interval: 1h }]\n',
  );
});

afterAll(async () => {
  await Promise.all([broker?.stop(), influx?.stop(), cfg?.cleanup()]);
});

const env = () => ({
  GW_MQTT_PASSWORD: MQTT_PASSWORD,
  GW_TOKEN: TOKEN,
  GW_SITES: `${SITES_SECRET}/*.yaml`,
});

function leaks(text: string): string[] {
  return forms().filter((s) => text.includes(s));
}

describe('secrets in the output', () => {
  it('the daemon prints none: connect, broker outage, InfluxDB 401, debug level', async () => {
    const daemon = startChildDaemon(cfg.file, { env: { ...env(), GASWATCH_LOG_LEVEL: 'debug' } });
    try {
      await daemon.waitForLog('gaswatch running');
      const pub = await connectClient(broker.url);
      await pub.publishAsync('gas/s1/GD-1', '25', { qos: 1 });
      await pub.endAsync();
      // the reading goes to InfluxDB, which refuses the password: the 401 is logged
      await daemon.waitForLog(/InfluxDB|spool/, 20_000);
      await broker.stopForOutage();
      await daemon.waitForLog('MQTT connection lost');
      await sleep(1500); // reconnect attempts fail while it is down: "MQTT error" lines
      await broker.restart();
      await waitFor(() => daemon.logs().filter((l) => l.msg === 'MQTT connected').length >= 2, {
        timeout: 30_000,
        message: 'reconnected',
      });
    } finally {
      await daemon.stop();
    }
    const out = daemon.lines.join('\n');
    // the lines that used to carry the secrets are there, masked
    expect(out).toMatch(/mqtt:\/\/\*\*\*@127\.0\.0\.1/);
    expect(daemon.logs().some((l) => /401|authorization failed/i.test(JSON.stringify(l)))).toBe(true);
    expect(daemon.logs().some((l) => l.msg === 'MQTT connection lost')).toBe(true);
    expect(leaks(out)).toEqual([]);
  });

  it('check-config prints none, valid or not', async () => {
    const run = (extraEnv: Record<string, string>) =>
      promisify(execFile)(process.execPath, [MAIN_JS, 'check-config', '--config', cfg.file], {
        env: { ...process.env, ...env(), ...extraEnv },
      }).then(
        (r) => ({ code: 0, out: r.stdout + r.stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
      );
    const ok = await run({});
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('sites: 1, sensors: 1');
    // a sites glob that matches nothing and a substituted value that is not a URL
    const bad = await run({ GW_SITES: `${SITES_SECRET}-nothing/*.yaml`, GW_MQTT_PASSWORD: `${MQTT_PASSWORD} x@y` });
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/ {2}sites {2}/);
    expect(leaks(ok.out + bad.out)).toEqual([]);
  });
});
