/**
 * The notify room's entry point for hidden hazards (SPEC §11): a register event addressed to a
 * person of the site's chain — the owner when a hazard is opened or reopened, the next person up
 * when it is overdue — goes to that person on the same paths as an alarm's escalation (the
 * `notify.escalation.channels` that reach them, and their own webhook). Which person, and when,
 * the register decides (hazards/overdue.ts); this only renders and enqueues, and never throws.
 */
import type { HazardBatch } from '../domain/hazards.js';
import type { SiteDef } from '../domain/sensor.js';
import type { Logger } from '../util/logger.js';
import { hazardNotification } from './hazard-message.js';
import type { Notifier } from './notifier.js';

export class HazardNotices {
  constructor(
    private readonly deps: {
      notifier: Pick<Notifier, 'reach'>;
      sites: () => ReadonlyMap<string, SiteDef>;
      logger: Logger;
    },
  ) {}

  onHazards(batch: HazardBatch): void {
    for (const e of batch.events) {
      if (!e.to) continue;
      try {
        const site = this.deps.sites().get(e.hazard.site);
        const person = site?.responsible[e.to.step];
        if (!site || !person) continue;
        const n = this.deps.notifier;
        const paths = n.reach(site, e.to.step, (opts) => hazardNotification(e, opts, person));
        this.deps.logger.info(
          { hazard: e.hazard.id, type: e.type, to: person.name, paths },
          paths > 0
            ? `hazard ${e.hazard.id}: ${e.type} sent to ${person.name}`
            : `hazard ${e.hazard.id}: no channel reaches ${person.name}; MQTT and the console only`,
        );
      } catch (err) {
        this.deps.logger.error({ err, hazard: e.hazard.id, type: e.type }, 'hazard notification failed');
      }
    }
  }
}
