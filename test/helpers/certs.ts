/**
 * A private PKI made with `openssl` for TLS tests: a CA, server certificates for the names given,
 * and a client certificate — as a site's own CA would issue them. EC P-256, valid for two days.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export interface Pki {
  dir: string;
  ca: string;
  caKey: string;
  /** Issue a certificate signed by this CA: `name.pem` and `name.key` in `dir`. */
  issue(name: string, opts: { cn: string; san?: string[]; client?: boolean }): Promise<{ cert: string; key: string }>;
}

export async function makePki(dir: string, caName = 'ca'): Promise<Pki> {
  const ca = path.join(dir, `${caName}.pem`);
  const caKey = path.join(dir, `${caName}.key`);
  await run('openssl', [
    'req',
    '-x509',
    ...EC,
    '-keyout',
    caKey,
    '-out',
    ca,
    '-days',
    '2',
    '-subj',
    `/CN=gaswatch test ${caName}`,
  ]);
  return {
    dir,
    ca,
    caKey,
    async issue(name, opts) {
      const key = path.join(dir, `${name}.key`);
      const csr = path.join(dir, `${name}.csr`);
      const cert = path.join(dir, `${name}.pem`);
      const ext = path.join(dir, `${name}.ext`);
      await run('openssl', ['req', '-new', ...EC, '-keyout', key, '-out', csr, '-subj', `/CN=${opts.cn}`]);
      const lines = [
        'basicConstraints=CA:FALSE',
        `extendedKeyUsage=${opts.client ? 'clientAuth' : 'serverAuth'}`,
        ...(opts.san?.length ? [`subjectAltName=${opts.san.join(',')}`] : []),
      ];
      await writeFile(ext, `${lines.join('\n')}\n`);
      await run('openssl', [
        'x509',
        '-req',
        '-in',
        csr,
        '-CA',
        ca,
        '-CAkey',
        caKey,
        '-CAcreateserial',
        '-out',
        cert,
        '-days',
        '2',
        '-extfile',
        ext,
      ]);
      return { cert, key };
    },
  };
}
