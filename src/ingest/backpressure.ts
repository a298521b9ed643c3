/**
 * Flow control from the daemon to the broker: while the daemon holds as much as it should (points
 * not yet durable), reading the broker's socket pauses, so a backlog waits in the broker's queue
 * and not in our memory — the MQTT 5 receive maximum alone would let 65,535 batches in at once.
 * Reading resumes once the daemon is no longer saturated (checked every 5 ms).
 */
import type { Clock, Timer } from '../util/clock.js';

interface Pausable {
  pause(): unknown;
  resume(): unknown;
}

export class Backpressure {
  private timer: Timer | undefined;

  constructor(
    private readonly saturated: (() => boolean) | undefined,
    private readonly clock: Clock,
    private readonly stream: () => Pausable | undefined,
  ) {}

  /** After each message: pause the socket if the daemon is saturated. */
  check(): void {
    if (!this.saturated?.()) return;
    const stream = this.stream();
    if (!stream) return;
    // A piped stream may be resumed by its pipe when the parser drains: pause again each time.
    stream.pause();
    if (this.timer) return;
    this.timer = this.clock.setInterval(() => {
      if (this.saturated?.()) return;
      this.reset();
      this.stream()?.resume();
    }, 5);
  }

  /** The connection closed: the next one is a new socket, reading. */
  reset(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }
}
