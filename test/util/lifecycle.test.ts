import { describe, expect, it } from 'vitest';
import { type Component, order, Runner } from '../../src/util/lifecycle.js';
import { silentLogger } from '../../src/util/logger.js';

function recorder() {
  const log: string[] = [];
  const part = (name: string, needs: string[] = [], fail?: 'start' | 'stop'): Component => ({
    name,
    needs,
    start: async () => {
      if (fail === 'start') throw new Error(`${name} cannot start`);
      log.push(`start ${name}`);
    },
    stop: async () => {
      log.push(`stop ${name}`);
      if (fail === 'stop') throw new Error(`${name} cannot stop`);
    },
  });
  return { log, part };
}

describe('Runner', () => {
  it('starts in dependency order and stops in reverse', async () => {
    const { log, part } = recorder();
    const runner = new Runner(
      [part('http', ['alarms']), part('mqtt', ['alarms', 'store']), part('alarms', ['store']), part('store')],
      silentLogger(),
    );
    await runner.start();
    expect(runner.running).toBe(true);
    await runner.stop();
    expect(log).toEqual([
      'start store',
      'start alarms',
      'start http',
      'start mqtt',
      'stop mqtt',
      'stop http',
      'stop alarms',
      'stop store',
    ]);
  });

  it('stops what had started when a start fails, and rethrows', async () => {
    const { log, part } = recorder();
    const runner = new Runner(
      [part('store'), part('alarms', ['store']), part('mqtt', ['alarms'], 'start')],
      silentLogger(),
    );
    await expect(runner.start()).rejects.toThrow('mqtt cannot start');
    expect(log).toEqual(['start store', 'start alarms', 'stop alarms', 'stop store']);
  });

  it('goes on stopping the others when one stop fails', async () => {
    const { log, part } = recorder();
    const runner = new Runner(
      [part('store'), part('alarms', ['store'], 'stop'), part('http', ['alarms'])],
      silentLogger(),
    );
    await runner.start();
    await runner.stop();
    expect(log.filter((l) => l.startsWith('stop'))).toEqual(['stop http', 'stop alarms', 'stop store']);
  });

  it('fails fast on an unknown need, a duplicate and a cycle', () => {
    expect(() => order([{ name: 'a', needs: ['b'] }])).toThrow('component "a" needs "b", which is not listed');
    expect(() => order([{ name: 'a' }, { name: 'a' }])).toThrow('listed twice');
    expect(() =>
      order([
        { name: 'a', needs: ['b'] },
        { name: 'b', needs: ['a'] },
      ]),
    ).toThrow('a → b → a');
  });
});
