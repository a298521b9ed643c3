/**
 * What a channel is asked to deliver: one rendering of an alarm event (or the daily report) as a
 * title, plain text and markdown, plus the structured payload a generic webhook posts. Rendered
 * once, then sent to however many channels the routes name.
 */
import type { AlarmEvent, Priority } from '../domain/types.js';

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
}

const VERB: Partial<Record<AlarmEvent['type'], string>> = {
  raised: 'Raised',
  cleared: 'Cleared',
  acked: 'Acknowledged',
  realarmed: 'Still active, unacknowledged',
  escalated: 'Escalated',
  shelved: 'Shelved',
  unshelved: 'Unshelved',
  suppressed: 'Suppressed',
  unsuppressed: 'No longer suppressed',
  chattering: 'Chattering',
  flood: 'Alarm flood',
  closed: 'Closed',
};

/** Ends every alarm message. */
export const SIGNATURE = '— gaswatch';

const formats = new Map<string, Intl.DateTimeFormat>();

/** "2026-11-28 16:00:00" in the zone (the machine's when undefined). */
export function formatTime(iso: string | number | null, timezone: string | undefined): string {
  if (iso === null) return '—';
  const key = timezone ?? '';
  let f = formats.get(key);
  if (!f) {
    // The Swedish locale writes ISO-like dates: no hand-rolled zone arithmetic.
    f = new Intl.DateTimeFormat('sv-SE', {
      timeZone: timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formats.set(key, f);
  }
  return f.format(new Date(iso));
}

export function formatMinutes(ms: number): string {
  const min = Math.round(ms / 60_000);
  return min < 120 ? `${min} min` : `${Math.floor(min / 60)} h ${min % 60} min`;
}

export function alarmNotification(event: AlarmEvent, opts: RenderOptions, esc?: EscalationInfo): Notification {
  const a = event.alarm;
  const prio = a.priority.toUpperCase();
  const what = a.condition === 'flood' ? a.site : `${a.site} ${a.sensor} ${a.condition}`;
  const verb = esc ? escalationVerb(esc) : (VERB[event.type] ?? event.type);
  const title = `[${prio}] ${verb}: ${what}`;
  const facts: [string, string][] = [
    ['Site', opts.siteName === a.site ? a.site : `${opts.siteName} (${a.site})`],
    ['Alarm', a.id],
    ['Priority', a.priority],
    ['State', a.state.replace('_', ', ')],
  ];
  if (a.raisedAt) facts.push(['Raised', formatTime(a.raisedAt, opts.timezone)]);
  facts.push(['Event', `${event.type} at ${formatTime(event.at, opts.timezone)}`]);
  if (event.operator) facts.push([event.type === 'escalated' ? 'To' : 'By', event.operator]);
  if (event.comment) facts.push([event.type === 'escalated' ? 'Why' : 'Comment', event.comment]);
  if (a.shelved && a.shelveReason) facts.push(['Shelved', a.shelveReason]);
  const lines: string[] = [];
  if (esc) lines.push(escalationLine(esc));
  const ack = opts.consoleUrl ? `Acknowledge on the console: ${opts.consoleUrl}` : undefined;
  // The signature line doubles as the keyword a DingTalk/Feishu robot secured by keyword needs.
  const text = [
    title,
    a.message,
    ...lines,
    ...facts.map(([k, v]) => `${k}: ${v}`),
    ...(ack ? [ack] : []),
    SIGNATURE,
  ].join('\n');
  const md = [
    `### ${mdEscape(title)}`,
    `**${mdEscape(a.message)}**`,
    ...lines.map(mdEscape),
    ...facts.map(([k, v]) => `- ${k}: ${mdEscape(v)}`),
    ...(opts.consoleUrl ? [`[Acknowledge on the console](${opts.consoleUrl})`] : []),
    SIGNATURE,
  ].join('\n\n');
  const payload: Record<string, unknown> = {
    type: 'alarm',
    title,
    text,
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

function escalationVerb(esc: EscalationInfo): string {
  if (esc.reason === 'first') return `For ${esc.to.name}`;
  if (esc.reason === 'reminder') return `Reminder for ${esc.to.name}`;
  return `Escalated to ${esc.to.name}`;
}

function escalationLine(esc: EscalationInfo): string {
  const who = `${esc.to.name}${esc.to.role ? ` (${esc.to.role})` : ''}`;
  const since = formatMinutes(esc.unackedFor);
  if (esc.reason === 'first') return `${who}: please acknowledge. Step 1 of ${esc.of} in the escalation chain.`;
  if (esc.reason === 'reminder') return `${who}: still not acknowledged after ${since}. Last in the chain.`;
  const prev = esc.previous ? ` by ${esc.previous.name}` : '';
  return `${who}: not acknowledged${prev} after ${since}. Step ${esc.step + 1} of ${esc.of} in the escalation chain.`;
}

/** Markdown robots render `*`, `_`, `[` literally only when escaped. */
export function mdEscape(s: string): string {
  return s.replace(/([\\`*_[\]<>])/g, '\\$1');
}
