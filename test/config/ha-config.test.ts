/** The `ha` section of gaswatch.yaml (SPEC §10, docs/ha.md): parsed, checked, and how it applies. */
import { describe, expect, it } from 'vitest';
import { applyMode } from '../../src/config/apply-mode.js';
import { checkMain } from '../../src/config/check-main.js';
import { Main } from '../../src/config/schema.js';

describe('ha', () => {
  it('is absent by default (a single node), takes a node and a takeover time, and needs a restart', () => {
    expect(Main.parse({}).ha).toBeUndefined();
    expect(Main.parse({ ha: { node: 'a' } }).ha).toEqual({ node: 'a', takeoverAfter: 10_000 });
    expect(Main.parse({ ha: { node: 'b', takeoverAfter: '3s' } }).ha).toEqual({ node: 'b', takeoverAfter: 3000 });
    expect(Main.safeParse({ ha: { takeoverAfter: '3s' } }).success).toBe(false);
    expect(Main.safeParse({ ha: { node: 'a/b' } }).success).toBe(false);
    expect(applyMode(['ha', 'node'])).toBe('restart');
  });

  it('refuses the embedded broker and a takeover time under a second', () => {
    expect(checkMain(Main.parse({ mqtt: { url: 'embedded' }, ha: { node: 'a' } }))).toEqual([
      { path: ['ha'], message: 'a hot-standby pair needs a broker both nodes reach, not the embedded one' },
    ]);
    expect(checkMain(Main.parse({ ha: { node: 'a', takeoverAfter: '500ms' } }))).toEqual([
      {
        path: ['ha', 'takeoverAfter'],
        message: 'must be at least 1s: a blip of the network must not move the partition',
      },
    ]);
  });
});
