/**
 * Hidden hazards out on MQTT (SPEC §11): the retained record of every live hazard on
 * `{prefix}/hazards/{site}/H-{n}` (its id; an empty retained payload once it is verified), and one
 * message per transition on `{prefix}/events` (`hazard_opened|rectified|verified|reopened|overdue`),
 * beside the alarm events. Every topic carries the site (SPEC §10).
 */
import type { HazardBatch, HazardRecord } from '../domain/hazards.js';
import type { MqttConnection } from '../ingest/connection.js';
import type { Logger } from '../util/logger.js';

export class HazardPublisher {
  constructor(
    private readonly deps: {
      conn: MqttConnection;
      prefix: string;
      logger: Logger;
      /** Sites whose retained records this instance owns (default all; see alarm-publisher.ts). */
      owns?: (site: string) => boolean;
    },
  ) {}

  recordTopic(h: Pick<HazardRecord, 'id'>): string {
    return `${this.deps.prefix}/hazards/${h.id}`;
  }

  /** A batch from the register: each changed record (retained), then each event. */
  onHazards(batch: HazardBatch): void {
    for (const r of batch.changed) this.record(r);
    for (const e of batch.events) this.send(`${this.deps.prefix}/events`, JSON.stringify(e), false);
  }

  record(r: HazardRecord): void {
    this.send(this.recordTopic(r), r.state === 'verified' ? '' : JSON.stringify(r), true);
  }

  /**
   * Make the retained records on the broker match the register after a start: republish every live
   * hazard and clear retained records of hazards that are no longer live.
   */
  async syncRetained(live: () => readonly HazardRecord[], read: (filter: string) => Promise<Map<string, Buffer>>) {
    let seen: Map<string, Buffer>;
    try {
      seen = await read(`${this.deps.prefix}/hazards/#`);
    } catch (err) {
      this.deps.logger.warn({ err: (err as Error).message }, 'could not read retained hazard records; republishing');
      seen = new Map();
    }
    // The register as it is now, after the read: a change meanwhile must not be overwritten.
    const want = new Map(live().map((r) => [this.recordTopic(r), r]));
    const owns = this.deps.owns ?? (() => true);
    const root = `${this.deps.prefix}/hazards/`;
    for (const [topic, payload] of seen)
      if (payload.length && !want.has(topic) && owns(topic.slice(root.length).split('/')[0] as string))
        this.send(topic, '', true);
    for (const r of want.values()) this.record(r);
  }

  private send(topic: string, payload: string, retain: boolean): void {
    this.deps.conn
      .publish(topic, payload, { retain, qos: 1 })
      .catch((err) => this.deps.logger.error({ err, topic }, 'MQTT publish failed'));
  }
}
