export interface WaitOptions {
  /** Give up after this many milliseconds. Default 10 s. */
  timeout?: number;
  /** Poll every this many milliseconds. Default 25 ms. */
  interval?: number;
  /** Said in the error on timeout, so a failing test tells what it was waiting for. */
  message?: string;
}

/**
 * Polls `predicate` until it returns a truthy value (sync or async) and resolves with that value.
 * A predicate that throws counts as "not yet"; the last error is attached to the timeout error,
 * which is what usually explains the failure (connection refused, assertion message…).
 */
export async function waitFor<T>(
  predicate: () => T | Promise<T>,
  { timeout = 10_000, interval = 25, message = 'condition' }: WaitOptions = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeout;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await predicate();
      if (value) return value as NonNullable<T>;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`waitFor timed out after ${timeout} ms: ${message}${why}`, { cause: lastError });
    }
    await sleep(interval);
  }
}

/** Resolves after `ms`. Only for pacing polls and deliberate real-time gaps — never to "let things settle". */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
