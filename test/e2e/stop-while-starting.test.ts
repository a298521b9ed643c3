/**
 * SIGTERM while the daemon is still making its first MQTT connection (a broker that accepts the TCP
 * connection and never answers, as one behind a stalled load balancer does): the daemon stops at once
 * and exits 0, instead of waiting for the connect's 15 s timeout first (systemd and operators wait
 * for it, and a restart loop pays it every time).
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildDaemon, startChildDaemon } from '../helpers/child-daemon.js';
import { type ConfigDir, writeConfigDir } from '../helpers/daemon.js';

let silent: Server;
const sockets: Socket[] = [];
let cfg: ConfigDir;
let daemon: ChildDaemon | undefined;

beforeAll(async () => {
  silent = createServer((s) => sockets.push(s));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const { port } = silent.address() as { port: number };
  cfg = await writeConfigDir({
    mqttUrl: `mqtt://127.0.0.1:${port}`,
    profiles: { gas: { unit: '%LEL', setpoints: { hi: { value: 20, priority: 'high' } } } },
    sites: {
      s: {
        id: 's',
        type: 'station',
        sensors: [{ id: 'G', kind: 'gas', gas: 'methane', unit: '%LEL', profile: 'gas' }],
      },
    },
  });
});

afterAll(async () => {
  if (daemon && daemon.child.exitCode === null) daemon.child.kill('SIGKILL');
  for (const s of sockets) s.destroy();
  await new Promise((r) => silent?.close(r));
  await cfg?.cleanup();
});

describe('a stop while the first MQTT connect is pending', () => {
  it('exits 0 at once instead of waiting for the connect timeout', { timeout: 40_000 }, async () => {
    daemon = startChildDaemon(cfg.file);
    await daemon.waitForLog(/http listening/);
    // The daemon has opened its MQTT connection and waits for a CONNACK that never comes.
    await expect.poll(() => sockets.length, { timeout: 10_000 }).toBeGreaterThan(0);
    const sent = performance.now();
    daemon.child.kill('SIGTERM');
    const exit = await daemon.exited;
    const tookMs = performance.now() - sent;
    console.log(`stop-while-starting: exited ${exit.code} ${(tookMs / 1000).toFixed(2)} s after SIGTERM`);
    expect(exit).toEqual({ code: 0, signal: null });
    // The connect timeout is 15 s: the stop did not wait for it.
    expect(tookMs).toBeLessThan(8_000);
    const msgs = daemon.logs().map((l) => String(l.msg));
    expect(msgs).toContain('gaswatch stopped');
    expect(msgs).not.toContain('gaswatch running');
    expect(msgs.some((m) => /not reachable|failed to start/.test(m))).toBe(false);
  });
});
