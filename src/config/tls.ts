/**
 * Transport security material (issue 11 finding 11): `mqtt.tls` (`ca`, `cert`, `key`, `servername`,
 * `rejectUnauthorized`) and `influx.tls` (`ca`). Files are PEM, paths relative to the config file.
 * They are read and checked when the config is loaded — exist, parse as PEM, the key matches the
 * certificate, the certificate is not expired, the URL speaks TLS — so `check-config` reports a
 * broken file at its line, and the daemon uses exactly what was checked. Messages never repeat the
 * path (the line already points at the field, and a substituted path is a secret).
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { PathIssue } from './check-profile.js';
import type { MainConfig } from './schema.js';

export interface MqttTls {
  ca?: Buffer | undefined;
  cert?: Buffer | undefined;
  key?: Buffer | undefined;
  servername?: string | undefined;
  rejectUnauthorized: boolean;
}

export interface TlsMaterial {
  mqtt: MqttTls | undefined;
  influx: { ca?: Buffer | undefined } | undefined;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

export async function loadTls(
  main: MainConfig,
  baseDir: string,
  now: number,
): Promise<{ tls: TlsMaterial; issues: PathIssue[] }> {
  const issues: PathIssue[] = [];
  const read = async (file: string | undefined, at: (string | number)[]): Promise<Buffer | undefined> => {
    if (file === undefined) return undefined;
    try {
      return await readFile(path.resolve(baseDir, file));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      issues.push({ path: at, message: `cannot read the file: ${code === 'ENOENT' ? 'no such file' : code}` });
      return undefined;
    }
  };
  const certs = (pem: Buffer | undefined, at: (string | number)[], what: string): X509Certificate[] => {
    if (!pem) return [];
    const blocks = pem.toString('utf8').match(PEM_CERT) ?? [];
    if (blocks.length === 0) {
      issues.push({ path: at, message: `not a PEM ${what}: no "-----BEGIN CERTIFICATE-----" block` });
      return [];
    }
    const out: X509Certificate[] = [];
    for (const [i, block] of blocks.entries()) {
      try {
        out.push(new X509Certificate(block));
      } catch (err) {
        issues.push({
          path: at,
          message: `certificate ${i + 1} of the file does not parse: ${(err as Error).message}`,
        });
      }
    }
    return out;
  };

  let mqtt: MqttTls | undefined;
  const m = main.mqtt.tls;
  if (m) {
    const at = (k: string) => ['mqtt', 'tls', k];
    if (!/^(mqtts|tls|wss):\/\//.test(main.mqtt.url))
      issues.push({
        path: ['mqtt', 'url'],
        message: 'mqtt.tls is set: the URL must be mqtts://host:8883 (or wss://…)',
      });
    if ((m.cert === undefined) !== (m.key === undefined))
      issues.push({
        path: at(m.cert === undefined ? 'key' : 'cert'),
        message: 'a client certificate needs both `cert` and `key`',
      });
    const [ca, cert, key] = await Promise.all([read(m.ca, at('ca')), read(m.cert, at('cert')), read(m.key, at('key'))]);
    certs(ca, at('ca'), 'CA certificate');
    const [leaf] = certs(cert, at('cert'), 'certificate');
    if (leaf && Date.parse(leaf.validTo) < now)
      issues.push({ path: at('cert'), message: `the certificate expired on ${new Date(leaf.validTo).toISOString()}` });
    if (key) {
      try {
        const k = createPrivateKey(key);
        if (leaf && !leaf.checkPrivateKey(k))
          issues.push({ path: at('key'), message: 'the key does not belong to the certificate in `cert`' });
      } catch (err) {
        issues.push({ path: at('key'), message: `not a PEM private key: ${(err as Error).message}` });
      }
    }
    mqtt = { ca, cert, key, servername: m.servername, rejectUnauthorized: m.rejectUnauthorized };
  }

  let influx: TlsMaterial['influx'];
  const i = main.influx.tls;
  if (i) {
    if (!main.influx.url.startsWith('https://'))
      issues.push({ path: ['influx', 'url'], message: 'influx.tls is set: the URL must be https://…' });
    const ca = await read(i.ca, ['influx', 'tls', 'ca']);
    certs(ca, ['influx', 'tls', 'ca'], 'CA certificate');
    influx = { ca };
  }
  return { tls: { mqtt, influx }, issues };
}
