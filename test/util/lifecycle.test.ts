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

  it('a stop while a start is pending aborts it and stops everything that started, in reverse', async () => {
    const { log, part } = recorder();
    let connected: (() => void) | undefined;
    let fail: ((err: Error) => void) | undefined;
    const mqtt: Component = {
      name: 'mqtt',
      needs: ['alarms'],
      // A connect that would wait its whole timeout; abort makes it give up at once.
      start: () =>
        new Promise<void>((resolve, reject) => {
          connected = resolve;
          fail = reject;
        }),
      stop: () => {
        log.push('stop mqtt');
      },
      abort: () => {
        log.push('abort mqtt');
        fail?.(new Error('stopped while connecting'));
      },
    };
    const runner = new Runner([part('store'), part('alarms', ['store']), mqtt, part('http', ['mqtt'])], silentLogger());
    const started = runner.start();
    await new Promise((r) => setImmediate(r));
    expect(connected).toBeDefined();
    await runner.stop();
    // The aborted start failed: mqtt never started, so it is not stopped; the rest stop in reverse.
    expect(log).toEqual(['start store', 'start alarms', 'abort mqtt', 'stop alarms', 'stop store']);
    await expect(started).rejects.toThrow('stopped while connecting');
    expect(runner.running).toBe(false);
  });

  it('a pending start that settles anyway after the abort is stopped first, then the others', async () => {
    const { log, part } = recorder();
    let connected: (() => void) | undefined;
    const mqtt: Component = {
      name: 'mqtt',
      needs: ['alarms'],
      start: () =>
        new Promise<void>((resolve) => {
          connected = resolve;
        }),
      stop: () => {
        log.push('stop mqtt');
      },
      abort: () => {
        log.push('abort mqtt');
        connected?.(); // e.g. a start that swallows its error and resolves
      },
    };
    const runner = new Runner([part('store'), part('alarms', ['store']), mqtt, part('http', ['mqtt'])], silentLogger());
    const started = runner.start();
    await new Promise((r) => setImmediate(r));
    await runner.stop();
    await started;
    expect(log).toEqual(['start store', 'start alarms', 'abort mqtt', 'stop mqtt', 'stop alarms', 'stop store']);
    expect(runner.running).toBe(false);
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
