/**
 * A gaswatch HTTP server over the in-memory fixtures, with a manual clock and known operators.
 * Tests log in through the real endpoints; the returned helpers only carry cookies and tokens.
 * As in the daemon, a real hazard register (no rules: hazards are registered by hand) feeds the
 * event stream, and the real KPI service reads the fixtures' journal.
 */
import type { LightMyRequestResponse } from 'fastify';
import { HazardRegister } from '../../src/hazards/register.js';
import { hashPassword, type OperatorConfig } from '../../src/http/auth.js';
import { createMetrics } from '../../src/http/metrics.js';
import { createHttpServer, type HttpServer, type HttpServerDeps } from '../../src/http/server.js';
import { KpiService } from '../../src/kpis/service.js';
import { type Clock, ManualClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { hazardsConfig } from '../hazards/rig.js';
import { GAS_PROFILES, sitesFrom } from '../helpers/engine.js';
import { FakePlant } from './fixtures.js';

/** Cheap scrypt for tests; the format and code path are those of production hashes. */
const CHEAP = { N: 1024, r: 8, p: 1 };

export const PASSWORDS = { wang: 'wang-operator-pw', zhao: 'zhao-viewer-pw', root: 'root-admin-pw' } as const;
export const TOKENS = { bot: 'tok-operator-0123456789abcdef', dash: 'tok-viewer-0123456789abcdef' } as const;

export async function testOperators(): Promise<OperatorConfig[]> {
  return [
    { name: 'wang', role: 'operator', passwordHash: await hashPassword(PASSWORDS.wang, CHEAP) },
    { name: 'zhao', role: 'viewer', passwordHash: await hashPassword(PASSWORDS.zhao, CHEAP) },
    { name: 'root', role: 'admin', passwordHash: await hashPassword(PASSWORDS.root, CHEAP) },
    { name: 'scada-bot', role: 'operator', token: TOKENS.bot },
    { name: 'wallboard', role: 'viewer', token: TOKENS.dash },
  ];
}

/** Two sites with gas detectors and one pressure transmitter, as in the SPEC examples. */
export function seedPlant(plant: FakePlant): void {
  plant.gasSensor('zjk-depot', 'GD-12', 'compressor-2');
  plant.gasSensor('zjk-depot', 'GD-13', 'tank-1');
  plant.gasSensor('zjk-depot', 'GD-14', 'loading-bay');
  plant.gasSensor('bj-station-3', 'GD-01', 'dispenser-1');
  plant.sensors.define('zjk-depot', 'PT-101', { kind: 'pressure', unit: 'MPa', asset: 'tank-1' });
}

/** The plant's sites as site files would declare them, with a responsibility chain (owners of hazards). */
export function plantSites() {
  const gas = (id: string) => ({ id, kind: 'gas', gas: 'methane', unit: '%LEL', profile: 'combustible-gas' });
  const chain = [
    { name: 'Li Wei', role: 'shift operator', escalateAfter: '5m' },
    { name: 'Zhao Min', role: 'site safety officer', escalateAfter: '15m' },
  ];
  return sitesFrom(GAS_PROFILES, [
    {
      id: 'zjk-depot',
      type: 'storage',
      responsible: chain,
      sensors: [
        gas('GD-12'),
        gas('GD-13'),
        gas('GD-14'),
        { id: 'PT-101', kind: 'pressure', unit: 'MPa', profile: 'pressure' },
      ],
    },
    { id: 'bj-station-3', type: 'station', responsible: chain, sensors: [gas('GD-01')] },
  ]);
}

export interface Harness {
  server: HttpServer;
  plant: FakePlant;
  hazards: HazardRegister;
  clock: ManualClock;
  metrics: ReturnType<typeof createMetrics>;
  operators: OperatorConfig[];
}

export async function makeHarness(
  opts: { anonymousViewer?: boolean; clock?: Clock; listen?: string; extra?: Partial<HttpServerDeps> } = {},
): Promise<Harness> {
  const clock = (opts.clock as ManualClock | undefined) ?? new ManualClock();
  const plant = new FakePlant(clock);
  seedPlant(plant);
  const metrics = createMetrics({ defaultMetrics: false });
  const operators = await testOperators();
  const sites = plantSites();
  const hazards = new HazardRegister(hazardsConfig({}), {
    clock,
    logger: silentLogger(),
    sites: () => sites,
    out: (b) => {
      plant.live.emitHazards(b);
      return Promise.resolve();
    },
  });
  hazards.applyConfig(hazardsConfig({}), sites);
  const kpis = new KpiService({
    journal: () => plant.alarms.history({ limit: Number.POSITIVE_INFINITY }),
    standing: () => plant.alarms.list(),
    stored: undefined,
    now: () => clock.now(),
  });
  const server = createHttpServer({
    listen: opts.listen ?? '127.0.0.1:0',
    alarms: plant.alarms,
    sensors: plant.sensors,
    live: plant.live,
    health: plant.health,
    metrics,
    operators,
    anonymousViewer: opts.anonymousViewer ?? false,
    logger: silentLogger(),
    clock,
    hazards,
    kpis,
    ...opts.extra,
  });
  return { server, plant, hazards, clock, metrics, operators };
}

export interface Session {
  cookie: string;
  csrf: string;
  /** Headers for a write: cookie and CSRF token. */
  write: Record<string, string>;
}

export async function login(server: HttpServer, name: string, password: string, ip = '127.0.0.1'): Promise<Session> {
  const res = await server.app.inject({
    method: 'POST',
    url: '/api/login',
    payload: { name, password },
    remoteAddress: ip,
  });
  if (res.statusCode !== 200) throw new Error(`login ${name} failed: ${res.statusCode} ${res.body}`);
  const cookie = sessionCookie(res);
  const csrf = (res.json() as { csrfToken: string }).csrfToken;
  return { cookie, csrf, write: { cookie, 'x-csrf-token': csrf } };
}

export function sessionCookie(res: LightMyRequestResponse): string {
  const set = res.headers['set-cookie'];
  const line = (Array.isArray(set) ? set : [set ?? '']).find((c) => c.startsWith('gaswatch_session='));
  if (!line) throw new Error(`no session cookie in ${JSON.stringify(set)}`);
  return line.split(';')[0] as string;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
