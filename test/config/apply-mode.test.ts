/** Which settings apply live is schema metadata, read by the reload and by its report alike. */
import { describe, expect, it } from 'vitest';
import { applyMode } from '../../src/config/apply-mode.js';
import { appliedMain } from '../../src/config/diff.js';
import { Main } from '../../src/config/schema.js';

describe('applyMode', () => {
  it('reads the schema: connections need a restart, the rest applies live', () => {
    expect(applyMode(['mqtt', 'url'])).toBe('restart');
    expect(applyMode(['influx', 'batchSize'])).toBe('restart');
    expect(applyMode(['http', 'listen'])).toBe('restart');
    expect(applyMode(['state', 'dir'])).toBe('restart');
    expect(applyMode(['log', 'level'])).toBe('live');
    expect(applyMode(['alarms', 'startupGrace'])).toBe('live');
    expect(applyMode(['operators'])).toBe('live');
    expect(applyMode(['notify'])).toBe('live');
  });

  it('keeps the running value of a restart-only setting and takes the new live ones', () => {
    const running = Main.parse({ mqtt: { url: 'mqtt://a:1883' }, log: { level: 'info' } });
    const next = Main.parse({
      mqtt: { url: 'mqtt://b:1883' },
      log: { level: 'debug' },
      alarms: { startupGrace: '2m' },
    });
    const applied = appliedMain(running, next);
    expect(applied.mqtt.url).toBe('mqtt://a:1883');
    expect(applied.log.level).toBe('debug');
    expect(applied.alarms.startupGrace).toBe(120_000);
  });
});
