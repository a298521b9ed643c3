/**
 * The built daemon (`dist/src/main.js run`) as a child process whose output is kept line by line:
 * for tests that crash it, restart it, measure its memory or grep everything it printed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { trackChild } from './server-process.js';
import { waitFor } from './wait.js';

const MAIN_JS = path.resolve(import.meta.dirname, '../../dist/src/main.js');

export interface ChildDaemon {
  readonly child: ChildProcess;
  /** Every line printed so far, stdout and stderr. */
  readonly lines: string[];
  /** The JSON log lines so far. */
  logs(): Record<string, unknown>[];
  /** Waits for a log line whose `msg` matches; returns it. */
  waitForLog(msg: string | RegExp, timeout?: number): Promise<Record<string, unknown>>;
  /** Resolves with the exit code (or signal) once the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Peak resident set size so far, in bytes (Linux VmHWM). */
  peakRss(): number;
  /** The console URL from the "HTTP listening" line. */
  httpUrl(): Promise<string>;
  /** SIGTERM and wait (SIGKILL after 15 s). */
  stop(): Promise<void>;
}

export function startChildDaemon(
  configFile: string,
  opts: { env?: Record<string, string>; args?: string[]; command?: string; mainJs?: string } = {},
): ChildDaemon {
  const child = trackChild(
    spawn(
      process.execPath,
      [opts.mainJs ?? MAIN_JS, opts.command ?? 'run', '--config', configFile, ...(opts.args ?? [])],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, GASWATCH_LOG_FORMAT: 'json', GASWATCH_LOG_LEVEL: 'info', ...opts.env },
      },
    ),
  );
  const lines: string[] = [];
  const feed = (stream: NodeJS.ReadableStream | null) => {
    let rest = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop() ?? '';
      lines.push(...parts);
    });
    stream?.on('end', () => {
      if (rest) lines.push(rest);
    });
  };
  feed(child.stdout);
  feed(child.stderr);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  process.once('exit', () => child.kill('SIGKILL'));
  const logs = () =>
    lines.flatMap((l) => {
      if (!l.startsWith('{')) return [];
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  const waitForLog = (msg: string | RegExp, timeout = 20_000) =>
    waitFor(
      () =>
        logs().find((l) => (typeof msg === 'string' ? l.msg === msg : msg.test(String(l.msg)))) ??
        (child.exitCode !== null || child.signalCode !== null
          ? Promise.reject(new Error(`daemon exited:\n${lines.slice(-20).join('\n')}`))
          : undefined),
      { timeout, message: `daemon log "${msg}"` },
    );
  return {
    child,
    lines,
    logs,
    waitForLog,
    exited,
    peakRss() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024;
    },
    async httpUrl() {
      return String((await waitForLog('HTTP listening')).url);
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
