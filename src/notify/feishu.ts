/**
 * Feishu / Lark group robot (飞书自定义机器人): an interactive card whose header colour follows the
 * priority. A robot secured by signature gets `timestamp` (seconds) and `sign` in the body:
 * base64(HMAC-SHA256(key = timestamp + "\n" + secret, data = empty)) — the key/data order is
 * the reverse of DingTalk's, as Feishu's docs define it.
 */
import { createHmac } from 'node:crypto';
import type { NotifyChannelConfig } from '../config/schema.js';
import type { Priority } from '../domain/types.js';
import type { Channel, ChannelDeps } from './channel.js';
import { checkRobotAnswer, postJson } from './http-post.js';

type Config = Extract<NotifyChannelConfig, { type: 'feishu' }>;

const TEMPLATE: Record<Priority, string> = { critical: 'red', high: 'orange', medium: 'yellow', low: 'blue' };

export function feishuSign(secret: string, timestampSec: number): string {
  return createHmac('sha256', `${timestampSec}\n${secret}`).update('').digest('base64');
}

export function feishuChannel(config: Config, deps: ChannelDeps): Channel {
  return {
    name: config.name,
    type: 'feishu',
    reaches: () => true,
    async send(n) {
      const body: Record<string, unknown> = {
        msg_type: 'interactive',
        card: {
          header: { template: TEMPLATE[n.priority], title: { tag: 'plain_text', content: n.title } },
          elements: [{ tag: 'markdown', content: n.markdown.replace(/^### .*\n\n/, '') }],
        },
      };
      if (config.secret) {
        const ts = Math.floor(deps.clock.now() / 1000);
        body.timestamp = String(ts);
        body.sign = feishuSign(config.secret, ts);
      }
      checkRobotAnswer(config.url, await postJson(config.url, body, { timeout: config.timeout }), 'code', 'msg');
    },
  };
}
