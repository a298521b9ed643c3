/**
 * Flow control for brokers with a small in-flight window (e.g. MQTT 3.1.1, Mosquitto's 20): when the
 * stream pauses with messages waiting for their PUBACK, commit now rather than at `flushInterval`,
 * because the broker sends no more until we acknowledge.
 */
import type { Clock, Timer } from '../util/clock.js';

export interface IdleFlushOptions {
  /** Messages received so far, and those not yet acknowledged. */
  conn: { readonly received: number; readonly unacked: number };
  /** Start making what is held durable now. */
  commitNow: () => void;
  clock: Clock;
  everyMs?: number;
}

export class IdleFlush {
  private timer: Timer | undefined;
  private receivedAtLastCheck = 0;

  constructor(private readonly o: IdleFlushOptions) {}

  start(): void {
    this.timer = this.o.clock.setInterval(() => this.check(), this.o.everyMs ?? 20);
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  private check(): void {
    const { received, unacked } = this.o.conn;
    if (received === this.receivedAtLastCheck && unacked > 0) this.o.commitNow();
    this.receivedAtLastCheck = received;
  }
}
