/**
 * One queue per channel, so that a failing or slow channel delays nothing but itself and never the
 * reading path: `enqueue` only appends and returns. Messages go out one at a time in order (a
 * `raised` before its `cleared`); a failure is retried after an exponential backoff with jitter
 * until `giveUpAfter`. The queue is bounded: when full, the oldest non-critical message is dropped,
 * counted and logged — never silently. A channel failing `FAILING_AFTER` times in a row is reported
 * through `onHealth` (the notifier raises a system alarm: nobody may believe they are being called
 * when they are not).
 */
import type { Counter } from 'prom-client';
import type { Clock, Timer } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import type { Channel } from './channel.js';
import type { Notification } from './message.js';
import type { Notice } from './outbox.js';

export interface RetryPolicy {
  initialDelay: number;
  maxDelay: number;
  giveUpAfter: number;
}

export interface DeliveryDeps {
  clock: Clock;
  logger: Logger;
  /** gaswatch_notifications_total{channel, result}: sent, failed (an attempt), dropped, expired. */
  counter?: Counter<'channel' | 'result'> | undefined;
  /** Metrics label; the channel name unless many queues share one (personal webhooks). */
  label?: string;
  /** Called when the channel starts failing (consecutive failures) and when it works again. */
  onHealth?: (failing: boolean, reason: string) => void;
  /** Jitter source, [0, 1). */
  random?: () => number;
  /** A message with a notice was delivered: record it (the notifier records a `notified` event). */
  onDelivered?: (notice: Notice) => void;
  /** The waiting messages changed (the outbox saves them). */
  onChange?: () => void;
}

/** A waiting message. */
export interface Job {
  n: Notification;
  enqueuedAt: number;
  attempts: number;
  notice: Notice | undefined;
}

export const FAILING_AFTER = 3;

/** Delay before retry number `attempt` (1-based): doubling from `initial`, capped, jittered to 50–100 %. */
export function backoff(attempt: number, policy: RetryPolicy, random: () => number): number {
  const base = Math.min(policy.maxDelay, policy.initialDelay * 2 ** Math.min(attempt - 1, 30));
  return Math.round(base * (0.5 + 0.5 * random()));
}

export class DeliveryQueue {
  private readonly jobs: Job[] = [];
  private inFlight = false;
  private retryTimer: Timer | undefined;
  private stopped = false;
  private failures = 0;
  private failing = false;
  private dropped = 0;
  private readonly label: string;

  constructor(
    public channel: Channel,
    private policy: RetryPolicy,
    private maxQueue: number,
    private readonly deps: DeliveryDeps,
  ) {
    this.label = deps.label ?? channel.name;
  }

  get size(): number {
    return this.jobs.length;
  }

  get droppedCount(): number {
    return this.dropped;
  }

  /** Apply a reloaded policy and bound; queued messages stay. */
  configure(policy: RetryPolicy, maxQueue: number): void {
    this.policy = policy;
    this.maxQueue = maxQueue;
  }

  /** Queue a message; its `notice` is recorded once the receiver accepted it. Never blocks, never throws. */
  enqueue(n: Notification, notice?: Notice): void {
    if (this.stopped) return;
    const job: Job = { n, enqueuedAt: this.deps.clock.now(), attempts: 0, notice };
    if (this.jobs.length >= this.maxQueue && !this.makeRoom(job)) return;
    this.jobs.push(job);
    this.changed();
    this.pump();
  }

  /**
   * Messages saved at the last stop (outbox.ts), ahead of anything queued since: they are older.
   * One whose retry window (`giveUpAfter` from when it was first queued) has run out is given up.
   */
  restore(jobs: readonly Job[]): void {
    if (this.stopped || jobs.length === 0) return;
    const now = this.deps.clock.now();
    const fresh: Job[] = [];
    for (const j of jobs) {
      if (now - j.enqueuedAt < this.policy.giveUpAfter) fresh.push({ ...j });
      else {
        this.deps.counter?.inc({ channel: this.label, result: 'expired' });
        this.deps.logger.error(
          { channel: this.channel.name, key: j.n.key, queuedAt: new Date(j.enqueuedAt).toISOString() },
          `gave up notifying via ${this.channel.name}: queued before the last stop, too long ago: ${j.n.title}`,
        );
      }
    }
    this.jobs.splice(this.inFlight ? 1 : 0, 0, ...fresh);
    // Over the bound (it was lowered): the oldest non-critical messages go first, as in makeRoom.
    while (this.jobs.length > this.maxQueue) {
      const first = this.inFlight ? 1 : 0;
      const i = this.jobs.findIndex((j, k) => k >= first && j.n.priority !== 'critical');
      const [gone] = this.jobs.splice(i < 0 ? first : i, 1);
      if (!gone) break;
      this.drop(gone);
    }
    this.changed();
    this.pump();
  }

  /** The messages waiting now, oldest first (for the outbox). */
  waiting(): Job[] {
    return this.jobs.map((j) => ({ ...j }));
  }

  /** Stop sending; returns how many messages were still waiting. */
  stop(): number {
    this.stopped = true;
    this.retryTimer?.cancel();
    this.retryTimer = undefined;
    const left = this.jobs.length;
    this.jobs.length = 0;
    this.channel.close?.();
    return left;
  }

  /**
   * The queue is full: drop the oldest waiting non-critical message, or the new one when it is the
   * least important, or (all critical) the oldest waiting. The one in flight is never dropped.
   * False when the new message itself was dropped.
   */
  private makeRoom(incoming: Job): boolean {
    const first = this.inFlight ? 1 : 0;
    let victim = this.jobs.findIndex((j, i) => i >= first && j.n.priority !== 'critical');
    if (victim < 0 && incoming.n.priority !== 'critical') {
      this.drop(incoming);
      return false;
    }
    if (victim < 0) victim = first;
    const [gone] = this.jobs.splice(victim, 1);
    if (gone) this.drop(gone);
    this.changed();
    return true;
  }

  private drop(job: Job): void {
    this.dropped++;
    this.deps.counter?.inc({ channel: this.label, result: 'dropped' });
    this.deps.logger.error(
      { channel: this.channel.name, key: job.n.key, priority: job.n.priority, dropped: this.dropped },
      `notification queue of ${this.channel.name} full (${this.maxQueue}): dropped "${job.n.title}"`,
    );
  }

  private pump(): void {
    if (this.inFlight || this.stopped || this.retryTimer) return;
    const job = this.jobs[0];
    if (!job) return;
    this.inFlight = true;
    job.attempts++;
    let sent: Promise<void>;
    try {
      sent = this.channel.send(job.n);
    } catch (err) {
      sent = Promise.reject(err);
    }
    sent.then(
      () => this.settled(job, undefined),
      (err: unknown) => this.settled(job, err instanceof Error ? err : new Error(String(err))),
    );
  }

  private settled(job: Job, err: Error | undefined): void {
    this.inFlight = false;
    if (this.stopped) return;
    const log = this.deps.logger;
    const channel = this.channel.name;
    if (!err) {
      this.remove(job);
      this.failures = 0;
      this.deps.counter?.inc({ channel: this.label, result: 'sent' });
      log.info({ channel, key: job.n.key, attempts: job.attempts }, `notified via ${channel}: ${job.n.title}`);
      if (this.failing) {
        this.failing = false;
        this.deps.onHealth?.(false, 'delivering again');
      }
      try {
        if (job.notice) this.deps.onDelivered?.(job.notice);
      } catch (e) {
        log.error({ err: e, channel }, 'after-delivery hook failed');
      }
    } else {
      this.failures++;
      this.deps.counter?.inc({ channel: this.label, result: 'failed' });
      const age = this.deps.clock.now() - job.enqueuedAt;
      // The channel's run of failures, not the message's attempts: when one message expires the next
      // must not start hammering a dead receiver from a 1 s backoff again.
      const delay = backoff(this.failures, this.policy, this.deps.random ?? Math.random);
      if (age >= this.policy.giveUpAfter) {
        this.remove(job);
        this.deps.counter?.inc({ channel: this.label, result: 'expired' });
        log.error(
          { channel, key: job.n.key, attempts: job.attempts, err: err.message },
          `gave up notifying via ${channel} after ${job.attempts} attempts: ${job.n.title}`,
        );
      } else
        log.warn(
          { channel, key: job.n.key, attempt: job.attempts, retryInMs: delay, err: err.message },
          `notifying via ${channel} failed; retrying`,
        );
      this.retryTimer = this.deps.clock.setTimeout(() => {
        this.retryTimer = undefined;
        this.pump();
      }, delay);
      if (!this.failing && this.failures >= FAILING_AFTER) {
        this.failing = true;
        this.deps.onHealth?.(true, err.message);
      }
    }
    this.pump();
  }

  private remove(job: Job): void {
    const i = this.jobs.indexOf(job);
    if (i >= 0) this.jobs.splice(i, 1);
    this.changed();
  }

  private changed(): void {
    try {
      this.deps.onChange?.();
    } catch (err) {
      this.deps.logger.error({ err, channel: this.channel.name }, 'saving the notification queue failed');
    }
  }
}
