#!/usr/bin/env node
/**
 * The process shell (SPEC §7): parses the command line, runs one command, owns signals and exit
 * codes. Exit codes: 0 ok, 1 invalid config or failed check, 2 usage error, 3 failed to start.
 */
import { parseArgs } from 'node:util';
import { App, ConfigError } from './app.js';
import { waitForSignals } from './signals.js';
import { createLogger } from './util/logger.js';
import { processRedactor } from './util/redact.js';

const USAGE = `gaswatch — watches gas facilities through their sensors

Usage:
  gaswatch run [--config FILE]            the daemon (default config/gaswatch.yaml)
  gaswatch check-config [--config FILE]   validate the config; exit 1 on any error
  gaswatch schema [main|profiles|site]    JSON Schema of a config file (draft-07); --write DIR writes all
  gaswatch demo                           zero-setup demo: embedded broker, simulators, console
  gaswatch hash-password                  read a password, print its scrypt hash for the config
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      config: { type: 'string', short: 'c', default: 'config/gaswatch.yaml' },
      port: { type: 'string' },
      write: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help || command === undefined || command === 'help' || command === '--help') {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  switch (command) {
    case 'run':
      return run(values.config);
    case 'check-config': {
      const { checkConfigCommand } = await import('./config/commands.js');
      return checkConfigCommand({ config: values.config }, { stdout: process.stdout, stderr: process.stderr });
    }
    case 'schema': {
      const { schemaCommand } = await import('./config/commands.js');
      return schemaCommand(
        { stdout: process.stdout, stderr: process.stderr },
        { kind: positionals[0], write: values.write },
      );
    }
    case 'hash-password': {
      const { hashPasswordCommand } = await import('./http/password-command.js');
      return hashPasswordCommand();
    }
    case 'demo': {
      const { runDemo } = await import('./demo.js');
      return runDemo({ port: values.port === undefined ? undefined : Number(values.port) });
    }
    default:
      process.stderr.write(`unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

/** Run the daemon until SIGINT/SIGTERM; SIGHUP reloads the config. */
async function run(configFile: string): Promise<number> {
  const logger = createLogger();
  const app = new App({
    configFile,
    logger,
    // `log.level` of the config, unless the environment says otherwise (it wins, for debugging).
    setLogLevel: (level) => {
      if (!process.env.GASWATCH_LOG_LEVEL) logger.level = level;
    },
  });
  // Signals are handled from the first moment: a SIGTERM while starting cuts the start short (a
  // first MQTT connect does not wait for its timeout) and stops cleanly what had started.
  const starting = app.start();
  let signalled = false;
  const stopped = waitForSignals(
    {
      stop: async () => {
        signalled = true;
        await app.stop();
        await starting.catch(() => undefined);
      },
      reload: () => app.reload(),
    },
    logger,
  );
  try {
    await starting;
  } catch (err) {
    // A start cut short by a signal is not a failure: the stop decides the exit code.
    if (signalled && !(err instanceof ConfigError)) return stopped;
    if (err instanceof ConfigError) {
      for (const line of err.lines) process.stderr.write(`${line}\n`);
      logger.fatal({ errors: err.lines.length }, 'invalid config; not starting');
      return 1;
    }
    logger.fatal({ err }, 'failed to start');
    await app.stop().catch(() => undefined);
    return 3;
  }
  return stopped;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Let pino's transport drain; hard-exit if something keeps the loop alive after stop.
    setTimeout(() => process.exit(code), 3000).unref();
  },
  (err: unknown) => {
    process.stderr.write(`${processRedactor.text(err instanceof Error ? err.message : String(err))}\n`);
    process.exitCode = 2;
  },
);
