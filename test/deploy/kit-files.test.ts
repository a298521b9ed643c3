/**
 * The kit's files agree with each other and pass their own tools where this machine has them.
 * No Docker engine here: compose.yaml cannot be run, so what can go wrong between its parts is
 * checked instead — every bind mount exists or is made by the kit's scripts, every path the
 * Mosquitto and gaswatch configs read is mounted, every secret they read is given to them, the
 * datasources the dashboard names are provisioned. The gaswatch config passes `check-config`;
 * the systemd unit passes `systemd-analyze verify` and `security` (skipped without systemd-analyze).
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { KIT } from './kit-broker.js';

const run = promisify(execFile);
const ROOT = path.resolve(KIT, '..');
const MAIN_JS = path.join(ROOT, 'dist/src/main.js');

interface Service {
  image?: string;
  build?: unknown;
  volumes?: string[];
  secrets?: string[];
  environment?: Record<string, string>;
  entrypoint?: string[];
  ports?: string[];
}
interface Compose {
  services: Record<string, Service>;
  secrets: Record<string, { file: string }>;
  volumes: Record<string, unknown>;
}

let compose: Compose;
let tmp: string;
let made: { secrets: string[]; certs: string[] };

function mounts(s: Service): Array<{ source: string; target: string }> {
  return (s.volumes ?? []).map((v) => {
    // A source may be ${VAR:-default}, whose ":-" is not the separator.
    const end = v.startsWith('${') ? v.indexOf('}') + 1 : 0;
    const sep = v.indexOf(':', end);
    const source = v.slice(0, sep);
    const target = v.slice(sep + 1).replace(/:(ro|rw)$/, '');
    return { source, target };
  });
}

/** The mount whose target holds `file` (the longest match), or undefined. */
function mountOf(s: Service, file: string): { source: string; target: string } | undefined {
  return mounts(s)
    .filter((m) => file === m.target || file.startsWith(m.target.endsWith('/') ? m.target : `${m.target}/`))
    .sort((a, b) => b.target.length - a.target.length)[0];
}

beforeAll(async () => {
  compose = parse(await readFile(path.join(KIT, 'compose.yaml'), 'utf8')) as Compose;
  tmp = await mkdtemp(path.join(os.tmpdir(), 'gaswatch-kitfiles-'));
  await run('sh', [path.join(KIT, 'make-certs.sh'), '-d', path.join(tmp, 'certs')]);
  await run('sh', [path.join(KIT, 'make-secrets.sh'), path.join(tmp, 'secrets')]);
  made = { secrets: await readdir(path.join(tmp, 'secrets')), certs: await readdir(path.join(tmp, 'certs')) };
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('compose.yaml', () => {
  it('pins every image and mounts only what exists or what the kit scripts make', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      if (s.image) expect(s.image, name).toMatch(/^[\w./-]+:(?!latest$)[\w.-]+$/);
      for (const { source } of mounts(s)) {
        if (!source.startsWith('.') && !source.startsWith('$')) {
          expect(compose.volumes, `${name}: named volume ${source}`).toHaveProperty(source);
          continue;
        }
        // ${GASWATCH_FACILITY:-../config}: the default must exist.
        const rel = source.replace(/^\$\{[A-Z_]+:-([^}]+)\}$/, '$1');
        const [top, ...rest] = path.normalize(rel).split(path.sep);
        if (top === 'secrets')
          expect(rest.length === 0 || made.secrets.includes(rest.join('/')), `${name}: ${source}`).toBe(true);
        else if (top === 'certs')
          expect(rest.length === 0 || made.certs.includes(rest.join('/')), `${name}: ${source}`).toBe(true);
        else expect(existsSync(path.join(KIT, rel)), `${name}: ${source} missing`).toBe(true);
      }
    }
    for (const [name, s] of Object.entries(compose.secrets))
      expect(made.secrets, `secret ${name} (${s.file}) is made by make-secrets.sh`).toContain(path.basename(s.file));
  });

  it('mounts every file mosquitto.conf reads, where it reads it', async () => {
    const conf = await readFile(path.join(KIT, 'mosquitto/mosquitto.conf'), 'utf8');
    const files = [
      ...conf.matchAll(/^(?:cafile|certfile|keyfile|password_file|acl_file|persistence_location) (\S+)$/gm),
    ];
    expect(files.length).toBeGreaterThanOrEqual(8);
    const broker = compose.services['mosquitto'] as Service;
    const init = compose.services['mosquitto-init'] as Service;
    for (const [, file = ''] of files) {
      const m = mountOf(broker, file);
      expect(m, `mosquitto does not mount ${file}`).toBeDefined();
      // Volumes the broker reads are filled by mosquitto-init (certificates, password file).
      if (m && !m.source.startsWith('.') && m.source !== 'mosquitto-data')
        expect(mounts(init).map((x) => x.source)).toContain(m.source);
    }
    const initScript = await readFile(path.join(KIT, 'mosquitto/init.sh'), 'utf8');
    expect(initScript).toMatch(/\/mosquitto\/passwd\/passwd/);
    expect(conf).toMatch(/^password_file \/mosquitto\/passwd\/passwd$/m);
  });

  it('gives gaswatch every secret, path and the CA its config reads', async () => {
    const text = await readFile(path.join(KIT, 'gaswatch/gaswatch.yaml'), 'utf8');
    const cfg = parse(text) as {
      state: { dir: string };
      sites: string;
      profiles: string;
      http: { listen: string };
      mqtt: { tls: { ca: string } };
    };
    const gw = compose.services['gaswatch'] as Service;
    for (const [, secret] of text.matchAll(/\$\{file:\/run\/secrets\/([^}]+)\}/g)) expect(gw.secrets).toContain(secret);
    for (const p of [cfg.state.dir, cfg.sites, cfg.profiles, '/etc/gaswatch/gaswatch.yaml'])
      expect(mountOf(gw, p), `gaswatch does not mount ${p}`).toBeDefined();
    expect(mountOf(gw, cfg.mqtt.tls.ca)?.source).toBe('./certs/ca.crt');
    // Prometheus scrapes the daemon where it listens.
    const prom = parse(await readFile(path.join(KIT, 'prometheus/prometheus.yml'), 'utf8'));
    const port = cfg.http.listen.split(':').at(-1);
    expect(prom.scrape_configs[0].static_configs[0].targets).toEqual([`gaswatch:${port}`]);
  });

  it("provisions the datasources the dashboard names, with the password Grafana's entrypoint exports", async () => {
    const ds = parse(await readFile(path.join(KIT, 'grafana/provisioning/datasources/gaswatch.yaml'), 'utf8'));
    const uids = ds.datasources.map((d: { uid: string }) => d.uid);
    const dashboard = await readFile(path.join(KIT, 'grafana/dashboards/gaswatch.json'), 'utf8');
    const used = new Set(
      [...dashboard.matchAll(/"uid": "([^"]+)"/g)].map((m) => m[1]).filter((u) => u !== 'gaswatch-sites'),
    );
    expect([...used].sort()).toEqual([...uids].sort());
    const grafana = compose.services['grafana'] as Service;
    for (const [, name] of JSON.stringify(ds).matchAll(/\$\{(\w+)\}/g))
      expect(grafana.entrypoint?.join(' '), `grafana does not export ${name}`).toContain(`export ${name}=`);
    const provider = parse(await readFile(path.join(KIT, 'grafana/provisioning/dashboards/gaswatch.yaml'), 'utf8'));
    expect(mountOf(grafana, provider.providers[0].options.path)?.source).toBe('./grafana/dashboards');
  });
});

describe('deploy/gaswatch/gaswatch.yaml', () => {
  it('passes check-config with the kit secrets and the shipped facility', async () => {
    const text = (await readFile(path.join(KIT, 'gaswatch/gaswatch.yaml'), 'utf8'))
      .replaceAll('/run/secrets/', `${path.join(tmp, 'secrets')}/`)
      .replaceAll('/srv/gaswatch/facility/', `${path.join(ROOT, 'config')}/`)
      .replaceAll('/etc/gaswatch-ca/', `${path.join(tmp, 'certs')}/`);
    const file = path.join(tmp, 'gaswatch.yaml');
    await writeFile(file, text);
    const { stdout } = await run(process.execPath, [MAIN_JS, 'check-config', '--config', file]);
    expect(stdout).toMatch(/: OK\n[\s\S]*sites: 2, sensors: 17/);
  });
});

const analyze = (() => {
  try {
    execFileSync('systemd-analyze', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!analyze)('deploy/systemd/gaswatch.service', () => {
  const unit = path.join(KIT, 'systemd/gaswatch.service');

  it('passes systemd-analyze verify without a warning', async () => {
    const { stdout, stderr } = await run('systemd-analyze', ['verify', unit]);
    expect(`${stdout}${stderr}`).toBe('');
  });

  it('scores as well hardened in systemd-analyze security', async () => {
    const out = await run('systemd-analyze', ['security', '--offline=true', '--no-pager', unit]).then(
      (r) => r.stdout,
      (err: { stdout?: string }) => err.stdout ?? '',
    );
    const level = Number(out.match(/Overall exposure level for gaswatch\.service: ([\d.]+)/)?.[1]);
    console.log(`systemd-analyze security: exposure ${level} (0 = locked down, 10 = unprotected)`);
    expect(level).toBeLessThan(2);
  });
});
