/**
 * WeCom group robot (企业微信群机器人): markdown, or — when an escalation names a person with a
 * phone — text with `mentioned_mobile_list`, since WeCom mentions by mobile only in text messages.
 * WeCom robots have no signature: the key in the URL is the secret.
 */
import type { NotifyChannelConfig } from '../config/schema.js';
import type { Channel } from './channel.js';
import { mobileNumber } from './dingtalk.js';
import { checkRobotAnswer, postJson } from './http-post.js';

type Config = Extract<NotifyChannelConfig, { type: 'wecom' }>;

/** WeCom refuses markdown content over 4096 bytes. */
const MAX_BYTES = 4096;

export function wecomChannel(config: Config): Channel {
  return {
    name: config.name,
    type: 'wecom',
    reaches: () => true,
    async send(n) {
      const mobile = mobileNumber(n.recipient?.phone);
      const body = mobile
        ? { msgtype: 'text', text: { content: clip(n.text), mentioned_mobile_list: [mobile] } }
        : { msgtype: 'markdown', markdown: { content: clip(n.markdown) } };
      checkRobotAnswer(config.url, await postJson(config.url, body, { timeout: config.timeout }), 'errcode', 'errmsg');
    },
  };
}

function clip(s: string): string {
  if (Buffer.byteLength(s) <= MAX_BYTES) return s;
  let out = s.slice(0, MAX_BYTES);
  while (Buffer.byteLength(out) > MAX_BYTES - 3) out = out.slice(0, -16);
  return `${out}…`;
}
