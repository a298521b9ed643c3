/**
 * The robot and webhook formats against a real local HTTP server: the JSON each vendor documents,
 * the HMAC-SHA256 signatures recomputed here from the vendors' definitions, and failures reported
 * when the receiver refuses (HTTP error, or HTTP 200 with an error code in the body).
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Channel, channelForUrl, createChannel, createChannels } from '../../src/notify/channel.js';
import { alarmNotification } from '../../src/notify/message.js';
import { ManualClock } from '../../src/util/clock.js';
import { event } from './fixtures.js';
import { type Received, type Receiver, startReceiver } from './receiver.js';

let rx: Receiver;
const clock = new ManualClock(Date.parse('2026-11-28T08:00:05.123Z'));
const deps = { clock };
const opts = { siteName: 'Zhangjiakou gas storage depot', timezone: 'Asia/Shanghai', consoleUrl: 'https://gw.example' };
const raised = alarmNotification(event('raised'), opts);
const forZhao = alarmNotification(event('escalated'), opts, {
  to: { name: 'Zhao Min', role: 'site safety officer', phone: '+86 139 0000 0002', email: 'zhao@example.com' },
  step: 1,
  of: 3,
  reason: 'escalated',
  unackedFor: 5 * 60_000,
  previous: { name: 'Li Wei' },
});

beforeAll(async () => {
  rx = await startReceiver();
});
afterAll(() => rx.close());
beforeEach(() => {
  rx.requests.length = 0;
  rx.fallback = { status: 200, body: { errcode: 0, errmsg: 'ok', code: 0, msg: 'success' } };
});

const last = (): Received => rx.requests.at(-1) as Received;
const body = () => last().body as Record<string, unknown>;

describe('generic webhook', () => {
  it('POSTs the event exactly as on gaswatch/events, with title, text, site and extra headers', async () => {
    const ch = createChannel(
      {
        name: 'scada',
        type: 'webhook',
        url: `${rx.url}/hook`,
        timeout: 2000,
        headers: { authorization: 'Bearer t0k' },
      },
      deps,
    );
    await ch.send(raised);
    expect(last().method).toBe('POST');
    expect(last().url).toBe('/hook');
    expect(last().headers.authorization).toBe('Bearer t0k');
    expect(last().headers['content-type']).toContain('application/json');
    expect(body()).toEqual({
      type: 'alarm',
      title: '[CRITICAL] Raised: zjk-depot GD-12 hihi',
      text: raised.text,
      locale: 'en',
      event: event('raised'),
      site: { id: 'zjk-depot', name: 'Zhangjiakou gas storage depot' },
    });
    expect(raised.text).toContain('GD-12 methane 52.5 %LEL ≥ HiHi 40 %LEL');
    // 08:00 UTC is 16:00 in Shanghai.
    expect(raised.text).toContain('Raised: 2026-11-28 16:00:00');
    expect(raised.text).toContain('Acknowledge on the console: https://gw.example');
    // Robots secured by keyword accept messages containing it: every message ends with gaswatch.
    expect(raised.text.endsWith('— gaswatch')).toBe(true);
  });

  it('adds the recipient and escalation step for an escalation', async () => {
    await createChannel({ name: 'scada', type: 'webhook', url: rx.url, timeout: 2000 }, deps).send(forZhao);
    expect(body()).toMatchObject({
      title: '[CRITICAL] Escalated to Zhao Min: zjk-depot GD-12 hihi',
      recipient: { name: 'Zhao Min', email: 'zhao@example.com' },
      escalation: { step: 2, of: 3, reason: 'escalated', unackedForMs: 300_000 },
    });
    expect(forZhao.text).toContain('Zhao Min (site safety officer): not acknowledged by Li Wei after 5 min');
  });

  it('rejects on HTTP 500 and on a receiver that does not answer in time', async () => {
    const ch = createChannel({ name: 'scada', type: 'webhook', url: `${rx.url}/x?token=secret`, timeout: 300 }, deps);
    rx.script({ status: 500, body: { error: 'boom' } });
    const err = await ch.send(raised).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/HTTP 500/);
    // Robot URLs carry tokens: errors name the host only.
    expect(err?.message).not.toContain('secret');
    rx.script({ status: 200, delayMs: 1500 });
    await expect(ch.send(raised)).rejects.toThrow(/no answer within 300 ms/);
  });
});

describe('DingTalk robot', () => {
  it('sends markdown, signs with timestamp + HMAC-SHA256(secret, "ts\\nsecret"), @-mentions by mobile', async () => {
    const secret = 'SEC0123456789abcdef';
    const ch = createChannel(
      { name: 'control-room', type: 'dingtalk', url: `${rx.url}/robot/send?access_token=abc`, secret, timeout: 2000 },
      deps,
    );
    await ch.send(forZhao);
    const u = new URL(last().url, rx.url);
    expect(u.pathname).toBe('/robot/send');
    expect(u.searchParams.get('access_token')).toBe('abc');
    const ts = u.searchParams.get('timestamp');
    expect(ts).toBe(String(clock.now()));
    const expected = createHmac('sha256', secret).update(`${ts}\n${secret}`).digest('base64');
    expect(u.searchParams.get('sign')).toBe(expected);
    expect(body()).toMatchObject({
      msgtype: 'markdown',
      markdown: { title: forZhao.title },
      at: { atMobiles: ['13900000002'], isAtAll: false },
    });
    const text = (body() as unknown as { markdown: { text: string } }).markdown.text;
    expect(text).toContain('GD-12 methane 52.5 %LEL ≥ HiHi 40 %LEL');
    expect(text.endsWith('@13900000002')).toBe(true);
  });

  it('treats errcode ≠ 0 in an HTTP 200 answer as a failure', async () => {
    const ch = createChannel({ name: 'd', type: 'dingtalk', url: `${rx.url}/robot/send`, timeout: 2000 }, deps);
    rx.script({ status: 200, body: { errcode: 310000, errmsg: 'sign not match' } });
    await expect(ch.send(raised)).rejects.toThrow(/310000 sign not match/);
    expect(new URL(last().url, rx.url).searchParams.has('sign')).toBe(false);
  });
});

describe('WeCom robot', () => {
  it('sends markdown, and text with mentioned_mobile_list when addressed to a person with a phone', async () => {
    const ch = createChannel(
      { name: 'w', type: 'wecom', url: `${rx.url}/cgi-bin/webhook/send?key=k`, timeout: 2000 },
      deps,
    );
    await ch.send(raised);
    expect(body()).toEqual({ msgtype: 'markdown', markdown: { content: raised.markdown } });
    await ch.send(forZhao);
    expect(body()).toEqual({
      msgtype: 'text',
      text: { content: forZhao.text, mentioned_mobile_list: ['13900000002'] },
    });
    rx.script({ status: 200, body: { errcode: 93000, errmsg: 'invalid webhook url' } });
    await expect(ch.send(raised)).rejects.toThrow(/93000/);
  });
});

describe('Feishu robot', () => {
  it('sends a card coloured by priority, signed with HMAC-SHA256(key "ts\\nsecret", empty data)', async () => {
    const secret = 'feishu-secret';
    const ch = createChannel(
      { name: 'f', type: 'feishu', url: `${rx.url}/open-apis/bot/v2/hook/xyz`, secret, timeout: 2000 },
      deps,
    );
    await ch.send(raised);
    const b = body() as unknown as Record<string, unknown> & {
      card: { header: unknown; elements: { content: string }[] };
    };
    const ts = Math.floor(clock.now() / 1000);
    expect(b.timestamp).toBe(String(ts));
    expect(b.sign).toBe(createHmac('sha256', `${ts}\n${secret}`).digest('base64'));
    expect(b.msg_type).toBe('interactive');
    expect(b.card.header).toEqual({ template: 'red', title: { tag: 'plain_text', content: raised.title } });
    expect(b.card.elements[0]?.content).toContain('GD-12 methane 52.5 %LEL');
    rx.script({ status: 200, body: { code: 19021, msg: 'sign match fail' } });
    await expect(ch.send(raised)).rejects.toThrow(/19021 sign match fail/);
  });
});

describe('registry', () => {
  it('fails fast on a duplicate name or an unknown type', () => {
    const c = { name: 'a', type: 'webhook' as const, url: rx.url, timeout: 1000 };
    expect(createChannels([c], deps).get('a')?.type).toBe('webhook');
    expect(() => createChannels([c, c], deps)).toThrow(/"a" is declared twice/);
    expect(() => createChannel({ ...c, type: 'pager' } as never, deps)).toThrow(/unknown type "pager"/);
  });

  it('picks the robot format of a personal webhook from its host', () => {
    const kind = (url: string): Channel['type'] => channelForUrl('p', url, deps).type;
    expect(kind('https://oapi.dingtalk.com/robot/send?access_token=x')).toBe('dingtalk');
    expect(kind('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x')).toBe('wecom');
    expect(kind('https://open.feishu.cn/open-apis/bot/v2/hook/x')).toBe('feishu');
    expect(kind('https://scada.example/hook')).toBe('webhook');
  });
});
