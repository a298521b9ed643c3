/**
 * Time is a dependency (STYLE habit 3): code reads `clock.now()` and schedules through the clock,
 * so tests can drive a manual clock instead of sleeping.
 */
export interface Timer {
  cancel(): void;
}

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): Timer;
  setInterval(fn: () => void, ms: number): Timer;
}

/** True if `p` settled (either way) within `ms` on `clock`; false when the time ran out first. */
export async function settledWithin(clock: Clock, p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: Timer | undefined;
  const timeout = new Promise<boolean>((r) => {
    timer = clock.setTimeout(() => r(false), ms);
  });
  const ok = await Promise.race([
    p.then(
      () => true,
      () => true,
    ),
    timeout,
  ]);
  timer?.cancel();
  return ok;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(t) };
  },
  setInterval(fn, ms) {
    const t = setInterval(fn, ms);
    return { cancel: () => clearInterval(t) };
  },
};

interface Scheduled {
  at: number;
  fn: () => void;
  every: number | undefined;
  seq: number;
  cancelled: boolean;
}

/** A clock for tests: time moves only when `advance()` or `set()` is called. */
export class ManualClock implements Clock {
  private t: number;
  private seq = 0;
  private queue: Scheduled[] = [];

  constructor(start = Date.parse('2026-11-28T08:00:00.000Z')) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): Timer {
    return this.schedule(fn, ms, undefined);
  }

  setInterval(fn: () => void, ms: number): Timer {
    return this.schedule(fn, ms, Math.max(1, ms));
  }

  /** Move time forward, firing due timers in order. */
  advance(ms: number): void {
    this.set(this.t + ms);
  }

  set(time: number): void {
    for (;;) {
      const due = this.queue
        .filter((s) => !s.cancelled && s.at <= time)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.t = Math.max(this.t, due.at);
      if (due.every !== undefined) due.at += due.every;
      else due.cancelled = true;
      due.fn();
    }
    this.queue = this.queue.filter((s) => !s.cancelled);
    this.t = Math.max(this.t, time);
  }

  private schedule(fn: () => void, ms: number, every: number | undefined): Timer {
    const s: Scheduled = { at: this.t + Math.max(0, ms), fn, every, seq: this.seq++, cancelled: false };
    this.queue.push(s);
    return {
      cancel: () => {
        s.cancelled = true;
      },
    };
  }
}
