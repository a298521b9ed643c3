/** check-config validates mqtt.tls and influx.tls files (issue 11 finding 11), with real PEM files. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkConfigCommand } from '../../src/config/commands.js';
import { loadConfig } from '../../src/config/load.js';
import { Main } from '../../src/config/schema.js';
import { loadTls } from '../../src/config/tls.js';
import { makePki, type Pki } from '../helpers/certs.js';

let dir: string;
let pki: Pki;
let client: { cert: string; key: string };
let other: { cert: string; key: string };

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gaswatch-tls-'));
  pki = await makePki(dir);
  client = await pki.issue('client', { cn: 'gaswatch', client: true });
  other = await pki.issue('other', { cn: 'other', client: true });
  await writeFile(
    path.join(dir, 'profiles.yaml'),
    'gas: { unit: "%LEL", setpoints: { hi: { value: 20, priority: high } } }\n',
  );
  await writeFile(
    path.join(dir, 'site.yaml'),
    'id: s\ntype: station\nsensors: [{ id: GD-1, kind: gas, gas: methane, unit: "%LEL", profile: gas }]\n',
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function main(yaml: string) {
  await writeFile(path.join(dir, 'gaswatch.yaml'), `sites: site.yaml\n${yaml}`);
  return path.join(dir, 'gaswatch.yaml');
}

describe('TLS settings', () => {
  it('accepts good files given relative to the config file', async () => {
    const file = await main(
      'mqtt:\n  url: mqtts://broker:8883\n  tls: { ca: ca.pem, cert: client.pem, key: client.key }\n' +
        'influx:\n  url: https://influx:8086\n  tls: { ca: ca.pem }\n',
    );
    const r = await loadConfig(file, {});
    if (!r.ok) throw new Error(r.errors.join('\n'));
    expect(r.config.tls.mqtt?.ca?.toString()).toContain('BEGIN CERTIFICATE');
    expect(r.config.tls.mqtt?.rejectUnauthorized).toBe(true);
    expect(r.config.tls.influx?.ca).toBeDefined();
  });

  it('reports each broken file at its field, without repeating the path', async () => {
    const file = await main(
      'mqtt:\n  url: mqtt://broker:1883\n  tls: { ca: no-such.pem, cert: client.key, key: other.key }\n' +
        'influx:\n  url: http://influx:8086\n  tls: { ca: site.yaml }\n',
    );
    const r = await loadConfig(file, {});
    const lines = r.ok ? [] : r.errors.map((l) => l.replace(/^.*gaswatch\.yaml:/, ''));
    expect(lines).toEqual([
      '3:8  mqtt.url  mqtt.tls is set: the URL must be mqtts://host:8883 (or wss://…)',
      '4:14  mqtt.tls.ca  cannot read the file: no such file',
      '4:33  mqtt.tls.cert  not a PEM certificate: no "-----BEGIN CERTIFICATE-----" block',
      '6:8  influx.url  influx.tls is set: the URL must be https://…',
      '7:14  influx.tls.ca  not a PEM CA certificate: no "-----BEGIN CERTIFICATE-----" block',
    ]);
  });

  it('finds a key that is not the certificate’s, half a client certificate, and an expired one', async () => {
    const parse = (tls: Record<string, unknown>) => Main.parse({ mqtt: { url: 'mqtts://b:8883', tls } });
    const mismatch = await loadTls(parse({ cert: client.cert, key: other.key }), dir, Date.now());
    expect(mismatch.issues).toEqual([
      { path: ['mqtt', 'tls', 'key'], message: 'the key does not belong to the certificate in `cert`' },
    ]);
    const half = await loadTls(parse({ cert: client.cert }), dir, Date.now());
    expect(half.issues.map((i) => i.message)).toEqual(['a client certificate needs both `cert` and `key`']);
    const later = await loadTls(parse({ cert: client.cert, key: client.key }), dir, Date.now() + 10 * 86_400_000);
    expect(later.issues[0]?.message).toMatch(/^the certificate expired on 20\d\d-/);
  });

  it('check-config warns when the broker certificate is not verified', async () => {
    const file = await main('mqtt:\n  url: mqtts://broker:8883\n  tls: { ca: ca.pem, rejectUnauthorized: false }\n');
    let out = '';
    const code = await checkConfigCommand(
      { config: file, env: {} },
      { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (out += t) } },
    );
    expect(code).toBe(0);
    expect(out).toMatch(/warning: mqtt\.tls\.rejectUnauthorized is false/);
  });
});
