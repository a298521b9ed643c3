/** MQTT commands are authenticated and bounded (SPEC §4, issue 11 finding 2). */
import { describe, expect, it } from 'vitest';
import { COMMAND_MAX_BYTES, CommandHandler, type RefusalReason } from '../../src/publish/commands.js';
import { silentLogger } from '../../src/util/logger.js';
import { DEPOT, engineRig, GAS_PROFILES, sitesFrom } from '../helpers/engine.js';

const OPERATORS = [
  { name: 'wang', role: 'operator' as const, token: 'wang-token-0123456789abcdef' },
  { name: 'li', role: 'viewer' as const, token: 'li-token-0123456789abcdef01' },
  { name: 'zhao', role: 'admin' as const, passwordHash: 'scrypt$x' },
];

function rig(requireToken = true) {
  const r = engineRig(sitesFrom(GAS_PROFILES, [DEPOT]));
  r.read('zjk-depot', 'GD-12', 23100); // hi and hihi
  const refused: RefusalReason[] = [];
  const accepted: string[] = [];
  const handler = new CommandHandler({
    alarms: r.engine,
    operators: () => OPERATORS,
    requireToken,
    logger: silentLogger(),
    accepted: (v) => accepted.push(v),
    refused: (reason) => refused.push(reason),
    now: () => r.clock.now(),
  });
  const send = (verb: 'ack' | 'shelve' | 'unshelve', body: unknown, retain = false) =>
    handler.handle(
      verb,
      Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
      retain,
    );
  return { ...r, refused, accepted, send };
}

const ID = 'zjk-depot/GD-12/hihi';
const state = (r: ReturnType<typeof rig>) => r.engine.list().find((a) => a.id === ID);

describe('MQTT commands', () => {
  it('refuses forged commands, counts each by reason and changes nothing', () => {
    const r = rig();
    const forged: [unknown, RefusalReason, string][] = [
      [{ id: ID, operator: 'wang' }, 'bad_token', 'unauthorized'],
      [{ id: ID, operator: 'wang', token: 'guess' }, 'bad_token', 'unauthorized'],
      [{ id: ID, operator: 'wang', token: 'li-token-0123456789abcdef01' }, 'bad_token', 'unauthorized'],
      [{ id: ID, operator: 'mallory', token: 'wang-token-0123456789abcdef' }, 'unknown_operator', 'unauthorized'],
      [{ id: ID, operator: 'zhao', token: '' }, 'bad_token', 'unauthorized'], // an operator without a token
      [{ id: ID, operator: 'li', token: 'li-token-0123456789abcdef01' }, 'forbidden', 'forbidden'],
      [{ id: ID, token: 'wang-token-0123456789abcdef' }, 'bad_request', 'bad_request'],
      ['[1,2]', 'bad_request', 'bad_request'],
    ];
    for (const [body, , code] of forged) expect(r.send('ack', body)).toMatchObject({ ok: false, code });
    expect(r.refused).toEqual(forged.map(([, reason]) => reason));
    expect(state(r)).toMatchObject({ state: 'active_unacked', shelved: false });
    // the answer never says whether the name or the token was wrong
    expect(r.send('ack', { id: ID, operator: 'mallory', token: 'x' })).toEqual(
      r.send('ack', { id: ID, operator: 'wang', token: 'x' }),
    );
  });

  it('refuses a payload over 8 KiB before parsing it, and text over 1000 characters', () => {
    const r = rig();
    const big = Buffer.alloc(COMMAND_MAX_BYTES + 1, 0x20);
    expect(r.send('shelve', big)).toMatchObject({ ok: false, code: 'too_large' });
    const auth = { operator: 'wang', token: 'wang-token-0123456789abcdef' };
    expect(r.send('shelve', { id: ID, ...auth, reason: 'x'.repeat(1001) })).toMatchObject({
      ok: false,
      code: 'too_long',
      id: ID,
    });
    expect(r.send('ack', { id: ID, ...auth, comment: '注'.repeat(1001) })).toMatchObject({ code: 'too_long' });
    expect(r.send('ack', { id: ID, ...auth }, true)).toMatchObject({ ok: false });
    expect(r.refused).toEqual(['too_large', 'too_long', 'too_long', 'retained']);
    expect(state(r)).toMatchObject({ state: 'active_unacked', shelved: false });
    // exactly at the limits is fine
    expect(r.send('shelve', { id: ID, ...auth, reason: '注'.repeat(1000), minutes: 30 })).toMatchObject({ ok: true });
    expect(state(r)).toMatchObject({ shelved: true, shelvedBy: 'wang' });
  });

  it('applies a command with the operator’s token, recorded under that operator', () => {
    const r = rig();
    const res = r.send('ack', { id: ID, operator: 'wang', token: 'wang-token-0123456789abcdef', comment: 'venting' });
    expect(res).toMatchObject({ ok: true, alarm: { state: 'active_acked', ackedBy: 'wang', comment: 'venting' } });
    expect(r.accepted).toEqual(['ack']);
    expect(r.refused).toEqual([]);
  });

  it('with requireToken false trusts a configured operator without a token, but never an unknown one', () => {
    const r = rig(false);
    expect(r.send('ack', { id: ID, operator: 'mallory' })).toMatchObject({ ok: false, code: 'unauthorized' });
    expect(r.send('ack', { id: ID, operator: 'li' })).toMatchObject({ ok: false, code: 'forbidden' });
    expect(r.send('ack', { id: ID, operator: 'zhao' })).toMatchObject({ ok: true });
    expect(r.refused).toEqual(['unknown_operator', 'forbidden']);
  });
});
