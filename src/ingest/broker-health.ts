/**
 * Watches the broker's own count of dropped messages (issue "Nothing lost"). Acknowledging only
 * durable readings protects everything that reaches gaswatch; a QoS 1 message the broker itself
 * drops — a subscriber's queue past `max_queued_messages` while it falls behind a burst or is
 * offline — never does, and only the broker knows. Mosquitto publishes the count under `$SYS`
 * every `sys_interval` seconds; when it moves, the system alarm `_gaswatch/broker-dropped/system`
 * tells the operators that readings may be missing. It clears once the counter has stood still for
 * `clearAfter`, and like every alarm stays until acknowledged (docs/broker.md has the settings).
 *
 * The counter (Mosquitto 2.0: `$SYS/broker/publish/messages/dropped`) is broker-wide, retained,
 * and starts from 0 when the broker starts. So the first value seen is a baseline, not news; a
 * broker restart is recognised by `$SYS/broker/uptime` going backwards (Mosquitto publishes the
 * uptime before the counters) or, failing that, by the counter going down — after either, the
 * next value counts from 0. A broker that publishes no such counter is reported once in the log.
 */
import type { SystemAlarms, Text } from '../domain/ports.js';
import type { Clock, Timer } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import type { MqttConnection } from './connection.js';

export const DROPPED_TOPIC = '$SYS/broker/publish/messages/dropped';
export const UPTIME_TOPIC = '$SYS/broker/uptime';
export const BROKER_DROPPED_ALARM = 'broker-dropped';

export interface BrokerHealthOptions {
  conn: Pick<MqttConnection, 'subscribe'>;
  alarms: SystemAlarms;
  clock: Clock;
  logger: Logger;
  /** The counter must stand still this long before the alarm clears. Default 10 minutes. */
  clearAfter?: number;
  /** Without a counter value by then, log once that broker drops go unseen. Default 2 minutes. */
  expectWithin?: number;
}

export class BrokerHealth {
  /** Messages the broker dropped while we watched, since start(). */
  dropped = 0;
  private last: number | undefined;
  private uptime: number | undefined;
  private restarted = false;
  /** Drops since the alarm was last raised. */
  private episode = 0;
  private clearTimer: Timer | undefined;
  private silentTimer: Timer | undefined;
  private unsubscribe: Array<() => void> = [];

  constructor(private readonly o: BrokerHealthOptions) {}

  start(): void {
    const { conn, clock } = this.o;
    // Uptime first: the broker delivers retained messages in subscription order.
    this.unsubscribe.push(conn.subscribe(UPTIME_TOPIC, (_t, payload) => this.onUptime(payload.toString('utf8'))));
    this.unsubscribe.push(conn.subscribe(DROPPED_TOPIC, (_t, payload) => this.onDropped(payload.toString('utf8'))));
    this.silentTimer = clock.setTimeout(() => {
      this.o.logger.warn(
        { topic: DROPPED_TOPIC },
        'the MQTT broker publishes no dropped-message counter (sys_interval 0, an ACL on $SYS, or not Mosquitto): ' +
          'messages it drops cannot be noticed; see docs/broker.md',
      );
    }, this.o.expectWithin ?? 120_000);
  }

  /** The broker's counter as last seen; undefined until the broker has published it. */
  get counter(): number | undefined {
    return this.last;
  }

  stop(): void {
    for (const u of this.unsubscribe.splice(0)) u();
    this.clearTimer?.cancel();
    this.silentTimer?.cancel();
    this.clearTimer = this.silentTimer = undefined;
  }

  private onUptime(text: string): void {
    const s = Number.parseInt(text, 10);
    if (!Number.isFinite(s) || s < 0) return;
    if (this.uptime !== undefined && s < this.uptime) {
      this.restarted = true;
      this.o.logger.info({ uptime: s }, 'the MQTT broker restarted; its dropped-message counter starts again');
    }
    this.uptime = s;
  }

  private onDropped(text: string): void {
    if (!/^\s*\d+\s*$/.test(text)) return;
    const n = Number(text);
    if (!Number.isSafeInteger(n)) return;
    this.silentTimer?.cancel();
    const prev = this.last;
    this.last = n;
    if (prev === undefined && !this.restarted) {
      if (n > 0) this.o.logger.info({ dropped: n }, 'the MQTT broker dropped messages before gaswatch watched');
      return;
    }
    const reset = this.restarted || (prev !== undefined && n < prev);
    this.restarted = false;
    const delta = reset ? n : n - (prev as number);
    if (delta > 0) this.moved(delta, n);
  }

  private moved(delta: number, counter: number): void {
    const o = this.o;
    this.dropped += delta;
    this.episode += delta;
    o.logger.warn(
      { dropped: delta, episode: this.episode, counter },
      'the MQTT broker dropped messages: readings may be missing',
    );
    this.setAlarm(true, { key: 'brokerDropped', vars: { count: this.episode } }, this.episode);
    this.clearTimer?.cancel();
    this.clearTimer = o.clock.setTimeout(() => {
      this.clearTimer = undefined;
      this.episode = 0;
      this.setAlarm(false, { key: 'brokerDroppedOver' }, 0);
    }, o.clearAfter ?? 600_000);
  }

  private setAlarm(active: boolean, message: Text, value: number): void {
    this.o.alarms.set(BROKER_DROPPED_ALARM, active, 'high', message, value);
  }
}
