/**
 * The alarm engine: per-sensor evaluation (src/evaluate/) feeding the alarms of every condition
 * (apply.ts), the timed pass (timed.ts), operator commands (commands.ts) and gaswatch's own alarms
 * (system.ts), all on one alarm book whose one output every sink subscribes to (book.ts).
 *
 * All decisions read `clock.now()`; nothing here sleeps or does I/O. `handle` and `tick` return the
 * book's promise of durability, which the ingest path awaits before it acknowledges a message.
 */
import type { SystemAlarms } from '../domain/ports.js';
import { type SensorDef, type SiteDef, sensorRows } from '../domain/sensor.js';
import { type AlarmEvent, type AlarmRecord, type AlarmState, alarmId, type Reading } from '../domain/types.js';
import {
  adaptState,
  type ConditionUpdate,
  evaluateQuietly,
  evaluateReading,
  newSensorState,
  type SensorState,
  seedState,
  tickSensor,
} from '../evaluate/sensor.js';
import { DEFAULT_LOCALE, type Locale, translator } from '../i18n/index.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { applyUpdate, closeAlarm, type KeepingContext, refreshSuppression } from './apply.js';
import { AlarmBook, type AlarmEntry, type BookOutput, type HandleResult, type HistoryQuery, NOTHING } from './book.js';
import { AlarmCommands, type KnownAlarm } from './commands.js';
import { conditionExists, conditionPriority } from './conditions.js';
import { type AlarmHealth, FloodTracker } from './health.js';
import { setSystemAlarm } from './system.js';
import { tickEntry, tickFloods } from './timed.js';

export interface EngineDeps {
  clock: Clock;
  logger: Logger;
  /** The book's one output (a `Stream.publish`): every batch of events, and the durability of each. */
  out: BookOutput;
  /** Sensors never heard from go stale only after this. */
  startupGrace: number;
  /** Language of the records' `message` (config `locale`, read at each change so a reload applies). */
  locale?: () => Locale;
  /**
   * `mqtt.instance` when several instances share the broker: a system alarm is then
   * `_gaswatch/{instance}.{name}/system`, so that one partition's alarm is not overwritten or cleared
   * by another's of the same name (a hot-standby pair shares its instance, and so its system alarms).
   */
  instance?: string | undefined;
}

export type { AlarmEntry, HandleResult } from './book.js';

/** A configured sensor and what its evaluation remembers. */
interface Tracked {
  def: SensorDef;
  state: SensorState;
}

export class AlarmEngine {
  private sites = new Map<string, SiteDef>();
  private startupGrace: number;
  /** By `SensorDef.index`: a sensor is found through the config's own maps, nothing built per reading. */
  private tracked: (Tracked | undefined)[] = [];
  private readonly book: AlarmBook;
  private readonly ctx: KeepingContext;
  /** Operator commands and notices (also the `AlarmNotices` port of the notifier). */
  readonly commands: AlarmCommands;

  constructor(private readonly deps: EngineDeps) {
    this.startupGrace = deps.startupGrace;
    this.book = new AlarmBook(deps.out);
    const locale = () => deps.locale?.() ?? DEFAULT_LOCALE;
    this.ctx = { book: this.book, flood: new FloodTracker(locale), site: (id) => this.sites.get(id), locale };
    this.commands = new AlarmCommands({
      book: this.book,
      clock: deps.clock,
      logger: deps.logger,
      known: (id) => this.known(id),
    });
  }

  /** Install the book restored from disk (before the first config). */
  restore(entries: AlarmEntry[], journal: AlarmEvent[]): void {
    this.book.restore(entries, journal);
  }

  /**
   * Apply a (new) config. Sensor and alarm state are kept; alarms of sensors or conditions that no
   * longer exist are closed with an event. `startupGrace` applies to sensors that appear from now on.
   */
  applyConfig(sites: Map<string, SiteDef>, startupGrace = this.startupGrace): HandleResult {
    const now = this.deps.clock.now();
    this.startupGrace = startupGrace;
    return this.book.transact(() => {
      const before = this.sites;
      const old = this.tracked;
      this.sites = sites;
      this.tracked = new Array(sensorRows(sites));
      for (const site of sites.values())
        for (const def of site.sensors.values()) {
          const was = before.get(def.site)?.sensors.get(def.id);
          let t = was ? old[was.index] : undefined;
          if (!t) t = { def, state: newSensorState(def, now, this.startupGrace) };
          else {
            adaptState(t.state, t.def, def);
            t.def = def;
          }
          this.tracked[def.index] = t;
          // After a restart the book knows which conditions were active: the evaluators start there.
          seedState(t.state, def, (c) => this.book.get(alarmId(def.site, def.id, c))?.cond === true);
        }
      for (const entry of [...this.book.values()]) {
        const { site, sensor, condition } = entry.record;
        if (condition === 'flood' || condition === 'system') continue;
        const def = sites.get(site)?.sensors.get(sensor);
        if (!def || !conditionExists(def, condition)) closeAlarm(this.book, entry, now);
        else refreshSuppression(this.ctx, entry, def, now);
      }
    });
  }

  /**
   * Evaluate one reading (value already in the sensor's unit). Unconfigured sensors raise no
   * threshold alarm (SPEC §1): their readings are stored and shown, not evaluated.
   */
  handle(reading: Reading): HandleResult {
    const def = this.sites.get(reading.site)?.sensors.get(reading.sensor);
    const t = def && this.tracked[def.index];
    if (!t) return NOTHING;
    const now = this.deps.clock.now();
    // The common case: nothing in the book for this sensor and nothing to say about the reading.
    if (!this.book.hasSensor(reading.site, reading.sensor) && evaluateQuietly(t.state, t.def, reading, now))
      return NOTHING;
    const updates = evaluateReading(t.state, t.def, reading, now);
    if (updates.length === 0) return NOTHING;
    return this.book.transact(() => {
      for (const u of updates) applyUpdate(this.ctx, t.def, u, now);
    });
  }

  /** Delays, stale sensors, shelve expiry, re-alarm, chattering and flood decay. Call every second. */
  tick(): HandleResult {
    const now = this.deps.clock.now();
    return this.book.transact(() => {
      for (const t of this.tracked) {
        if (!t) continue;
        const updates = tickSensor(t.state, t.def, now);
        for (let i = 0; i < updates.length; i++) applyUpdate(this.ctx, t.def, updates[i] as ConditionUpdate, now);
      }
      for (const entry of this.book.values()) {
        const r = entry.record;
        tickEntry(this.ctx, entry, this.sites.get(r.site)?.sensors.get(r.sensor), now);
      }
      tickFloods(this.ctx, now);
    });
  }

  /** The port through which other rooms raise gaswatch's own alarms. */
  systemAlarms(): SystemAlarms {
    return {
      set: (name, active, priority, message, value = null) => {
        try {
          const now = this.deps.clock.now();
          const text =
            typeof message === 'string'
              ? message
              : translator(this.ctx.locale())(`message.${message.key}`, message.vars);
          const qualified = this.deps.instance ? `${this.deps.instance}.${name}` : name;
          const res = this.book.transact(() =>
            setSystemAlarm(this.book, now, qualified, active, priority, text, value),
          );
          void res.durable?.catch((err) => this.deps.logger.error({ err, name }, 'persisting a system alarm failed'));
        } catch (err) {
          this.deps.logger.error({ err, name }, 'setting a system alarm failed');
        }
      },
    };
  }

  // ------------------------------------------------------------------ commands (AlarmsApi)

  ack(id: string, operator: string, comment: string | null) {
    return this.commands.ack(id, operator, comment);
  }

  shelve(id: string, operator: string, minutes: number, reason: string) {
    return this.commands.shelve(id, operator, minutes, reason);
  }

  unshelve(id: string, operator: string) {
    return this.commands.unshelve(id, operator);
  }

  // ------------------------------------------------------------------ queries

  list(filter?: { states?: AlarmState[] }): AlarmRecord[] {
    return this.book.list(filter);
  }

  history(q?: HistoryQuery): AlarmEvent[] {
    return this.book.history(q);
  }

  /** Every entry of the book, for persistence. */
  entries(): AlarmEntry[] {
    return this.book.all();
  }

  health(): AlarmHealth {
    return { floodingSites: this.ctx.flood.flooding() };
  }

  /** What evaluation remembers of a sensor (tests, diagnostics). */
  sensorState(site: string, sensor: string): Readonly<SensorState> | undefined {
    const def = this.sites.get(site)?.sensors.get(sensor);
    return def && this.tracked[def.index]?.state;
  }

  /** site, sensor, condition and priority of an alarm id the config defines. */
  private known(id: string): KnownAlarm | undefined {
    const [site, sensor, condition, ...rest] = id.split('/');
    if (!site || !sensor || !condition || rest.length) return undefined;
    const def = this.sites.get(site)?.sensors.get(sensor);
    if (!def || !conditionExists(def, condition)) return undefined;
    const c = condition as KnownAlarm['condition'];
    return { site, sensor, condition: c, priority: conditionPriority(def, c) };
  }
}
