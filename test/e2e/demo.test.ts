/**
 * `npm start` is the zero-setup demo: from a built checkout it must show an alarm through the HTTP
 * API within a minute, and stop cleanly on Ctrl-C (SIGINT) with exit code 0.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { trackChild } from '../helpers/server-process.js';
import { waitFor } from '../helpers/wait.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Process ids below `pid`, depth first (Linux /proc). */
function descendants(pid: number): number[] {
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
  return children.flatMap((c) => [c, ...descendants(c)]);
}

describe('npm start (the demo)', () => {
  it('shows an alarm via the HTTP API within 60 s and exits 0 on SIGINT', async () => {
    const started = Date.now();
    const child = trackChild(
      spawn('npm', ['start', '--silent', '--', '--port', '0'], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, GASWATCH_LOG_FORMAT: 'json' },
        // Its own process group, so the test can send SIGINT to the group as Ctrl-C in a terminal does.
        detached: true,
      }),
    );
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
    });
    child.stderr.on('data', (b: Buffer) => {
      out += b.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const url = await waitFor(() => /Console\s+(http:\/\/\S+?)\/?\s/.exec(out)?.[1], {
        timeout: 60_000,
        message: 'the demo prints its console URL',
      });
      expect(out).toMatch(/Log in as\s+demo \/ gaswatch-demo/);
      const alarm = await waitFor(
        async () => {
          const res = await fetch(`${url}/api/alarms`);
          if (res.status !== 200) return undefined;
          const alarms = (await res.json()) as { id: string; raisedAt: string; state: string }[];
          return alarms.find((a) => a.id === 'hx-station/GD-21/hi' && Date.parse(a.raisedAt) >= started - 1000);
        },
        { timeout: 60_000, interval: 500, message: `an alarm within 60 s; output:\n${out}` },
      );
      expect(alarm.state).toBe('active_unacked');
      console.log(`demo: first alarm after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } finally {
      // Ctrl-C reaches the daemon itself. (A non-interactive shell starts background jobs with
      // SIGINT ignored, and `sh -c` inherits that, so signalling npm alone would not reach it.)
      const daemon = child.pid === undefined ? undefined : descendants(child.pid).at(-1);
      if (daemon !== undefined) process.kill(daemon, 'SIGINT');
      setTimeout(() => {
        if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
      }, 30_000).unref();
    }
    expect(await exited).toBe(0);
  }, 150_000);
});
