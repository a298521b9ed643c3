/** The `notify` section of gaswatch.yaml (SPEC §9): channels, routes, escalation, the daily report. */
import { validateDetailed as validateCron } from 'node-cron';
import { z } from 'zod';
import { ALARM_EVENT_TYPES, PRIORITIES } from '../domain/types.js';
import { Duration, Email, HttpUrl, Id, Locale, Priority, TimeZone } from './schema-common.js';

// ---------------------------------------------------------------------------------------------
// Notifications (SPEC §9)

const channelFields = {
  name: Id.describe('Channel name, used by routes, escalation and dailyReport; also the metrics label'),
  locale: Locale.optional().describe('Language of the messages and reports this channel sends (default: locale)'),
  timeout: Duration.default(10_000).describe('One delivery attempt fails after this and is retried'),
};

const WebhookChannel = z
  .strictObject({
    ...channelFields,
    type: z.literal('webhook').describe('Generic JSON webhook'),
    url: HttpUrl.describe('Receiver URL; POSTed {type, title, text, event | report, recipient} as JSON'),
    headers: z
      .record(z.string(), z.string())
      .optional()
      .describe('Extra HTTP headers, e.g. Authorization: Bearer ${env:SCADA_TOKEN}'),
  })
  .describe('Generic JSON webhook: the alarm event exactly as on gaswatch/events, plus a text rendering');

const DingTalkChannel = z
  .strictObject({
    ...channelFields,
    type: z.literal('dingtalk').describe('DingTalk group robot'),
    url: HttpUrl.describe('Robot webhook https://oapi.dingtalk.com/robot/send?access_token=… (use ${env:…})'),
    secret: z
      .string()
      .min(1)
      .optional()
      .describe('SEC… secret of a robot secured by signature: requests carry an HMAC-SHA256 timestamp signature'),
  })
  .describe('DingTalk group robot: markdown messages; the person escalated to is @-mentioned by phone');

const WeComChannel = z
  .strictObject({
    ...channelFields,
    type: z.literal('wecom').describe('WeCom (企业微信) group robot'),
    url: HttpUrl.describe('Robot webhook https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=… (use ${env:…})'),
  })
  .describe('WeCom group robot: markdown messages; the person escalated to is @-mentioned by phone');

const FeishuChannel = z
  .strictObject({
    ...channelFields,
    type: z.literal('feishu').describe('Feishu / Lark group robot'),
    url: HttpUrl.describe('Robot webhook https://open.feishu.cn/open-apis/bot/v2/hook/… (use ${env:…})'),
    secret: z
      .string()
      .min(1)
      .optional()
      .describe('Secret of a robot secured by signature: requests carry an HMAC-SHA256 timestamp signature'),
  })
  .describe('Feishu group robot: a card coloured by priority');

const EmailChannel = z
  .strictObject({
    ...channelFields,
    type: z.literal('email').describe('Email through an SMTP server'),
    smtp: z
      .strictObject({
        host: z.string().min(1).describe('SMTP server'),
        port: z.number().int().min(1).max(65535).default(587).describe('587 (STARTTLS) or 465 (TLS)'),
        secure: z
          .boolean()
          .optional()
          .describe('TLS from the first byte; default true on port 465, else STARTTLS when the server offers it'),
        requireTLS: z.boolean().default(false).describe('Refuse to send unless STARTTLS succeeds'),
        user: z.string().optional().describe('SMTP login (use ${env:…})'),
        password: z.string().optional().describe('SMTP password (use ${env:…} or ${file:…})'),
      })
      .describe('SMTP server'),
    from: z.string().min(1).describe('Sender, e.g. "gaswatch <gaswatch@example.com>"'),
    to: z
      .array(Email)
      .optional()
      .describe('Recipients of routed alarms and the daily report; escalations go to the person’s own email'),
  })
  .describe('Email over SMTP');

export const NOTIFY_CHANNEL_TYPES = ['webhook', 'dingtalk', 'wecom', 'feishu', 'email'] as const;

export const NotifyChannel = z
  .discriminatedUnion('type', [WebhookChannel, DingTalkChannel, WeComChannel, FeishuChannel, EmailChannel], {
    error: `type must be one of: ${NOTIFY_CHANNEL_TYPES.join(', ')}`,
  })
  .describe('A notification channel');
export type NotifyChannelConfig = z.output<typeof NotifyChannel>;

/** Every event type but `notified`: a notice of a notice would never end. */
export const ROUTABLE_EVENTS = ALARM_EVENT_TYPES.filter((t) => t !== 'notified');
const DEFAULT_ROUTE_EVENTS = ['raised', 'realarmed', 'escalated', 'flood'] as const;

const NotifyRoute = z
  .strictObject({
    sites: z
      .array(z.string().min(1))
      .min(1)
      .default(['*'])
      .describe('Site ids, or patterns with * ("*" every site, "zjk-*"); _gaswatch is gaswatch’s own alarms'),
    priorities: z
      .array(Priority)
      .min(1)
      .default([...PRIORITIES])
      .describe('Alarm priorities routed (default all)'),
    events: z
      .array(z.enum(ROUTABLE_EVENTS as [string, ...string[]]))
      .min(1)
      .default([...DEFAULT_ROUTE_EVENTS])
      .describe(`Event types routed (default ${DEFAULT_ROUTE_EVENTS.join(', ')}); add cleared, acked… as wanted`),
    channels: z.array(Id).min(1).describe('Channel names'),
  })
  .describe('Sends matching alarm events to channels; shelved and suppressed alarms are never sent');

export const Notify = z
  .strictObject({
    channels: z.array(NotifyChannel).default([]).describe('Where notifications can go'),
    routes: z.array(NotifyRoute).default([]).describe('Which alarm events go to which channels; each at most once'),
    escalation: z
      .strictObject({
        channels: z
          .array(Id)
          .default([])
          .describe(
            'How the people of a site’s responsible chain are reached: an email channel mails the person’s ' +
              'address; a robot or webhook channel posts to its group addressed to them',
          ),
        personalWebhooks: z
          .boolean()
          .default(true)
          .describe('Also post to the `webhook` a responsible person has in the site file (format from its host)'),
        priorities: z
          .array(Priority)
          .min(1)
          .default([...PRIORITIES])
          .describe('Priorities that climb the chain (default all)'),
      })
      .prefault({})
      .describe(
        'Escalation along each site’s `responsible` chain: the first person when an alarm is raised, the next ' +
          'one after escalateAfter unacknowledged, then reminders to the last one',
      ),
    dailyReport: z
      .strictObject({
        schedule: z
          .string()
          .default('0 8 * * *')
          .describe('cron expression (minute hour day month weekday), e.g. "0 8 * * *" for 08:00')
          .superRefine((expr, ctx) => {
            const v = validateCron(expr);
            if (!v.valid)
              ctx.addIssue({
                code: 'custom',
                message: `not a cron expression: ${v.errors.map((e) => e.message).join('; ')}`,
              });
          }),
        timezone: TimeZone.optional().describe(
          'Time zone of the schedule and the report’s times (default notify.timezone, then timezone)',
        ),
        channels: z.array(Id).min(1).describe('Channel names the report goes to'),
      })
      .optional()
      .describe('A daily summary per site: alarms, still unacknowledged, sensors stale or in fault, shelved'),
    timezone: TimeZone.optional().describe(
      'Time zone of the times in messages about sites that set none (default: the main file’s timezone, then the machine’s)',
    ),
    consoleUrl: HttpUrl.optional().describe('Console address put in messages, for people to acknowledge'),
    maxQueue: z
      .number()
      .int()
      .positive()
      .default(1000)
      .describe('Messages waiting per channel; beyond it the oldest non-critical one is dropped (and counted)'),
    retry: z
      .strictObject({
        initialDelay: Duration.default(1000).describe('Wait before the first retry; doubles each time, with jitter'),
        maxDelay: Duration.default(300_000).describe('Longest wait between retries'),
        giveUpAfter: Duration.default(3_600_000).describe('A message still undelivered after this is dropped'),
      })
      .prefault({})
      .describe('Retries of a failing channel'),
  })
  // Run even when parts failed, so that every mistake is reported in one go (SPEC §6).
  .superRefine((n, ctx) => checkNotifyRefs(n, ctx), { when: () => true })
  .describe('Notification channels, routes, escalation and the daily report (SPEC §9)');
export type NotifyConfig = z.output<typeof Notify>;

/**
 * Names used by routes, escalation and the report must be declared channels, once each; an email
 * channel routed to needs recipients. Reads `n` defensively: it runs on partly invalid input too.
 */
function checkNotifyRefs(raw: unknown, ctx: z.RefinementCtx): void {
  const n = (raw ?? {}) as Record<string, unknown>;
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
  const field = (v: unknown, k: string): unknown =>
    v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  const names = new Map<string, number>();
  list(n.channels).forEach((c, i) => {
    const name = field(c, 'name');
    if (typeof name !== 'string') return;
    const first = names.get(name);
    if (first === undefined) names.set(name, i);
    else
      ctx.addIssue({
        code: 'custom',
        path: ['channels', i, 'name'],
        message: `channel "${name}" is already declared at notify.channels.${first}`,
      });
  });
  const check = (refs: unknown, path: (string | number)[], needsTo: boolean) =>
    list(refs).forEach((name, j) => {
      if (typeof name !== 'string') return;
      const i = names.get(name);
      const c = i === undefined ? undefined : list(n.channels)[i];
      if (i === undefined)
        ctx.addIssue({
          code: 'custom',
          path: [...path, j],
          message: `no channel "${name}" in notify.channels (declared: ${[...names.keys()].join(', ') || 'none'})`,
        });
      else if (needsTo && field(c, 'type') === 'email' && list(field(c, 'to')).length === 0)
        ctx.addIssue({
          code: 'custom',
          path: [...path, j],
          message: `email channel "${name}" needs \`to\` recipients to be used here`,
        });
    });
  list(n.routes).forEach((r, i) => {
    check(field(r, 'channels'), ['routes', i, 'channels'], true);
  });
  check(field(n.escalation, 'channels'), ['escalation', 'channels'], false);
  check(field(n.dailyReport, 'channels'), ['dailyReport', 'channels'], true);
}
