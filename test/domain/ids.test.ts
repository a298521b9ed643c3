import { describe, expect, it } from 'vitest';
import { ID_PATTERN, isValidId } from '../../src/domain/ids.js';

describe('the id rule (SPEC §4)', () => {
  it.each(['zjk-depot', 'GD-12', 'a', '_gaswatch', 'notify-scada', 'system', 'v1.2', 'x'.repeat(128), '-x', '0'])(
    'admits %s',
    (id) => expect(isValidId(id)).toBe(true),
  );
  it.each(['', '.hidden', 'a/b', 'a b', '+', '#', '<img src=x>', 'x'.repeat(129), 'é', 'a\nb', 'a\u0000'])(
    'refuses %j',
    (id) => expect(isValidId(id)).toBe(false),
  );
  it('is anchored (no partial matches)', () => {
    expect(ID_PATTERN.test('ok\nbad id')).toBe(false);
  });
});
