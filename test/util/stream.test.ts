import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/util/logger.js';
import { Stream } from '../../src/util/stream.js';

describe('Stream', () => {
  it('hands each value to every subscriber; a throwing one cannot stop the others', () => {
    const s = new Stream<number>('test', silentLogger());
    const seen: string[] = [];
    s.subscribe((v) => seen.push(`a${v}`));
    s.subscribe(() => {
      throw new Error('boom');
    });
    s.subscribe((v) => seen.push(`c${v}`));
    expect(s.publish(1)).toBeUndefined();
    expect(seen).toEqual(['a1', 'c1']);
  });

  it('returns the durable subscribers’ promise; it rejects when one of them fails', async () => {
    const s = new Stream<number>('test', silentLogger());
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    s.subscribe(() => gate, { durable: true });
    s.subscribe(() => Promise.reject(new Error('not durable: ignored')));
    const p = s.publish(1) as Promise<void>;
    let settled = false;
    void p.then(() => (settled = true));
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    release();
    await p;
    expect(settled).toBe(true);
    const unsubscribe = s.subscribe(() => Promise.reject(new Error('disk full')), { durable: true });
    await expect(s.publish(2)).rejects.toThrow('disk full');
    unsubscribe();
    s.subscribe(
      () => {
        throw new Error('threw at once');
      },
      { durable: true },
    );
    await expect(s.publish(3)).rejects.toThrow('threw at once');
  });
});
