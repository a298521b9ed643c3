/**
 * DingTalk group robot (钉钉自定义机器人): a markdown message; the person an escalation is for is
 * @-mentioned by mobile number (`at.atMobiles`, and "@number" in the text, which DingTalk needs to
 * show the mention). A robot secured by signature gets `timestamp` (ms) and `sign` query
 * parameters: base64(HMAC-SHA256(key = secret, data = timestamp + "\n" + secret)).
 */
import { createHmac } from 'node:crypto';
import type { NotifyChannelConfig } from '../config/schema.js';
import type { Channel, ChannelDeps } from './channel.js';
import { checkRobotAnswer, postJson } from './http-post.js';

type Config = Extract<NotifyChannelConfig, { type: 'dingtalk' }>;

export function dingtalkSign(secret: string, timestampMs: number): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64');
}

export function dingtalkChannel(config: Config, deps: ChannelDeps): Channel {
  return {
    name: config.name,
    type: 'dingtalk',
    reaches: () => true,
    async send(n) {
      const mobile = mobileNumber(n.recipient?.phone);
      const body = {
        msgtype: 'markdown',
        markdown: { title: n.title, text: mobile ? `${n.markdown}\n\n@${mobile}` : n.markdown },
        at: { atMobiles: mobile ? [mobile] : [], isAtAll: false },
      };
      let url = config.url;
      if (config.secret) {
        const ts = deps.clock.now();
        const u = new URL(url);
        u.searchParams.set('timestamp', String(ts));
        u.searchParams.set('sign', dingtalkSign(config.secret, ts));
        url = u.toString();
      }
      checkRobotAnswer(url, await postJson(url, body, { timeout: config.timeout }), 'errcode', 'errmsg');
    },
  };
}

/**
 * The number robots mention people by: digits only, without the +86 country code that site
 * files tend to carry ("+86 139 0000 0011" → "13900000011").
 */
export function mobileNumber(phone: string | undefined): string | undefined {
  if (!phone) return undefined;
  const digits = phone.replace(/\D/g, '');
  if (digits.length === 13 && digits.startsWith('86')) return digits.slice(2);
  return digits || undefined;
}
