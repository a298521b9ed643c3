/**
 * The hazard register as a component of the daemon (STYLE habit 13): restored from the state
 * directory at start, seeded with the standing alarms through a narrow port, a timed pass every
 * second, the register saved after every transaction (the durable subscriber of its output), and
 * its settings applied live on reload.
 *
 * An unreadable register is not silently replaced: the file is kept aside, the register starts
 * empty, and the system alarm `_gaswatch/hazard-register/system` tells the operators.
 */
import { rename } from 'node:fs/promises';
import type { LoadedConfig } from '../config/load.js';
import type { HazardBatch } from '../domain/hazards.js';
import type { SystemAlarms } from '../domain/ports.js';
import type { SiteDef } from '../domain/sensor.js';
import type { AlarmRecord } from '../domain/types.js';
import { type Locale, translator } from '../i18n/index.js';
import type { Clock, Timer } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { HazardRegister, type RegisterDoc } from './register.js';
import { RegisterStore } from './register-store.js';

export interface HazardsComponentDeps {
  config: LoadedConfig;
  stateDir: string;
  clock: Clock;
  logger: Logger;
  /** The register's one output (a `Stream.publish`). */
  out: (batch: HazardBatch) => Promise<void> | undefined;
  sites: () => ReadonlyMap<string, SiteDef>;
  /** The standing alarms now (the alarm room's list), read once at start. */
  standing: () => AlarmRecord[];
  systemAlarms: SystemAlarms;
  /** The timed pass; 1 s by default. */
  passEvery?: number;
  /** A node taking a partition over: the register as the retained records say (adopt.ts). */
  adopt?: ((doc: RegisterDoc | undefined) => RegisterDoc) | undefined;
}

export class HazardsComponent {
  readonly name = 'hazards';
  readonly register: HazardRegister;
  private readonly store: RegisterStore;
  private timer: Timer | undefined;
  /** The config's `locale`, live on reload: the language of the texts the register writes. */
  private locale: Locale;
  /** The config's `timezone`, live on reload: the zone of sites that set none. */
  private timezone: string | undefined;

  constructor(private readonly deps: HazardsComponentDeps) {
    this.register = new HazardRegister(deps.config.main.hazards, {
      clock: deps.clock,
      logger: deps.logger,
      out: deps.out,
      sites: deps.sites,
      locale: () => this.locale,
      timezone: () => this.timezone,
    });
    this.store = new RegisterStore(deps.stateDir, deps.logger);
    this.locale = deps.config.main.locale;
    this.timezone = deps.config.main.timezone;
  }

  async start(): Promise<void> {
    const log = this.deps.logger;
    try {
      const doc = await this.store.load();
      this.register.restore(this.deps.adopt ? this.deps.adopt(doc) : doc);
    } catch (err) {
      const aside = `${this.store.file}.unreadable-${this.deps.clock.now()}`;
      await rename(this.store.file, aside).catch(() => undefined);
      log.error({ err, file: this.store.file, keptAs: aside }, 'hazard register unreadable; starting empty');
      this.deps.systemAlarms.set(
        'hazard-register',
        true,
        'high',
        translator(this.locale)('message.hazardRegisterUnreadable', { file: aside }),
      );
      if (this.deps.adopt) this.register.restore(this.deps.adopt(undefined));
    }
    const restored = this.register.list().length;
    if (restored) log.info({ hazards: restored }, 'hazard register restored');
    this.register.applyConfig(this.deps.config.main.hazards, this.deps.sites());
    this.register.watch.seed(this.deps.standing());
    this.timer = this.deps.clock.setInterval(() => this.pass(), this.deps.passEvery ?? 1000);
  }

  async stop(): Promise<void> {
    this.timer?.cancel();
    this.timer = undefined;
    await this.store.save(() => this.register.snapshot());
    await this.store.flush();
  }

  applyConfig(c: LoadedConfig): void {
    this.locale = c.main.locale;
    this.timezone = c.main.timezone;
    this.register.applyConfig(c.main.hazards, c.sites);
  }

  /** The durable subscriber of the register's output: the register on disk. */
  persist(): Promise<void> {
    return this.store.save(() => this.register.snapshot());
  }

  private pass(): void {
    try {
      void this.register.tick()?.catch((err) => this.deps.logger.error({ err }, 'saving the hazard register failed'));
    } catch (err) {
      this.deps.logger.error({ err }, 'hazard pass failed');
    }
  }
}
