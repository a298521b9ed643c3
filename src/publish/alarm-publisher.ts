/**
 * Alarms out on MQTT (SPEC §4): the retained record of every alarm on
 * `{prefix}/alarms/{site}/{sensor}/{condition}` (an empty retained payload once it is back to
 * normal), one message per transition on `{prefix}/events`, and operator commands on
 * `{prefix}/cmd/ack|shelve|unshelve` (checked by commands.ts) with results on `{prefix}/cmd/result`.
 * Every published topic carries the site (SPEC §10); nothing is published to a wildcard.
 */
import type { AlarmBatch, AlarmEvent, AlarmRecord } from '../domain/types.js';
import type { MqttConnection } from '../ingest/connection.js';
import type { Logger } from '../util/logger.js';
import { COMMAND_VERBS, type CommandHandler } from './commands.js';

export class AlarmPublisher {
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly deps: {
      conn: MqttConnection;
      prefix: string;
      logger: Logger;
      commands: CommandHandler;
      /** True while the message at hand is quarantined (poison.ts): never acted on. */
      skipping?: () => boolean;
      /**
       * Sites whose retained records this instance owns (default all): partitions share the broker,
       * and one must not clear another's records.
       */
      owns?: (site: string) => boolean;
    },
  ) {}

  recordTopic(r: Pick<AlarmRecord, 'site' | 'sensor' | 'condition'>): string {
    return `${this.deps.prefix}/alarms/${r.site}/${r.sensor}/${r.condition}`;
  }

  /** A batch from the alarm stream: each changed record (retained), then each event. */
  onAlarms(batch: AlarmBatch): void {
    for (const e of batch.events) if (e.type !== 'flood') this.record(e.alarm);
    this.events(batch.events);
  }

  record(r: AlarmRecord): void {
    const payload = r.state === 'normal' ? '' : JSON.stringify(r);
    this.send(this.recordTopic(r), payload, true);
  }

  events(events: readonly AlarmEvent[]): void {
    for (const e of events) this.send(`${this.deps.prefix}/events`, JSON.stringify(e), false);
  }

  /**
   * Make the retained records on the broker match the book after a start: republish every standing
   * alarm and clear retained records the book no longer has (alarms that ended while we were down).
   */
  async syncRetained(standing: () => AlarmRecord[], settleMs = 1000): Promise<void> {
    let seen: Map<string, Buffer>;
    try {
      seen = await this.deps.conn.readRetained(`${this.deps.prefix}/alarms/#`, settleMs);
    } catch (err) {
      this.deps.logger.warn(
        { err: (err as Error).message },
        'could not read retained alarm records; republishing the book',
      );
      seen = new Map();
    }
    // The book as it is now, after the read: a change during the read was published by its own
    // transition, and taking the list before the read would overwrite it with an older record.
    // From here to the last send nothing else runs, so no newer change can interleave.
    const want = new Map(standing().map((r) => [this.recordTopic(r), r]));
    const owns = this.deps.owns ?? (() => true);
    const root = `${this.deps.prefix}/alarms/`;
    for (const topic of seen.keys())
      if (!want.has(topic) && owns(topic.slice(root.length).split('/')[0] as string)) this.send(topic, '', true);
    for (const r of want.values()) this.record(r);
  }

  startCommands(): void {
    const prefix = this.deps.prefix;
    const stops = COMMAND_VERBS.map((verb) =>
      this.deps.conn.subscribe(`${prefix}/cmd/${verb}`, (_topic, payload, retain) => {
        if (this.deps.skipping?.()) return;
        const result = this.deps.commands.handle(verb, payload, retain);
        this.send(`${prefix}/cmd/result`, JSON.stringify({ command: verb, ...result }), false);
      }),
    );
    this.unsubscribe = () => {
      for (const stop of stops) stop();
    };
  }

  stop(): void {
    this.unsubscribe?.();
  }

  private send(topic: string, payload: string, retain: boolean): void {
    this.deps.conn
      .publish(topic, payload, { retain, qos: 1 })
      .catch((err) => this.deps.logger.error({ err, topic }, 'MQTT publish failed'));
  }
}
