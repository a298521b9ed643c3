/**
 * The channel interface and the registry that builds channels from config (STYLE habit 6, after
 * uptime-kuma's notification providers): one small file per channel type, and a registry that
 * fails fast on an unknown type or a duplicate name.
 */
import type { NotifyChannelConfig } from '../config/schema.js';
import type { Clock } from '../util/clock.js';
import { dingtalkChannel } from './dingtalk.js';
import { emailChannel } from './email.js';
import { feishuChannel } from './feishu.js';
import { safeHost } from './http-post.js';
import type { Notification, Recipient } from './message.js';
import { webhookChannel } from './webhook.js';
import { wecomChannel } from './wecom.js';

export { safeHost };

export interface Channel {
  readonly name: string;
  readonly type: NotifyChannelConfig['type'];
  /** Resolves once the receiver accepted the message; rejects with a reason otherwise. */
  send(message: Notification): Promise<void>;
  /** Whether this channel can address the person (email needs their address; groups reach anyone). */
  reaches(person: Recipient): boolean;
  /** Release connections (SMTP pool). */
  close?(): void;
}

export interface ChannelDeps {
  /** For signature timestamps. */
  clock: Clock;
}

type Factory<T extends NotifyChannelConfig['type']> = (
  config: Extract<NotifyChannelConfig, { type: T }>,
  deps: ChannelDeps,
) => Channel;

const FACTORIES: { [T in NotifyChannelConfig['type']]: Factory<T> } = {
  webhook: webhookChannel,
  dingtalk: dingtalkChannel,
  wecom: wecomChannel,
  feishu: feishuChannel,
  email: emailChannel,
};

export function createChannel(config: NotifyChannelConfig, deps: ChannelDeps): Channel {
  const factory = FACTORIES[config.type] as Factory<typeof config.type> | undefined;
  if (!factory)
    throw new Error(
      `notify channel "${config.name}": unknown type "${config.type}" (known: ${Object.keys(FACTORIES).join(', ')})`,
    );
  return factory(config as never, deps);
}

/** Every configured channel by name; throws on an unknown type or a name used twice. */
export function createChannels(configs: readonly NotifyChannelConfig[], deps: ChannelDeps): Map<string, Channel> {
  const out = new Map<string, Channel>();
  for (const c of configs) {
    if (out.has(c.name)) throw new Error(`notify channel "${c.name}" is declared twice`);
    out.set(c.name, createChannel(c, deps));
  }
  return out;
}

/**
 * The channel for a person's own `webhook` from a site file: the robot format its host speaks,
 * generic JSON otherwise. Unsigned: a personal robot is secured by keyword or IP allow-list.
 */
export function channelForUrl(name: string, url: string, deps: ChannelDeps, timeout = 10_000): Channel {
  const host = safeHost(url);
  if (host === 'oapi.dingtalk.com') return dingtalkChannel({ name, type: 'dingtalk', url, timeout }, deps);
  if (host === 'qyapi.weixin.qq.com') return wecomChannel({ name, type: 'wecom', url, timeout });
  if (host === 'open.feishu.cn' || host === 'open.larksuite.com')
    return feishuChannel({ name, type: 'feishu', url, timeout }, deps);
  return webhookChannel({ name, type: 'webhook', url, timeout });
}
