import type { MqttClient } from 'mqtt';

/**
 * Publishes through MQTT.js with a bounded number of messages in flight. With QoS 1 a message stays
 * in flight until the broker's PUBACK; with QoS 0 until MQTT.js has written it to the socket. The
 * window is what makes `speed: Infinity` safe: the generator runs only as fast as the broker
 * acknowledges, memory stays flat, and `drain()` tells when everything has been delivered.
 */
export class WindowedPublisher {
  acknowledged = 0;
  failed = 0;
  /** The first few publish errors, for the run summary. */
  readonly errors: string[] = [];
  private inFlight = 0;
  private slotWaiters: Array<() => void> = [];
  private drainWaiters: Array<() => void> = [];

  constructor(
    private readonly client: MqttClient,
    private readonly qos: 0 | 1,
    private readonly maxInFlight: number,
  ) {
    if (!(Number.isInteger(maxInFlight) && maxInFlight >= 1)) throw new Error('maxInFlight must be ≥ 1');
  }

  get pending(): number {
    return this.inFlight;
  }

  /**
   * Resolves true once the message is handed to the client (a window slot was free), not when acked;
   * false, without publishing, when `signal` aborts while waiting for a slot.
   */
  async publish(topic: string, payload: string, signal?: AbortSignal): Promise<boolean> {
    while (this.inFlight >= this.maxInFlight) {
      if (signal?.aborted) return false;
      await new Promise<void>((resolve) => {
        const wake = () => {
          signal?.removeEventListener('abort', wake);
          this.slotWaiters = this.slotWaiters.filter((w) => w !== wake);
          resolve();
        };
        this.slotWaiters.push(wake);
        signal?.addEventListener('abort', wake, { once: true });
      });
    }
    if (signal?.aborted) return false;
    this.inFlight++;
    this.client.publish(topic, payload, { qos: this.qos }, (err) => {
      this.inFlight--;
      if (err) {
        this.failed++;
        if (this.errors.length < 5) this.errors.push(`${topic}: ${err.message}`);
      } else {
        this.acknowledged++;
      }
      this.slotWaiters[0]?.();
      if (this.inFlight === 0) for (const w of this.drainWaiters.splice(0)) w();
    });
    return true;
  }

  /** Resolves when nothing is in flight, or false after `timeoutMs` with messages still unacknowledged. */
  drain(timeoutMs: number): Promise<boolean> {
    if (this.inFlight === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.drainWaiters = this.drainWaiters.filter((w) => w !== done);
        resolve(false);
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.drainWaiters.push(done);
    });
  }
}
