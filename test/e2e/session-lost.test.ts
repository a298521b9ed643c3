/**
 * A broker that lost gaswatch's session (restarted without persistence) drops whatever it had
 * queued for it, silently. gaswatch sees `sessionPresent: false` in the CONNACK once it has had a
 * session, and raises `_gaswatch/session-lost/system` so an operator knows readings may be missing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { type ConfigDir, startApp, writeConfigDir } from '../helpers/daemon.js';
import { type Mosquitto, startMosquitto } from '../helpers/mosquitto.js';
import { waitFor } from '../helpers/wait.js';

const ALARM = '_gaswatch/session-lost/system';
let broker: Mosquitto;
let cfg: ConfigDir;
let app: App | undefined;

beforeAll(async () => {
  broker = await startMosquitto({ persistence: false });
  cfg = await writeConfigDir({
    mqttUrl: broker.url,
    // In the control room's language: the alarm is said in Chinese, the log stays English.
    main: { locale: 'zh-CN' },
    profiles: { gas: { unit: '%LEL', range: [0, 100], setpoints: { hi: { value: 20, priority: 'high' } } } },
    sites: {
      s1: {
        id: 's1',
        type: 'station',
        sensors: [{ id: 'GD-1', kind: 'gas', gas: 'methane', unit: '%LEL', profile: 'gas', interval: '1h' }],
      },
    },
  });
});

afterAll(async () => {
  await app?.stop();
  await Promise.all([broker?.stop(), cfg?.cleanup()]);
});

const sessionAlarm = () => app?.engine.list().find((a) => a.id === ALARM);

describe('a broker that lost gaswatch’s session', () => {
  it('raises nothing on the first start, nor on a restart that finds the session', async () => {
    app = await startApp(cfg.file);
    await waitFor(() => app?.conn.connected === true, { message: 'connected' });
    expect(sessionAlarm()).toBeUndefined();
    await app.stop();
    app = await startApp(cfg.file);
    await waitFor(() => app?.conn.connected === true, { message: 'connected again' });
    expect(sessionAlarm()).toBeUndefined();
    await app.stop();
    app = undefined;
  });

  it('raises session-lost when the broker restarted without persistence while gaswatch was away', async () => {
    await broker.restart();
    app = await startApp(cfg.file);
    await waitFor(() => sessionAlarm() !== undefined, { message: 'the session-lost alarm' });
    // Raised and cleared at once: it waits for an operator's acknowledgement.
    expect(sessionAlarm()).toMatchObject({ state: 'cleared_unacked', priority: 'high' });
    expect(sessionAlarm()?.message).toMatch(
      /^MQTT 代理上没有 gaswatch 的会话（客户端 ID gaswatch-test-[^）]+）：断线期间/,
    );
    expect(app.engine.history({ type: 'raised' }).some((e) => e.alarm.id === ALARM)).toBe(true);
  });
});
