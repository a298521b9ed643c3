/** Runs bench/ceiling-subscriber.ts in its own process and waits for its `done`. */
import { fork } from 'node:child_process';
import path from 'node:path';

const SCRIPT = path.resolve(import.meta.dirname, '../ceiling-subscriber.js');

export interface Ceiling {
  readonly pid: number;
  /** Resolves with performance.now() at the moment the subscriber reported every message. */
  done: Promise<number>;
  stop(): Promise<void>;
}

export async function startCeiling(url: string, filter: string, expected: number): Promise<Ceiling> {
  // BENCH_DAEMON_NODE_OPTIONS applies to the ceiling subscriber too: profile both the same way.
  const execArgv = (process.env.BENCH_DAEMON_NODE_OPTIONS ?? '').split(' ').filter(Boolean);
  const child = fork(SCRIPT, [url, filter, String(expected)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv,
  });
  let doneAt!: (t: number) => void;
  const done = new Promise<number>((r) => (doneAt = r));
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`ceiling subscriber exited (${code})`)));
    child.on('message', (m: { type: string }) => {
      if (m.type === 'ready') resolve();
      else if (m.type === 'done') doneAt(performance.now());
    });
  });
  return {
    pid: child.pid as number,
    done,
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.send({ type: 'stop' });
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
