import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { freePort } from './ports.js';
import { sleep } from './wait.js';

/**
 * Spawning, readiness and stopping shared by the Mosquitto and InfluxDB test servers.
 * Output goes straight to a log file (no pipes to drain); children still alive when the test
 * process exits are SIGKILLed so a crashed test file leaves no broker behind.
 */

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

export function spawnLogged(
  command: string,
  args: string[],
  logFile: string,
  opts: { env?: Record<string, string>; cwd?: string } = {},
): ChildProcess {
  installExitHook();
  const fd = fs.openSync(logFile, 'a');
  try {
    const child = spawn(command, args, {
      stdio: ['ignore', fd, fd],
      ...(opts.env ? { env: { ...process.env, ...opts.env } } : {}),
      ...(opts.cwd ? { cwd: opts.cwd } : {}),
    });
    live.add(child);
    child.once('exit', () => live.delete(child));
    // Without a listener a failed spawn (ENOENT) would crash the test process; exitCode stays
    // null and the readiness wait reports it instead.
    child.once('error', (err) => {
      live.delete(child);
      fs.appendFileSync(logFile, `spawn failed: ${err.message}\n`);
    });
    return child;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Kill `child` if it is still alive when the test process exits (a crashed or timed-out test file
 * must not leave a daemon or a server running). spawnLogged's children are tracked already.
 */
export function trackChild<C extends ChildProcess>(child: C): C {
  installExitHook();
  live.add(child);
  child.once('exit', () => live.delete(child));
  child.once('error', () => live.delete(child));
  return child;
}

/** The child is gone (exited, killed, or never started: a failed spawn has no pid). */
export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null || child.pid === undefined;
}

export async function logTail(file: string, lines = 30): Promise<string> {
  try {
    const text = await readFile(file, 'utf8');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export class StartError extends Error {
  constructor(
    message: string,
    readonly log: string,
  ) {
    super(`${message}\n--- log tail ---\n${log}`);
  }

  /** The server could not bind its port: worth retrying on a fresh one. */
  get addressInUse(): boolean {
    return /address already in use/i.test(this.log);
  }
}

/** Waits until `ready()` holds while the child is alive; throws a StartError with the log tail otherwise. */
export async function waitReady(
  name: string,
  child: ChildProcess,
  logFile: string,
  ready: () => Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (hasExited(child)) {
      throw new StartError(
        `${name} exited during start (code ${child.exitCode}, signal ${child.signalCode})`,
        await logTail(logFile),
      );
    }
    if (await ready().catch(() => false)) {
      // A foreign process on the port could answer while ours is failing; make sure ours is still up.
      if (!hasExited(child)) return;
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      await waitExit(child, 5000);
      throw new StartError(`${name} not ready after ${timeoutMs} ms`, await logTail(logFile));
    }
    await sleep(25);
  }
}

function waitExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (hasExited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, timeoutMs);
    const onExit = () => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

/** Sends `signal` and waits for the exit; escalates to SIGKILL if the server hangs in shutdown. */
export async function stopChild(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM',
  timeoutMs = 15_000,
): Promise<void> {
  if (hasExited(child)) return;
  child.kill(signal);
  if (await waitExit(child, timeoutMs)) return;
  child.kill('SIGKILL');
  await waitExit(child, 5000);
}

export interface Lifecycle {
  readonly running: boolean;
  /** Stop and remove its temp dir for good. */
  stop(): Promise<void>;
  /** Stop but keep port and data, for restart(). */
  stopForOutage(): Promise<void>;
  /** SIGKILL, data kept. */
  kill(): Promise<void>;
  /** Start again on the same port with the same data. */
  restart(): Promise<void>;
}

/**
 * The start/stop/restart behaviour shared by the test servers: one child process at a time,
 * launched by `launch`, living in `dir`.
 */
export function lifecycle(name: string, dir: string, launch: () => Promise<ChildProcess>): Lifecycle {
  let child: ChildProcess | undefined;
  let removed = false;
  const halt = async (signal: NodeJS.Signals): Promise<void> => {
    if (child) await stopChild(child, signal);
    child = undefined;
  };
  return {
    get running() {
      return child !== undefined && child.exitCode === null && child.signalCode === null;
    },
    async stop() {
      await halt('SIGTERM');
      if (!removed) {
        removed = true;
        await rm(dir, { recursive: true, force: true });
      }
    },
    stopForOutage: () => halt('SIGTERM'),
    kill: () => halt('SIGKILL'),
    async restart() {
      if (removed) throw new Error(`${name} was stopped for good; start a new one`);
      await halt('SIGTERM');
      child = await launch();
    },
  };
}

/**
 * Start a server on `count` distinct free loopback ports. freePort() races other test workers, so a
 * start that fails with "address in use" is tried again with fresh ports (three times at most); a
 * server that never starts has its temp dir removed.
 */
export async function startOnFreePorts(
  dir: string,
  count: number,
  start: (ports: number[]) => Promise<void>,
): Promise<void> {
  try {
    for (let attempt = 1; ; attempt++) {
      const ports: number[] = [];
      while (ports.length < count) {
        const p = await freePort();
        if (!ports.includes(p)) ports.push(p);
      }
      try {
        await start(ports);
        return;
      } catch (err) {
        if (!(err instanceof StartError && err.addressInUse) || attempt >= 3) throw err;
      }
    }
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
