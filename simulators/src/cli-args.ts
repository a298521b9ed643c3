/** Command-line parsing for gaswatch-sim, pure so it can be tested without a process. */
import { parseArgs } from 'node:util';
import { parseSpeed } from './clock.js';
import { formatDuration, parseDuration } from './duration.js';
import type { RunOptions } from './run.js';
import { listScenarios } from './scenarios/index.js';

export type CliCommand =
  | { kind: 'help' }
  | { kind: 'list' }
  | {
      kind: 'run';
      options: Omit<RunOptions, 'broker'> & { broker: string };
      verbose: boolean;
      quiet: boolean;
      /** Things the user asked for that this run ignores. */
      warnings: string[];
    };

export function usage(): string {
  const names = listScenarios()
    .map((s) => `  ${s.name.padEnd(16)} ${s.summary} (default ${formatDuration(s.defaultDuration)})`)
    .join('\n');
  return `Usage: gaswatch-sim --scenario NAME [options]

Simulated gas detectors and pressure transmitters publishing over MQTT (topic gas/{site}/{sensor}).

Options:
  --broker URL        MQTT broker (default mqtt://127.0.0.1:1883)
  --scenario NAME     one of the scenarios below (required)
  --seed N            same seed and start time → the same readings (default: random, printed)
  --speed X|max       simulated seconds per wall second: 1 real time, 60 a minute a second,
                      max as fast as the broker acknowledges (default 1)
  --duration D        simulated length: 30s, 10m, 2h, inf (default: the scenario's)
  --qos 0|1           publish QoS; with 1 every message awaits its PUBACK (default 1)
  --loop              start the scenario again when it ends, until Ctrl-C
  --rate HZ           publish rate of every sensor (load: per sensor, default 1)
  --sites N           load: number of sites (default 10)
  --sensors N         load: sensors per site (default 100)
  --target SITE/ID    the sensor a fault scenario acts on (each has a default)
  --start-time T      simulated start, ISO 8601 or epoch ms (default now)
  --batch P           probability a reading starts a gateway batch (JSON array of 3); default 0
  --bare P            probability a reading is sent as a bare number; default 0
  --in-flight N       messages awaiting acknowledgement at most (default 64)
  --username U, --password P   broker credentials
  --verbose           print every message
  --quiet             print only the final summary
  --list              list the scenarios
  -h, --help          this text

Scenarios:
${names}
`;
}

export function parseCli(argv: readonly string[]): CliCommand {
  const { values, positionals } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: true,
    options: {
      broker: { type: 'string' },
      scenario: { type: 'string' },
      seed: { type: 'string' },
      speed: { type: 'string' },
      duration: { type: 'string' },
      qos: { type: 'string' },
      loop: { type: 'boolean' },
      rate: { type: 'string' },
      sites: { type: 'string' },
      sensors: { type: 'string' },
      target: { type: 'string' },
      'start-time': { type: 'string' },
      batch: { type: 'string' },
      bare: { type: 'string' },
      'in-flight': { type: 'string' },
      username: { type: 'string' },
      password: { type: 'string' },
      verbose: { type: 'boolean' },
      quiet: { type: 'boolean' },
      list: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return { kind: 'help' };
  if (values.list) return { kind: 'list' };
  if (positionals.length > 0) throw new Error(`unexpected argument "${positionals[0]}"`);
  if (values.scenario === undefined) throw new Error('--scenario is required (see --list)');

  const qos = values.qos === undefined ? 1 : Number(values.qos);
  if (qos !== 0 && qos !== 1) throw new Error(`--qos must be 0 or 1, got "${values.qos}"`);
  const options: Omit<RunOptions, 'broker'> & { broker: string } = {
    broker: values.broker ?? 'mqtt://127.0.0.1:1883',
    scenario: values.scenario,
    qos,
    speed: values.speed === undefined ? 1 : parseSpeed(values.speed),
    loop: values.loop ?? false,
    record: false,
  };
  if (values.seed !== undefined) options.seed = integer('--seed', values.seed, Number.MIN_SAFE_INTEGER);
  if (values.duration !== undefined) options.duration = parseDuration(values.duration);
  if (values.rate !== undefined) options.rate = positive('--rate', values.rate);
  if (values.sites !== undefined) options.sites = integer('--sites', values.sites, 1);
  if (values.sensors !== undefined) options.sensors = integer('--sensors', values.sensors, 1);
  if (values.target !== undefined) options.target = values.target;
  if (values['start-time'] !== undefined) options.startTime = parseTime(values['start-time']);
  if (values.batch !== undefined || values.bare !== undefined) {
    options.formats = {
      batch: values.batch === undefined ? 0 : probability('--batch', values.batch),
      bare: values.bare === undefined ? 0 : probability('--bare', values.bare),
    };
  }
  if (values['in-flight'] !== undefined) options.maxInFlight = integer('--in-flight', values['in-flight'], 1);
  if (values.username !== undefined) options.username = values.username;
  if (values.password !== undefined) options.password = values.password;
  const warnings: string[] = [];
  if (options.scenario !== 'load' && (options.sites !== undefined || options.sensors !== undefined)) {
    warnings.push('--sites and --sensors apply to the load scenario only; ignored');
  }
  return { kind: 'run', options, verbose: values.verbose ?? false, quiet: values.quiet ?? false, warnings };
}

function integer(flag: string, text: string, min: number): number {
  const v = Number(text);
  if (!Number.isSafeInteger(v) || v < min) throw new Error(`${flag} must be an integer ≥ ${min}, got "${text}"`);
  return v;
}

function positive(flag: string, text: string): number {
  const v = Number(text);
  if (!(v > 0) || !Number.isFinite(v)) throw new Error(`${flag} must be a positive number, got "${text}"`);
  return v;
}

function probability(flag: string, text: string): number {
  const v = Number(text);
  if (!(v >= 0 && v <= 1)) throw new Error(`${flag} must be a probability between 0 and 1, got "${text}"`);
  return v;
}

function parseTime(text: string): number {
  const v = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(v)) throw new Error(`--start-time must be ISO 8601 or epoch ms, got "${text}"`);
  return v;
}
