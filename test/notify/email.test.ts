/**
 * The email channel against a real SMTP server (smtp-server on 127.0.0.1:0) that requires a login:
 * what arrives (envelope, subject, body), escalations to the person's own address, and a refused
 * recipient reported as a failure.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotifyChannelConfig } from '../../src/config/schema.js';
import { createChannel } from '../../src/notify/channel.js';
import { alarmNotification } from '../../src/notify/message.js';
import { ManualClock } from '../../src/util/clock.js';
import { event } from './fixtures.js';

interface Mail {
  from: string;
  to: string[];
  user: string | undefined;
  data: string;
}

const mails: Mail[] = [];
let server: SMTPServer;
let port: number;

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: false,
    allowInsecureAuth: true,
    // Plain SMTP on loopback: a self-signed STARTTLS would only test certificate handling.
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === 'gaswatch' && auth.password === 'pw') cb(null, { user: auth.username });
      else cb(new Error('invalid login'));
    },
    onRcptTo(address, _session, cb) {
      if (address.address.endsWith('@refused.example')) cb(new Error('550 no such user'));
      else cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          user: session.user as string | undefined,
          data: Buffer.concat(chunks).toString('utf8'),
        });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.server.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const config = (over: Partial<Extract<NotifyChannelConfig, { type: 'email' }>> = {}) =>
  ({
    name: 'ops-mail',
    type: 'email',
    timeout: 5000,
    smtp: { host: '127.0.0.1', port, requireTLS: false, user: 'gaswatch', password: 'pw' },
    from: 'gaswatch <gaswatch@example.com>',
    to: ['ops@example.com', 'duty@example.com'],
    ...over,
  }) as Extract<NotifyChannelConfig, { type: 'email' }>;

const deps = { clock: new ManualClock() };
const opts = { siteName: 'Zhangjiakou gas storage depot', timezone: 'Asia/Shanghai', consoleUrl: undefined };

/** The decoded text of a (quoted-printable) message. */
function decoded(data: string): string {
  return data.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

describe('email channel', () => {
  it('logs in and mails the routed alarm to the channel’s recipients', async () => {
    const ch = createChannel(config(), deps);
    await ch.send(alarmNotification(event('raised'), opts));
    const m = mails.at(-1) as Mail;
    expect(m.user).toBe('gaswatch');
    expect(m.from).toBe('gaswatch@example.com');
    expect(m.to).toEqual(['ops@example.com', 'duty@example.com']);
    expect(m.data).toMatch(/^Subject: \[CRITICAL\] Raised: zjk-depot GD-12 hihi\r?$/m);
    expect(m.data).toMatch(/^X-Priority: 1/m);
    const body = Buffer.from(decoded(m.data), 'latin1').toString('utf8');
    expect(body).toContain('GD-12 methane 52.5 %LEL ≥ HiHi 40 %LEL');
    expect(body).toContain('Site: Zhangjiakou gas storage depot (zjk-depot)');
  });

  it('sends an escalation to the person’s own address only, and reaches only people with one', async () => {
    const ch = createChannel(config(), deps);
    const to = { name: 'Zhao Min', email: 'zhao@example.com' };
    expect(ch.reaches(to)).toBe(true);
    expect(ch.reaches({ name: 'Li Wei', phone: '+86 139' })).toBe(false);
    await ch.send(
      alarmNotification(event('escalated'), opts, { to, step: 1, of: 2, reason: 'escalated', unackedFor: 300_000 }),
    );
    expect(mails.at(-1)?.to).toEqual(['zhao@example.com']);
    expect(mails.at(-1)?.data).toMatch(/^Subject: \[CRITICAL\] Escalated to Zhao Min: zjk-depot GD-12 hihi/m);
  });

  it('fails on a refused recipient and on a wrong password', async () => {
    const before = mails.length;
    const refused = createChannel(config({ to: ['nobody@refused.example'] }), deps);
    await expect(refused.send(alarmNotification(event('raised'), opts))).rejects.toThrow(/SMTP 127\.0\.0\.1:\d+: /);
    const badLogin = createChannel(
      config({ smtp: { host: '127.0.0.1', port, requireTLS: false, user: 'gaswatch', password: 'wrong' } }),
      deps,
    );
    await expect(badLogin.send(alarmNotification(event('raised'), opts))).rejects.toThrow(/EAUTH|535|invalid login/);
    expect(mails.length).toBe(before);
  });
});
