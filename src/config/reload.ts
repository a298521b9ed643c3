/**
 * Validate-then-swap (SPEC §6, STYLE habit 5): an invalid config is reported and the running one
 * stays; a valid one is applied at once — sites, profiles, operators, notify, logging — keeping
 * alarm state, with a log line per changed setpoint. Settings that need a restart (schema metadata,
 * apply-mode.ts) keep their running values and are reported as such: the report says only what is true.
 *
 * The reloader decides nothing about the rooms: each component that takes config applies it in
 * its own `applyConfig`, in start order.
 */
import type { Logger } from '../util/logger.js';
import { appliedMain, diffConfig } from './diff.js';
import type { LoadedConfig, LoadResult } from './load.js';
import type { ReloadCause } from './watch.js';

/** A component that takes a reloaded config. */
export interface ConfigApplier {
  readonly name: string;
  applyConfig?(next: LoadedConfig): void;
}

/** `restart_needed`: only settings that need a restart changed; nothing was applied. */
export type ReloadOutcome = 'rejected' | 'unchanged' | 'applied' | 'restart_needed';

export interface ReloaderOptions {
  current: () => LoadedConfig;
  /** Install the config in force. */
  swap: (next: LoadedConfig) => void;
  appliers: () => readonly ConfigApplier[];
  logger: Logger;
  onOutcome?: (outcome: ReloadOutcome) => void;
}

export class Reloader {
  constructor(private readonly o: ReloaderOptions) {}

  apply(result: LoadResult, cause: ReloadCause): ReloadOutcome {
    const log = this.o.logger;
    if (!result.ok) {
      log.error(
        { cause, errors: result.errors },
        `config rejected (${result.errors.length} errors); the running config stays`,
      );
      for (const line of result.errors) log.error(line);
      return this.outcome('rejected');
    }
    const old = this.o.current();
    const diff = diffConfig(old, result.config);
    const live =
      diff.setpointChanges.length +
      diff.addedSensors.length +
      diff.removedSensors.length +
      diff.removedConditions.length +
      diff.otherChanges.length +
      diff.liveChanges.length;
    if (live === 0 && diff.restartNeeded.length === 0) {
      log.info({ cause }, 'config re-read: no change');
      return this.outcome('unchanged');
    }
    for (const line of diff.setpointChanges) log.info({ change: line }, `setpoint ${line}`);
    for (const id of diff.addedSensors) log.info({ sensor: id }, `sensor added: ${id}`);
    for (const id of diff.removedSensors) log.warn({ sensor: id }, `sensor removed: ${id} (its alarms are closed)`);
    for (const line of diff.otherChanges) log.info({ change: line }, `changed ${line}`);
    for (const key of diff.liveChanges) log.info({ key }, `changed ${key}: applied`);
    if (diff.restartNeeded.length)
      log.warn(
        { keys: diff.restartNeeded },
        `changed ${diff.restartNeeded.join(', ')}: needs a restart; running values kept`,
      );
    if (live === 0) return this.outcome('restart_needed');
    const next: LoadedConfig = { ...result.config, main: appliedMain(old.main, result.config.main) };
    this.o.swap(next);
    for (const c of this.o.appliers()) {
      try {
        c.applyConfig?.(next);
      } catch (err) {
        log.error({ err, component: c.name }, `applying the config to ${c.name} failed`);
      }
    }
    log.info({ cause, changes: live }, 'config applied');
    return this.outcome('applied');
  }

  private outcome(o: ReloadOutcome): ReloadOutcome {
    this.o.onOutcome?.(o);
    return o;
  }
}
