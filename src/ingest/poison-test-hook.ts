/**
 * A crash on demand, for the test that proves a message cannot crash the daemon twice
 * (test/e2e/poison-message.test.ts). Enabled only when NODE_ENV is `test` AND
 * GASWATCH_TEST_CRASH_HOOK is `MODE:MARKER`; the daemon logs a warning whenever it is on. A message
 * whose payload contains MARKER then kills the process while it is being handled:
 *   throw  an exception nobody catches       oom  the JavaScript heap runs out (a fatal error)
 */
export type CrashHook = ((topic: string, payload: Buffer) => void) & { mode: string };

export function testCrashHook(env: NodeJS.ProcessEnv = process.env): CrashHook | undefined {
  const spec = env.GASWATCH_TEST_CRASH_HOOK;
  if (env.NODE_ENV !== 'test' || !spec) return undefined;
  const [mode = '', marker = ''] = spec.split(':', 2);
  if (!marker || (mode !== 'throw' && mode !== 'oom')) return undefined;
  const needle = Buffer.from(marker);
  const hook = (_topic: string, payload: Buffer) => {
    if (!payload.includes(needle)) return;
    if (mode === 'throw') throw new Error(`test crash hook: ${marker}`);
    const hoard: unknown[] = [];
    for (;;) hoard.push(new Array(1e6).fill(hoard.length));
  };
  return Object.assign(hook, { mode });
}
