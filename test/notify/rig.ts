/**
 * A real AlarmEngine on a manual clock whose events feed a real Notifier, as the composition root
 * wires them; deliveries go over real HTTP to a local receiver.
 */
import { AlarmEngine, type AlarmEntry } from '../../src/alarms/engine.js';
import { Notify } from '../../src/config/schema.js';
import type { SiteDef } from '../../src/domain/sensor.js';
import type { AlarmEvent } from '../../src/domain/types.js';
import { createMetrics } from '../../src/http/metrics.js';
import { Notifier } from '../../src/notify/notifier.js';
import { ManualClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { SensorView } from '../../src/views/sensors.js';

export interface NotifyRig {
  clock: ManualClock;
  engine: AlarmEngine;
  notifier: Notifier;
  events: AlarmEvent[];
  metrics: ReturnType<typeof createMetrics>;
  /** The book as last persisted, for a restart. */
  book(): AlarmEntry[];
  /** Feed a reading of GD-12 (ppm) at the clock's now. */
  gas(ppm: number, sensor?: string): void;
  /** Events of a type, as "type operator comment". */
  notices(type?: string): string[];
}

export function notifyRig(
  sites: Map<string, SiteDef>,
  notify: unknown,
  opts: { clock?: ManualClock; restore?: { book: AlarmEntry[]; journal: AlarmEvent[] } } = {},
): NotifyRig {
  const clock = opts.clock ?? new ManualClock();
  const events: AlarmEvent[] = [];
  let saved: AlarmEntry[] = [];
  const metrics = createMetrics({ defaultMetrics: false });
  let notifier: Notifier | undefined;
  const view = new SensorView({ clock });
  const engine: AlarmEngine = new AlarmEngine({
    clock,
    logger: silentLogger(),
    startupGrace: 3_600_000,
    out: (batch) => {
      events.push(...batch.events);
      view.onAlarms(batch);
      notifier?.onAlarms(batch);
      saved = JSON.parse(JSON.stringify(engine.entries()));
      return Promise.resolve();
    },
  });
  if (opts.restore) {
    engine.restore(JSON.parse(JSON.stringify(opts.restore.book)), opts.restore.journal);
    events.push(...opts.restore.journal);
  }
  engine.applyConfig(sites);
  view.applyConfig(sites);
  notifier = new Notifier(notify === undefined ? undefined : Notify.parse(notify), {
    clock,
    logger: silentLogger(),
    alarms: {
      list: () => engine.list(),
      history: (q) => engine.history(q),
      entries: () => engine.entries(),
      sensorsApi: () => view,
    },
    notices: engine.commands,
    systemAlarms: engine.systemAlarms(),
    sites: () => sites,
    counter: metrics.notifications,
  });
  void notifier.start();
  return {
    clock,
    engine,
    notifier,
    events,
    metrics,
    book: () => saved,
    gas(ppm, sensor = 'GD-12') {
      const reading = {
        site: 'zjk-depot',
        sensor,
        value: ppm,
        ts: clock.now(),
        unit: 'ppm',
        status: 'ok' as const,
        configured: true,
      };
      engine.handle(reading);
      view.onReading(reading);
    },
    notices: (type) =>
      events
        .filter((e) => (type ? e.type === type : e.type === 'notified' || e.type === 'escalated'))
        .map((e) => `${e.type} ${e.operator ?? ''} ${e.comment ?? ''}`.trim()),
  };
}
