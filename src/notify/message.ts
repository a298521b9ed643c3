/**
 * What a channel is asked to deliver: one rendering of an alarm event (or the daily report) as a
 * title, plain text and markdown, plus the structured payload a generic webhook posts. Rendered
 * once, then sent to however many channels the routes name.
 */
import type { AlarmEvent, Priority } from '../domain/types.js';
import {
  conditionName,
  DEFAULT_LOCALE,
  formatMinutes,
  isGasUnit,
  type Locale,
  type Translate,
  translator,
} from '../i18n/index.js';
import { formatTime } from '../util/zoned-time.js';

/** A person of a site's responsible chain, as far as notification needs them. */
export interface Recipient {
  name: string;
  role?: string | undefined;
  phone?: string | undefined;
  email?: string | undefined;
}

export interface Notification {
  /** Short id for logs: alarm id and event type, or "daily-report". */
  key: string;
  priority: Priority;
  title: string;
  text: string;
  markdown: string;
  /** The person this is addressed to (escalation): email goes to them, robots @-mention them. */
  recipient?: Recipient | undefined;
  /** What a generic webhook posts as JSON. */
  payload: Record<string, unknown>;
}

export interface EscalationInfo {
  to: Recipient;
  /** Index of `to` in the chain (0 = first person), and the chain length. */
  step: number;
  of: number;
  reason: 'first' | 'escalated' | 'reminder';
  /** How long the alarm has been unacknowledged, ms. */
  unackedFor: number;
  /** Who had it before (escalated). */
  previous?: Recipient | undefined;
}

export interface RenderOptions {
  siteName: string;
  timezone: string | undefined;
  consoleUrl: string | undefined;
  /** Language of the texts (the channel's `locale`, else the config's); the payload's fields stay as they are. */
  locale?: Locale | undefined;
}

/** Ends every alarm message: also the keyword a DingTalk/Feishu robot secured by keyword needs, in every language. */
export const SIGNATURE = '— gaswatch';

export function alarmNotification(event: AlarmEvent, opts: RenderOptions, esc?: EscalationInfo): Notification {
  const locale = opts.locale ?? DEFAULT_LOCALE;
  const t = translator(locale);
  const a = event.alarm;
  const site = opts.siteName;
  const condition = conditionName(t, a.condition, isGasUnit(a.unit));
  // Each language picks what it shows: English the ids engineers grep for, Chinese the names as written.
  const names = { site, siteId: a.site, sensor: a.sensor, condition, conditionId: a.condition };
  const what = t(a.condition === 'flood' ? 'notify.whatSite' : 'notify.whatSensor', names);
  const verb = esc ? escalationVerb(t, esc) : t(`notify.verb.${event.type}`, { defaultValue: event.type });
  const title = t('notify.title', { priority: t(`notify.priority.${a.priority}`), verb, what });
  const at = (iso: string) => formatTime(iso, opts.timezone);
  const facts: [string, string][] = [
    ['site', site === a.site ? a.site : t('notify.siteNamed', { name: site, id: a.site })],
    ['alarm', a.id],
    ['priority', t(`report.priority.${a.priority}`)],
    ['state', t(`report.state.${a.state}`)],
  ];
  if (a.raisedAt) facts.push(['raised', at(a.raisedAt)]);
  facts.push(['event', t('notify.eventAt', { event: t(`event.${event.type}`), at: at(event.at) })]);
  if (event.operator) facts.push([event.type === 'escalated' ? 'to' : 'by', event.operator]);
  if (event.comment) facts.push([event.type === 'escalated' ? 'why' : 'comment', event.comment]);
  if (a.shelved && a.shelveReason) facts.push(['shelved', a.shelveReason]);
  const named = facts.map(([k, v]): [string, string] => [t(`notify.fact.${k}`), v]);
  const lines: string[] = [];
  if (esc) lines.push(escalationLine(t, esc));
  const signature = t('notify.signature');
  const text = [
    title,
    a.message,
    ...lines,
    ...named.map(([k, v]) => `${k}: ${v}`),
    ...(opts.consoleUrl ? [t('notify.ackOnConsole', { url: opts.consoleUrl })] : []),
    signature,
  ].join('\n');
  const md = [
    `### ${mdEscape(title)}`,
    `**${mdEscape(a.message)}**`,
    ...lines.map(mdEscape),
    ...named.map(([k, v]) => `- ${k}: ${mdEscape(v)}`),
    ...(opts.consoleUrl ? [`[${mdEscape(t('notify.ackLink'))}](${opts.consoleUrl})`] : []),
    signature,
  ].join('\n\n');
  const payload: Record<string, unknown> = {
    type: 'alarm',
    title,
    text,
    locale,
    event,
    site: { id: a.site, name: opts.siteName },
  };
  if (esc)
    payload.escalation = {
      to: esc.to,
      step: esc.step + 1,
      of: esc.of,
      reason: esc.reason,
      unackedForMs: esc.unackedFor,
    };
  return {
    key: `${a.id}#${esc ? `escalation-${esc.step + 1}` : event.type}`,
    priority: a.priority,
    title,
    text,
    markdown: md,
    recipient: esc?.to,
    payload,
  };
}

function escalationVerb(t: Translate, esc: EscalationInfo): string {
  if (esc.reason === 'first') return t('notify.escalation.for', { name: esc.to.name });
  if (esc.reason === 'reminder') return t('notify.escalation.reminderFor', { name: esc.to.name });
  return t('notify.escalation.escalatedTo', { name: esc.to.name });
}

function escalationLine(t: Translate, esc: EscalationInfo): string {
  const who = esc.to.role ? t('notify.escalation.who', { name: esc.to.name, role: esc.to.role }) : esc.to.name;
  const since = formatMinutes(t, esc.unackedFor);
  const place = { who, since, step: esc.step + 1, of: esc.of };
  if (esc.reason === 'first') return t('notify.escalation.first', place);
  if (esc.reason === 'reminder') return t('notify.escalation.reminder', place);
  return esc.previous
    ? t('notify.escalation.escalatedBy', { ...place, previous: esc.previous.name })
    : t('notify.escalation.escalated', place);
}

/** Markdown robots render `*`, `_`, `[` literally only when escaped. */
export function mdEscape(s: string): string {
  return s.replace(/([\\`*_[\]<>])/g, '\\$1');
}
