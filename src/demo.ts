/**
 * `gaswatch demo` (what `npm start` runs): an embedded MQTT broker, the daemon on the shipped
 * example deployment, the simulators looping a scripted story, and the console. Ctrl-C stops it.
 */
import path from 'node:path';
import { startScenario } from 'gaswatch-simulators';
import { App, ConfigError } from './app.js';
import { waitForSignals } from './signals.js';
import { createLogger } from './util/logger.js';

const DEMO_CONFIG = path.resolve(import.meta.dirname, '../../config/demo/gaswatch.yaml');
const DEMO_USER = 'demo';
const DEMO_PASSWORD = 'gaswatch-demo';

export async function runDemo(opts: { port?: number | undefined; configFile?: string } = {}): Promise<number> {
  const logger = createLogger({ level: process.env.GASWATCH_LOG_LEVEL ?? 'warn' });
  const configFile = opts.configFile ?? DEMO_CONFIG;
  let app = new App({ configFile, logger, httpListen: `127.0.0.1:${opts.port ?? 8080}` });
  try {
    await app.start();
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const line of err.lines) process.stderr.write(`${line}\n`);
      return 1;
    }
    if (opts.port !== undefined || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    // 8080 taken: any free port will do for a demo.
    await app.stop().catch(() => undefined);
    app = new App({ configFile, logger, httpListen: '127.0.0.1:0' });
    await app.start();
  }
  const broker = app.broker?.url ?? app.config.main.mqtt.url;
  const sim = startScenario({
    broker,
    scenario: 'demo-story',
    speed: 1,
    loop: true,
    qos: 1,
    record: false,
    clientId: 'gaswatch-demo-sim',
  });
  void sim.done.catch((err) => logger.error({ err }, 'simulators stopped'));
  const influxUp = await ping(app.config.main.influx.url);
  const out = process.stdout;
  out.write(`
gaswatch demo is running.

  Console     ${app.httpUrl}/   (viewing needs no login)
  Log in as   ${DEMO_USER} / ${DEMO_PASSWORD}   to acknowledge and shelve alarms
  MQTT        ${broker}   (try: mosquitto_sub -h 127.0.0.1 -p ${app.broker?.port ?? 1883} -t 'gaswatch/#' -v)
  InfluxDB    ${
    influxUp
      ? `${app.config.main.influx.url}, database ${app.config.main.influx.database}`
      : `not reachable at ${app.config.main.influx.url}: readings wait in the spool under ${path.resolve(app.config.main.state.dir)}`
  }

  The story (10 minutes, looping): a slow propane leak at the filling station (alarms within a
  minute, clears at 2.5 min), a pressure drop at the depot tank PT-102 (4 min), detector GD-16
  going silent (6–8 min).

Ctrl-C stops the demo.
`);
  return waitForSignals(
    {
      stop: async () => {
        await sim.stop().catch(() => undefined);
        await app.stop();
      },
    },
    logger,
  );
}

async function ping(url: string): Promise<boolean> {
  try {
    const res = await fetch(new URL('/ping', url), { signal: AbortSignal.timeout(1500) });
    return res.status === 204;
  } catch {
    return false;
  }
}
