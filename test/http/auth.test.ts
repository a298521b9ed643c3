/** Password hashes, the hash-password command and sessions, without HTTP (the login throttle: login-guard.test.ts). */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SCRYPT,
  hashPassword,
  OperatorDirectory,
  parsePasswordHash,
  SessionStore,
  verifyPassword,
} from '../../src/http/auth.js';
import { hashPasswordCommand } from '../../src/http/password-command.js';
import { ManualClock } from '../../src/util/clock.js';

const CHEAP = { N: 1024, r: 8, p: 1 };

describe('scrypt password hashes', () => {
  it('use the format scrypt$N$r$p$salt$hash with the production work factor by default', async () => {
    const h = await hashPassword('correct horse battery');
    expect(h).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*$/);
    expect(parsePasswordHash(h)).toMatchObject(DEFAULT_SCRYPT);
    expect(await verifyPassword('correct horse battery', h)).toBe(true);
    expect(await verifyPassword('correct horse battery!', h)).toBe(false);
  });

  it('salt every hash, and verify with the parameters stored in the hash', async () => {
    const [a, b] = await Promise.all([hashPassword('same', CHEAP), hashPassword('same', CHEAP)]);
    expect(a).not.toBe(b);
    expect(a.startsWith('scrypt$1024$8$1$')).toBe(true);
    expect(await verifyPassword('same', a)).toBe(true);
    expect(await verifyPassword('same', b)).toBe(true);
  });

  it('never accept a malformed or absurd hash', async () => {
    for (const bad of [
      '',
      'plain',
      'scrypt$1024$8$1$c2FsdA==',
      'bcrypt$1024$8$1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==',
      'scrypt$1000$8$1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==',
      `scrypt$${2 ** 24}$8$1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==`,
    ])
      expect(await verifyPassword('x', bad), bad).toBe(false);
  });
});

describe('hash-password command', () => {
  const run = async (input: string, tty = false, oneChunk = false) => {
    const stdin = Object.assign(new PassThrough(), tty ? { isTTY: true, setRawMode: () => undefined } : {});
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (c) => {
      out += c;
    });
    stderr.on('data', (c) => {
      err += c;
    });
    const done = hashPasswordCommand({ stdin, stdout, stderr, scrypt: CHEAP });
    if (tty && oneChunk) stdin.write(input);
    else if (tty) for (const ch of input) stdin.write(ch);
    else stdin.end(input);
    return { code: await done, out, err };
  };

  it('hashes the first line of piped stdin', async () => {
    const r = await run('s3cret-enough\nignored\n');
    expect(r.code).toBe(0);
    expect(await verifyPassword('s3cret-enough', r.out.trim())).toBe(true);
  });

  it('at a terminal reads the password twice without echoing it', async () => {
    const r = await run('typo-pasx\x7fsword\rtypo-password\r', true);
    expect(r.code).toBe(0);
    expect(r.err).toContain('Password: ');
    expect(r.err).not.toContain('typo');
    expect(await verifyPassword('typo-password', r.out.trim())).toBe(true);
  });

  it('at a terminal takes both lines from one pasted chunk', async () => {
    const r = await run('pasted-secret\rpasted-secret\r', true, true);
    expect(r.code).toBe(0);
    expect(await verifyPassword('pasted-secret', r.out.trim())).toBe(true);
  });

  it('refuses different entries and short passwords', async () => {
    expect((await run('first-one\rsecond-one\r', true)).code).toBe(1);
    const short = await run('short\n');
    expect(short.code).toBe(1);
    expect(short.err).toMatch(/at least 8 characters/);
    expect(short.out).toBe('');
  });
});

describe('operators', () => {
  it('log in by password and by bearer token, each with its role', async () => {
    const dir = new OperatorDirectory([
      { name: 'wang', role: 'operator', passwordHash: await hashPassword('wang-pw-123', CHEAP) },
      { name: 'bot', role: 'viewer', token: 'abc' },
    ]);
    expect(await dir.login('wang', 'wang-pw-123')).toEqual({ name: 'wang', role: 'operator', via: 'session' });
    expect(await dir.login('wang', 'nope')).toBeUndefined();
    expect(await dir.login('bot', 'abc')).toBeUndefined(); // a token is not a password
    expect(dir.byToken('abc')).toEqual({ name: 'bot', role: 'viewer', via: 'token' });
    expect(dir.byToken('abd')).toBeUndefined();
  });
});

describe('sessions', () => {
  it('expire when idle and at their maximum age, on the given clock', () => {
    const clock = new ManualClock();
    const store = new SessionStore(clock, { idleMs: 1000, maxAgeMs: 10_000 });
    const s = store.create('wang');
    clock.advance(900);
    expect(store.get(s.id)?.name).toBe('wang');
    clock.advance(900);
    expect(store.get(s.id, false)).toBeDefined();
    clock.advance(900); // 1800 since last touch, as a peek does not touch
    expect(store.get(s.id)).toBeUndefined();
    const busy = new SessionStore(clock, { idleMs: 1000, maxAgeMs: 2500 });
    const t = busy.create('li');
    for (let i = 0; i < 3; i++) {
      clock.advance(800);
      expect(busy.get(t.id)).toBeDefined();
    }
    clock.advance(800);
    expect(busy.get(t.id)).toBeUndefined();
  });

  it('drop the oldest beyond the maximum count', () => {
    const store = new SessionStore(new ManualClock(), { maxSessions: 2 });
    const a = store.create('a');
    store.create('b');
    store.create('c');
    expect(store.size).toBe(2);
    expect(store.get(a.id)).toBeUndefined();
  });
});

describe('a reload with changed credentials', () => {
  it('names the operators whose password or token changed, or who are gone', () => {
    const dir = new OperatorDirectory([
      { name: 'wang', role: 'operator', passwordHash: 'scrypt$a' },
      { name: 'li', role: 'operator', passwordHash: 'scrypt$b' },
      { name: 'bot', role: 'viewer', token: 't1' },
      { name: 'gone', role: 'viewer', token: 't2' },
      { name: 'zhao', role: 'viewer', passwordHash: 'scrypt$c' },
    ]);
    const next = [
      { name: 'wang', role: 'operator' as const, passwordHash: 'scrypt$A' },
      { name: 'li', role: 'admin' as const, passwordHash: 'scrypt$b' }, // a role change keeps sessions
      { name: 'bot', role: 'viewer' as const, token: 't1-new' },
      { name: 'zhao', role: 'viewer' as const, passwordHash: 'scrypt$c' },
    ];
    expect(dir.credentialsChangedIn(next).sort()).toEqual(['bot', 'gone', 'wang']);
  });

  it('ends every session of one operator and no other', () => {
    const store = new SessionStore(new ManualClock());
    const [a, b, c] = [store.create('wang'), store.create('wang'), store.create('li')];
    expect(store.deleteOperator('wang')).toBe(2);
    expect([store.get(a.id), store.get(b.id)]).toEqual([undefined, undefined]);
    expect(store.get(c.id)?.name).toBe('li');
  });
});
