/**
 * A hot-standby pair (SPEC §10) for the e2e tests: two nodes of one partition — the same
 * `mqtt.clientId` and `mqtt.instance`, their own `ha.node`, state directory and HTTP port — each run
 * as the built daemon in a child process (SIGKILL, restart), and a watcher of the partition's
 * status that notes when each status arrived.
 */
import type { MqttClient } from 'mqtt';
import { type ChildDaemon, startChildDaemon } from './child-daemon.js';
import { type ConfigDir, writeConfigDir } from './daemon.js';
import { connectClient } from './mqtt-client.js';
import { freePort } from './ports.js';
import { waitFor } from './wait.js';

export const INSTANCE = 'p1';
export const CLIENT_ID = 'gaswatch-pair-p1';

export interface PairNode {
  name: string;
  cfg: ConfigDir;
  port: number;
  daemon: ChildDaemon | undefined;
  start(): ChildDaemon;
  /** `/readyz`: its status code and body. */
  readyz(): Promise<{
    status: number;
    body: { ready: boolean; role?: string; reasons: string[]; term?: number; watching?: boolean };
  }>;
  /** `/metrics` as text. */
  metrics(): Promise<string>;
  /** Waits until `/readyz` says this role (active: and ready; standby: and watching the status). */
  waitRole(role: 'active' | 'standby', timeout?: number): Promise<void>;
}

export interface PairOptions {
  /** The broker URL each node connects to (a TCP proxy for a node whose link a test cuts). */
  mqttUrl: (node: string) => string;
  influxUrl?: string | undefined;
  database?: string;
  profiles: unknown;
  sites: Record<string, unknown>;
  takeoverAfter: string;
  /** More keys of gaswatch.yaml, per node. */
  main?: (node: string) => Record<string, unknown>;
}

export async function pairNodes(o: PairOptions, names = ['a', 'b']): Promise<PairNode[]> {
  const nodes: PairNode[] = [];
  for (const name of names) {
    const port = await freePort();
    const extra = o.main?.(name) ?? {};
    const cfg = await writeConfigDir({
      mqttUrl: o.mqttUrl(name),
      influxUrl: o.influxUrl,
      database: o.database ?? 'gaswatch',
      profiles: o.profiles,
      sites: o.sites,
      main: {
        ...extra,
        mqtt: { clientId: CLIENT_ID, instance: INSTANCE, ...(extra.mqtt as object | undefined) },
        http: { listen: `127.0.0.1:${port}`, open: ['healthz', 'readyz', 'metrics'] },
        ha: { node: name, takeoverAfter: o.takeoverAfter },
      },
    });
    const node: PairNode = {
      name,
      cfg,
      port,
      daemon: undefined,
      start() {
        node.daemon = startChildDaemon(cfg.file);
        return node.daemon;
      },
      async readyz() {
        const res = await fetch(`http://127.0.0.1:${port}/readyz`);
        return { status: res.status, body: (await res.json()) as Awaited<ReturnType<PairNode['readyz']>>['body'] };
      },
      async metrics() {
        return (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      },
      async waitRole(role, timeout = 30_000) {
        await waitFor(
          async () => {
            const r = await node.readyz();
            return role === 'active'
              ? r.status === 200 && r.body.role === 'active'
              : r.body.role === 'standby' && r.body.watching === true;
          },
          { timeout, interval: 50, message: `node ${name} ${role}` },
        );
      },
    };
    nodes.push(node);
  }
  return nodes;
}

export interface StatusSeen {
  /** performance.now() when it arrived. */
  at: number;
  state: string;
  node?: string;
  term?: number;
  handover?: boolean;
}

/** Records every status of the partition with the time it arrived. */
export async function watchStatus(url: string): Promise<{ client: MqttClient; seen: StatusSeen[] }> {
  const seen: StatusSeen[] = [];
  const client = await connectClient(url, {}, (c) =>
    c.on('message', (topic, payload) => {
      if (topic !== `gaswatch/status/${INSTANCE}` || payload.length === 0) return;
      seen.push({ at: performance.now(), ...(JSON.parse(payload.toString()) as Omit<StatusSeen, 'at'>) });
    }),
  );
  await client.subscribeAsync(`gaswatch/status/${INSTANCE}`, { qos: 1 });
  return { client, seen };
}
