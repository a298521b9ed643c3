/**
 * One output, many subscribers (STYLE habits 14 and "fan-out starts at alarm transitions"). A room
 * publishes what leaves it on its stream; the MQTT publisher, the store, the notifier, the console
 * and the views each subscribe. One failing subscriber is logged and cannot stop the others.
 *
 * A subscriber that makes what it receives durable (the alarm book on disk, the store) subscribes
 * with `durable: true`: `publish()` then returns a promise that settles once every durable
 * subscriber has settled, and rejects if one failed — so the caller (ingest) acknowledges a message
 * only once its consequences are on disk. Other subscribers' promises and errors are only logged.
 */
import type { Logger } from './logger.js';

/** A subscriber; what it returns counts only when it is a promise. */
export type Subscriber<T> = (value: T) => unknown;

interface Entry<T> {
  fn: Subscriber<T>;
  durable: boolean;
}

export class Stream<T> {
  private subscribers: Entry<T>[] = [];

  constructor(
    private readonly name: string,
    private readonly logger: Logger,
  ) {}

  /** Returns the unsubscribe function. */
  subscribe(fn: Subscriber<T>, opts: { durable?: boolean } = {}): () => void {
    const entry: Entry<T> = { fn, durable: opts.durable === true };
    // Copy on write: a subscriber may unsubscribe while a publish is iterating.
    this.subscribers = [...this.subscribers, entry];
    return () => {
      this.subscribers = this.subscribers.filter((e) => e !== entry);
    };
  }

  /** Hands `value` to every subscriber; the promise of the durable ones, or undefined when there are none. */
  publish(value: T): Promise<void> | undefined {
    const durable: Promise<unknown>[] = [];
    for (const e of this.subscribers) {
      let result: unknown;
      try {
        result = e.fn(value);
      } catch (err) {
        this.logger.error({ err, stream: this.name }, 'stream subscriber failed');
        if (e.durable) durable.push(Promise.reject(err));
        continue;
      }
      if (!(result instanceof Promise)) continue;
      if (e.durable) durable.push(result);
      else
        result.then(undefined, (err: unknown) =>
          this.logger.error({ err, stream: this.name }, 'stream subscriber failed'),
        );
    }
    if (durable.length === 0) return undefined;
    return durable.length === 1 ? (durable[0] as Promise<unknown>).then(noop) : Promise.all(durable).then(noop);
  }

  get size(): number {
    return this.subscribers.length;
  }
}

function noop(): void {}
