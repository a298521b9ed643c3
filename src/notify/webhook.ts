/**
 * Generic JSON webhook: POSTs the notification's payload — for an alarm the event exactly as on
 * `gaswatch/events` with its site, title and text; for the daily report the report — and counts
 * any 2xx as delivered.
 */
import type { NotifyChannelConfig } from '../config/schema.js';
import type { Channel } from './channel.js';
import { postJson } from './http-post.js';

type Config = Extract<NotifyChannelConfig, { type: 'webhook' }>;

export function webhookChannel(config: Config): Channel {
  return {
    name: config.name,
    type: 'webhook',
    reaches: () => true,
    async send(n) {
      const body = n.recipient ? { ...n.payload, recipient: n.recipient } : n.payload;
      await postJson(config.url, body, { timeout: config.timeout, headers: config.headers });
    },
  };
}
