/**
 * The deployment kit's Mosquitto, for real: deploy/make-certs.sh, deploy/make-secrets.sh and
 * deploy/mosquitto/make-passwd.sh run into a temp dir, and the Debian broker starts with the kit's
 * own mosquitto.conf and acl. Only what cannot work outside a container is rewritten — the two
 * listener ports (free loopback ports instead of 8883/8884), the /mosquitto/… paths, the log
 * destination and `user root` — and each rewrite must match, so a reshaped kit file fails here
 * rather than being tested half.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { IClientOptions } from 'mqtt';
import { MOSQUITTO_BIN } from '../helpers/mosquitto.js';
import { freePort, portAccepts } from '../helpers/ports.js';
import { type Lifecycle, lifecycle, spawnLogged, waitReady } from '../helpers/server-process.js';

const run = promisify(execFile);
export const KIT = path.resolve(import.meta.dirname, '../../deploy');
export const KIT_CONF = path.join(KIT, 'mosquitto/mosquitto.conf');
export const KIT_ACL = path.join(KIT, 'mosquitto/acl');

export interface KitBroker extends Lifecycle {
  /** mqtts:// URL of the password listener (the kit's 8883). */
  readonly passwordUrl: string;
  /** mqtts:// URL of the client-certificate listener (the kit's 8884). */
  readonly certUrl: string;
  readonly dir: string;
  readonly certs: string;
  readonly secrets: string;
  readonly logFile: string;
  /** The conf file as run, for failure messages. */
  readonly conf: string;
  password(user: string): Promise<string>;
  /** TLS options trusting only the kit's CA; with a user, that user's password from its secret file. */
  tls(user?: string): Promise<IClientOptions>;
  /** TLS options presenting the client certificate `name` made by make-certs.sh -c. */
  clientCert(name: string): Promise<IClientOptions>;
  log(): Promise<string>;
}

/** The kit's conf with only ports, paths, log and user changed; throws if a rewrite finds nothing. */
export function rewriteKitConf(
  text: string,
  o: { dir: string; certs: string; passwd: string; acl: string; ports: [number, number] },
): string {
  const rewrites: Array<[RegExp, string]> = [
    [/^listener 8883$/m, `listener ${o.ports[0]} 127.0.0.1`],
    [/^listener 8884$/m, `listener ${o.ports[1]} 127.0.0.1`],
    [/\/mosquitto\/certs\//g, `${o.certs}/`],
    [/^password_file \/mosquitto\/passwd\/passwd$/m, `password_file ${o.passwd}`],
    [/^acl_file \/mosquitto\/config\/acl$/m, `acl_file ${o.acl}`],
    [/^persistence_location \/mosquitto\/data\/$/m, `persistence_location ${o.dir}/data/`],
    [/^log_dest stdout$/m, `log_dest file ${o.dir}/mosquitto.log`],
  ];
  let out = text;
  for (const [re, to] of rewrites) {
    if (!re.test(out)) throw new Error(`deploy/mosquitto/mosquitto.conf no longer has ${re}: update the kit test`);
    re.lastIndex = 0;
    out = out.replace(re, to);
  }
  const left = out.split('\n').filter((l) => !l.startsWith('#') && /(^|\s)\/mosquitto\//.test(l));
  if (left.length) throw new Error(`a /mosquitto/ path was left unrewritten: ${left.join('; ')}`);
  // As root Mosquitto drops to the "mosquitto" user, which cannot write the 0700 temp dir.
  return process.getuid?.() === 0 ? `user root\n${out}` : out;
}

export async function startKitBroker(clients: string[] = ['gw-zjk-depot']): Promise<KitBroker> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gaswatch-kit-'));
  const certs = path.join(dir, 'certs');
  const secrets = path.join(dir, 'secrets');
  const passwd = path.join(dir, 'passwd');
  const confFile = path.join(dir, 'mosquitto.conf');
  const logFile = path.join(dir, 'mosquitto.log');
  await mkdir(path.join(dir, 'data'));
  try {
    await run('sh', [path.join(KIT, 'make-certs.sh'), '-d', certs, ...clients.flatMap((c) => ['-c', c])]);
    await run('sh', [path.join(KIT, 'make-secrets.sh'), secrets]);
    await run('sh', [path.join(KIT, 'mosquitto/make-passwd.sh'), secrets, passwd]);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const ports: [number, number] = [0, 0];
  const conf = async () =>
    rewriteKitConf(await readFile(KIT_CONF, 'utf8'), { dir, certs, passwd, acl: KIT_ACL, ports });

  const launch = async () => {
    await writeFile(confFile, await conf());
    const startedAt = (await readFile(logFile, 'utf8').catch(() => '')).length;
    const child = spawnLogged(MOSQUITTO_BIN, ['-c', confFile], logFile);
    await waitReady(`kit mosquitto on ${ports.join('/')}`, child, logFile, async () => {
      const text = await readFile(logFile, 'utf8').catch(() => '');
      return / running$/m.test(text.slice(startedAt)) && (await portAccepts(ports[0])) && (await portAccepts(ports[1]));
    });
    return child;
  };
  const life = lifecycle('kit mosquitto', dir, launch);
  for (let attempt = 1; ; attempt++) {
    ports[0] = await freePort();
    ports[1] = await freePort();
    if (ports[0] === ports[1]) continue;
    try {
      await life.restart();
      break;
    } catch (err) {
      if (attempt >= 3) {
        await life.stop();
        throw err;
      }
    }
  }

  const password = async (user: string) => (await readFile(path.join(secrets, `mqtt-${user}`), 'utf8')).trim();
  const ca = await readFile(path.join(certs, 'ca.crt'));
  return {
    passwordUrl: `mqtts://localhost:${ports[0]}`,
    certUrl: `mqtts://localhost:${ports[1]}`,
    dir,
    certs,
    secrets,
    logFile,
    get conf() {
      return confFile;
    },
    get running() {
      return life.running;
    },
    stop: () => life.stop(),
    stopForOutage: () => life.stopForOutage(),
    kill: () => life.kill(),
    restart: () => life.restart(),
    password,
    async tls(user) {
      return { ca, rejectUnauthorized: true, ...(user ? { username: user, password: await password(user) } : {}) };
    },
    async clientCert(name) {
      const [cert, key] = await Promise.all([
        readFile(path.join(certs, `${name}.crt`)),
        readFile(path.join(certs, `${name}.key`)),
      ]);
      return { ca, cert, key, rejectUnauthorized: true };
    },
    log: () => readFile(logFile, 'utf8'),
  };
}
