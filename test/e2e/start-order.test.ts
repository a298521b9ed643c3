/**
 * Components start in dependency order (issue 12). Regression: with pending escalations in the
 * state directory, start used to log `MQTT publish failed … MQTT not started` because the
 * escalation resumed before the MQTT connection existed, and the `escalated` event never reached
 * the broker. Also: `log.level` from the config is applied at start and on reload, and the reload
 * report says truthfully what applied and what needs a restart.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { AlarmEntry } from '../../src/alarms/book.js';
import { App } from '../../src/app.js';
import type { AlarmEvent } from '../../src/domain/types.js';
import { createLogger } from '../../src/util/logger.js';
import { type ConfigDir, writeConfigDir } from '../helpers/daemon.js';
import { type Mosquitto, startMosquitto } from '../helpers/mosquitto.js';
import { connectClient, type ReceivedMessage, recordAll } from '../helpers/mqtt-client.js';
import { waitFor } from '../helpers/wait.js';

let broker: Mosquitto;
let cfg: ConfigDir;
let app: App | undefined;
let client: MqttClient;
const seen: ReceivedMessage[] = [];
const lines: Record<string, unknown>[] = [];
const levels: string[] = [];

const ID = 'zjk-depot/GD-12/hi';
const raisedAt = new Date(Date.now() - 10 * 60_000).toISOString();

/** The book as a daemon killed ten minutes after the raise left it: nobody acknowledged, nobody escalated. */
function pendingBook(): { version: number; alarms: AlarmEntry[] } {
  return {
    version: 1,
    alarms: [
      {
        record: {
          id: ID,
          site: 'zjk-depot',
          sensor: 'GD-12',
          condition: 'hi',
          priority: 'high',
          state: 'active_unacked',
          shelved: false,
          suppressed: false,
          value: 25,
          threshold: 20,
          unit: '%LEL',
          message: 'GD-12 methane 25 %LEL ≥ Hi 20 %LEL',
          raisedAt,
          clearedAt: null,
          ackedAt: null,
          ackedBy: null,
          comment: null,
          chattering: false,
          shelvedBy: null,
          shelvedUntil: null,
          shelveReason: null,
        },
        cond: true,
        latch: false,
        realarmAfter: null,
        lastAnnounced: Date.parse(raisedAt),
        raises: [],
      },
    ],
  };
}

beforeAll(async () => {
  broker = await startMosquitto();
  cfg = await writeConfigDir({
    mqttUrl: broker.url,
    main: { log: { level: 'debug' } },
    profiles: {
      'combustible-gas': {
        unit: '%LEL',
        deadband: 2,
        range: [0, 100],
        setpoints: { hi: { value: 20, priority: 'high' } },
      },
    },
    sites: {
      'zjk-depot': {
        id: 'zjk-depot',
        type: 'storage',
        responsible: [
          { name: 'Li Wei', escalateAfter: '5m' },
          { name: 'Zhao Min', escalateAfter: '15m' },
        ],
        sensors: [
          { id: 'GD-12', kind: 'gas', gas: 'methane', unit: 'ppm', profile: 'combustible-gas', interval: '1h' },
        ],
      },
    },
  });
  await mkdir(cfg.stateDir, { recursive: true });
  await writeFile(path.join(cfg.stateDir, 'alarms.json'), JSON.stringify(pendingBook()));
  client = await connectClient(broker.url, {}, recordAll(seen));
  await client.subscribeAsync(['gaswatch/events'], { qos: 1 });
  const logger = createLogger({
    level: 'trace',
    destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  });
  app = new App({ configFile: cfg.file, logger, setLogLevel: (l) => levels.push(l) });
  await app.start();
});

afterAll(async () => {
  await client?.endAsync();
  await app?.stop();
  await Promise.all([broker?.stop(), cfg?.cleanup()]);
});

describe('start order', () => {
  it('resumes a pending escalation on MQTT without a publish failure', async () => {
    await waitFor(
      () =>
        seen.some((m) => {
          const e = JSON.parse(m.payload) as AlarmEvent;
          return e.type === 'escalated' && e.alarm.id === ID && e.operator === 'Zhao Min';
        }),
      { timeout: 10_000, message: 'the resumed escalation on gaswatch/events' },
    );
    const failures = lines.filter(
      (l) => String(l.msg).includes('publish failed') || String(l.err).includes('not started'),
    );
    expect(failures).toEqual([]);
  });

  it('applies log.level at start and on reload, and reports restart-only changes truthfully', async () => {
    expect(levels).toEqual(['debug']);
    const clientId = app?.config.main.mqtt.clientId;
    const doc = {
      mqtt: { url: broker.url, clientId: 'another-client-id' },
      http: { listen: '127.0.0.1:0' },
      influx: { enabled: false },
      state: { dir: cfg.stateDir },
      alarms: { startupGrace: '2h' },
      log: { level: 'warn' },
    };
    await writeFile(cfg.file, stringify(doc));
    lines.length = 0;
    await app?.reload();
    expect(levels).toEqual(['debug', 'warn']);
    const msgs = lines.map((l) => String(l.msg));
    expect(msgs).toContain('changed log.level: applied');
    expect(msgs).toContain('changed alarms.startupGrace: applied');
    expect(msgs.some((m) => m.startsWith('changed mqtt.clientId') && m.includes('needs a restart'))).toBe(true);
    // The restart-only setting keeps its running value; the live ones are in force.
    expect(app?.config.main.mqtt.clientId).toBe(clientId);
    expect(app?.config.main.log.level).toBe('warn');
    expect(app?.config.main.alarms.startupGrace).toBe(2 * 3_600_000);
  });
});
