/**
 * Hazard messages (SPEC §11): a register event addressed to a person of the site's chain — the
 * owner when a hazard is opened or reopened, the next person up when it is overdue — rendered once
 * as title, text and markdown for the escalation's channels. Each text is one function, in English,
 * so that it can move into the message catalogues (`locale`) as it is.
 */
import type { HazardEvent } from '../domain/hazards.js';
import { formatTime, mdEscape, type Notification, type Recipient, type RenderOptions, SIGNATURE } from './message.js';

export function hazardTitle(e: HazardEvent): string {
  const h = e.hazard;
  const what = `${h.id}${h.sensor ? ` ${h.sensor}` : ''} ${h.kind}`;
  const to = e.to?.name ?? 'the site';
  const severity = h.severity.toUpperCase();
  switch (e.type) {
    case 'hazard_opened':
      return `[${severity}] Hidden hazard for ${to}: ${what}`;
    case 'hazard_reopened':
      return `[${severity}] Hidden hazard reopened, for ${to}: ${what}`;
    case 'hazard_overdue':
      return `[${severity}] Hidden hazard overdue, escalated to ${to}: ${what}`;
    case 'hazard_rectified':
      return `[${severity}] Hidden hazard rectified: ${what}`;
    case 'hazard_verified':
      return `[${severity}] Hidden hazard verified and closed: ${what}`;
  }
}

/** What the person is asked to do. */
export function hazardAsk(e: HazardEvent): string {
  const h = e.hazard;
  const who = e.to?.name ?? 'The site';
  if (e.type === 'hazard_overdue')
    return `${who}: not rectified by ${h.owner ?? 'its owner'} by the deadline. See that it is rectified, then verified by a second person.`;
  if (e.type === 'hazard_reopened') return `${who}: the rectification did not hold. Rectify it again.`;
  return `${who}: rectify it by the deadline; a second person verifies the fix.`;
}

export function hazardFacts(e: HazardEvent, opts: RenderOptions): [string, string][] {
  const h = e.hazard;
  const facts: [string, string][] = [
    ['Site', opts.siteName === h.site ? h.site : `${opts.siteName} (${h.site})`],
    ['Hazard', h.id],
    ['Severity', h.severity],
    ['State', h.state],
    ['Owner', h.owner ?? '—'],
    ['Deadline', `${formatTime(h.deadline, opts.timezone)}${h.overdue ? ' (overdue)' : ''}`],
  ];
  if (e.by) facts.push(['By', e.by]);
  if (e.note) facts.push(['Note', e.note]);
  return facts;
}

export function hazardConsoleLine(url: string): string {
  return `Rectify and verify on the console: ${url}`;
}

/** Queue priority: a hazard never pushes an alarm message out of a full queue before a critical one would. */
const PRIORITY = { major: 'high', minor: 'medium' } as const;

/** `to`: the person of the chain the event is addressed to (email goes to them, robots @-mention them). */
export function hazardNotification(e: HazardEvent, opts: RenderOptions, to?: Recipient): Notification {
  const h = e.hazard;
  const title = hazardTitle(e);
  const ask = hazardAsk(e);
  const facts = hazardFacts(e, opts);
  const link = opts.consoleUrl ? hazardConsoleLine(opts.consoleUrl) : undefined;
  const text = [title, h.description, ask, ...facts.map(([k, v]) => `${k}: ${v}`), ...(link ? [link] : []), SIGNATURE];
  const md = [
    `### ${mdEscape(title)}`,
    `**${mdEscape(h.description)}**`,
    mdEscape(ask),
    ...facts.map(([k, v]) => `- ${k}: ${mdEscape(v)}`),
    ...(link ? [mdEscape(link)] : []),
    SIGNATURE,
  ];
  return {
    key: `${h.id}#${e.type}${e.to ? `-${e.to.step + 1}` : ''}`,
    priority: PRIORITY[h.severity],
    title,
    text: text.join('\n'),
    markdown: md.join('\n\n'),
    recipient: to,
    payload: { type: 'hazard', title, text: text.join('\n'), event: e, site: { id: h.site, name: opts.siteName } },
  };
}
