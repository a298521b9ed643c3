/**
 * The composition root (STYLE: the one place that builds, starts and stops everything): loads the
 * config, has compose.ts build and wire the components, and runs them. The process shell
 * (main.ts) owns signals and exit codes; this owns the daemon's life from start to stop.
 */

import type { AlarmEngine } from './alarms/engine.js';
import { type Composed, compose, type HaView, type Readiness, VERSION } from './compose.js';
import { mainWarnings } from './config/check-main.js';
import { type LoadedConfig, loadConfig } from './config/load.js';
import type { HazardRegister } from './hazards/register.js';
import type { GaswatchMetrics } from './http/metrics.js';
import type { BrokerHealth } from './ingest/broker-health.js';
import type { MqttConnection } from './ingest/connection.js';
import type { EmbeddedBroker } from './ingest/embedded-broker.js';
import type { KpiService } from './kpis/service.js';
import type { OpsMetrics } from './ops-metrics.js';
import type { Store } from './store/store.js';
import type { Term } from './term.js';
import { type Clock, systemClock } from './util/clock.js';
import type { Logger } from './util/logger.js';
import { processRedactor, type Redactor } from './util/redact.js';
import type { SensorView } from './views/sensors.js';

export { VERSION };

export class ConfigError extends Error {
  constructor(readonly lines: string[]) {
    super(`invalid config:\n${lines.join('\n')}`);
  }
}

export interface AppOptions {
  configFile: string;
  logger: Logger;
  clock?: Clock;
  /** Override the HTTP listen address (tests, demo). */
  httpListen?: string;
  /** Use this broker URL instead of the config's (demo). */
  mqttUrl?: string;
  /**
   * Set the log level (`log.level`, at start and on every reload). The process shell passes it
   * (it owns the logger and the GASWATCH_LOG_LEVEL override); tests that capture logs do not.
   */
  setLogLevel?: (level: LoadedConfig['main']['log']['level']) => void;
  /** Told the config's secrets, to mask them in every log line (default: the logger's, per process). */
  redactor?: Redactor;
}

export class App {
  readonly clock: Clock;
  readonly logger: Logger;
  private built: Composed | undefined;
  private stopRequested = false;
  private readonly since = new Date().toISOString();
  private readonly redactor: Redactor;
  /** The environment as started: `${env:}` on reload reads it, after the secrets left process.env. */
  private readonly env: NodeJS.ProcessEnv = { ...process.env, ...scrubbedEnv };

  constructor(private readonly opts: AppOptions) {
    this.clock = opts.clock ?? systemClock;
    this.logger = opts.logger;
    this.redactor = opts.redactor ?? processRedactor;
  }

  async start(): Promise<void> {
    const loaded = await loadConfig(this.opts.configFile, this.env);
    if (!loaded.ok) throw new ConfigError(loaded.errors);
    this.redactor.setSecrets(loaded.config.secrets);
    scrubSecretEnv(loaded.config.secrets);
    this.opts.setLogLevel?.(loaded.config.main.log.level);
    // Valid but weakening settings (docs/security.md), as check-config prints them.
    for (const w of mainWarnings(loaded.config.main)) this.logger.warn({ module: 'config' }, w);
    if (this.stopRequested) return;
    this.built = compose(loaded.config, {
      opts: this.opts,
      clock: this.clock,
      logger: this.logger,
      since: this.since,
      env: this.env,
      redactor: this.redactor,
    });
    await this.built.runner.start();
    if (!this.built.runner.running) return; // stopped while starting
    const c = this.built.config();
    let sensors = 0;
    for (const s of c.sites.values()) sensors += s.sensors.size;
    this.logger.info({ sites: c.sites.size, sensors, version: VERSION }, 'gaswatch running');
  }

  /** Stops what has started; called while starting, it cuts the start short (a pending connect included). */
  async stop(): Promise<void> {
    this.stopRequested = true;
    await this.built?.runner.stop();
    this.logger.info('gaswatch stopped');
  }

  /** Re-read the config now (SIGHUP). */
  async reload(): Promise<void> {
    await this.built?.watcher.reload();
  }

  readiness(): Readiness {
    return this.built?.readiness() ?? { ready: false, reasons: ['config not loaded', 'MQTT not connected'] };
  }

  // The parts, for tests, the demo and benchmarks.
  /** The config in force (after reloads). */
  get config(): LoadedConfig {
    return this.need().config();
  }
  get engine(): AlarmEngine {
    return this.term().engine;
  }
  get hazards(): HazardRegister {
    return this.term().hazards.register;
  }
  get kpis(): KpiService {
    return this.term().kpis;
  }
  get sensors(): SensorView {
    return this.term().sensors;
  }
  get metrics(): GaswatchMetrics {
    return this.need().metrics;
  }
  get ops(): OpsMetrics {
    return this.need().ops;
  }
  get store(): Store {
    return this.need().store;
  }
  get conn(): MqttConnection {
    return this.term().conn;
  }
  get brokerHealth(): BrokerHealth | undefined {
    return this.built?.active()?.brokerHealth;
  }
  get broker(): EmbeddedBroker | undefined {
    return this.built?.active()?.broker();
  }
  get httpUrl(): string | undefined {
    return this.built?.httpUrl();
  }
  /** A node of a hot-standby pair: its role, term and the node holding the partition; undefined without `ha`. */
  get ha(): HaView | undefined {
    return this.built?.ha();
  }

  /** The active set in force; a standby node has none. */
  private term(): Term {
    const t = this.need().active();
    if (!t) throw new Error('this node is the standby of its pair: it runs no active set now');
    return t;
  }

  private need(): Composed {
    if (!this.built) throw new Error('gaswatch is not started');
    return this.built;
  }
}

/**
 * Remove the config's secrets from the process environment (kept in `App.env` for reloads): Node's
 * report on a fatal error (poison.ts) lists the environment, and child processes would inherit it.
 */
function scrubSecretEnv(secrets: ReadonlySet<string>): void {
  for (const [name, value] of Object.entries(process.env))
    if (value !== undefined && value.length >= 4 && secrets.has(value)) {
      scrubbedEnv[name] = value;
      delete process.env[name];
    }
}

/** What scrubSecretEnv took, so that a later App in the same process (tests, a restart) still sees it. */
const scrubbedEnv: Record<string, string> = {};
