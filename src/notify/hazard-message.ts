/**
 * Hazard messages (SPEC §11): a register event addressed to a person of the site's chain — the
 * owner when a hazard is opened or reopened, the next person up when it is overdue — rendered once
 * per language as title, text and markdown for the escalation's channels, in the channel's
 * `locale` (else the config's), from the shared catalogues (`notify.hazard.*`). The webhook's
 * payload keeps its structured fields (`type`, `event`, `site`) whatever the language.
 *
 * Each language picks what it shows of a hazard: English the ids engineers grep for (`stale`),
 * Chinese the names (数据中断…); both are passed (`kindId`, `kind`).
 */
import type { HazardEvent, HazardRecord } from '../domain/hazards.js';
import { DEFAULT_LOCALE, type Translate, translator } from '../i18n/index.js';
import { formatTime } from '../util/zoned-time.js';
import { mdEscape, type Notification, type Recipient, type RenderOptions } from './message.js';

/** "zjk-depot/H-17 GD-12 stale" / "zjk-depot/H-17 GD-12 传感器长时间无数据": shared with the daily report. */
export function hazardWhat(t: Translate, h: Pick<HazardRecord, 'id' | 'sensor' | 'kind'>): string {
  const names = { id: h.id, sensor: h.sensor, kindId: h.kind, kind: t(`hazard.kind.${h.kind}`) };
  return t(h.sensor ? 'hazard.what.sensor' : 'hazard.what.site', names);
}

export function hazardTitle(t: Translate, e: HazardEvent): string {
  const h = e.hazard;
  return t(`notify.hazard.title.${e.type}`, {
    severity: t(`notify.hazard.severity.${h.severity}`),
    to: e.to?.name ?? t('notify.hazard.theSite'),
    what: hazardWhat(t, h),
  });
}

/** What the person is asked to do. */
export function hazardAsk(t: Translate, e: HazardEvent): string {
  const who = e.to?.name ?? t('notify.hazard.theSite');
  if (e.type === 'hazard_overdue')
    return t('notify.hazard.ask.overdue', { who, owner: e.hazard.owner ?? t('notify.hazard.itsOwner') });
  if (e.type === 'hazard_reopened') return t('notify.hazard.ask.reopened', { who });
  return t('notify.hazard.ask.rectify', { who });
}

export function hazardFacts(t: Translate, e: HazardEvent, opts: RenderOptions): [string, string][] {
  const h = e.hazard;
  const deadline = formatTime(h.deadline, opts.timezone);
  const facts: [string, string][] = [
    ['site', opts.siteName === h.site ? h.site : t('notify.siteNamed', { name: opts.siteName, id: h.site })],
    ['hazard', h.id],
    ['severity', t(`notify.hazard.severityWord.${h.severity}`)],
    ['state', t(`notify.hazard.state.${h.state}`)],
    ['owner', h.owner ?? '—'],
    ['deadline', h.overdue ? t('notify.hazard.deadlineOverdue', { deadline }) : deadline],
  ];
  if (e.by) facts.push(['by', e.by]);
  if (e.note) facts.push(['note', e.note]);
  return facts.map(([k, v]) => [t(`notify.hazard.fact.${k}`), v]);
}

/** Queue priority: a hazard never pushes an alarm message out of a full queue before a critical one would. */
const PRIORITY = { major: 'high', minor: 'medium' } as const;

/** `to`: the person of the chain the event is addressed to (email goes to them, robots @-mention them). */
export function hazardNotification(e: HazardEvent, opts: RenderOptions, to?: Recipient): Notification {
  const locale = opts.locale ?? DEFAULT_LOCALE;
  const t = translator(locale);
  const h = e.hazard;
  const title = hazardTitle(t, e);
  const ask = hazardAsk(t, e);
  const facts = hazardFacts(t, e, opts);
  const link = opts.consoleUrl ? t('notify.hazard.onConsole', { url: opts.consoleUrl }) : undefined;
  const signature = t('notify.signature');
  const text = [title, h.description, ask, ...facts.map(([k, v]) => `${k}: ${v}`), ...(link ? [link] : []), signature];
  const md = [
    `### ${mdEscape(title)}`,
    `**${mdEscape(h.description)}**`,
    mdEscape(ask),
    ...facts.map(([k, v]) => `- ${k}: ${mdEscape(v)}`),
    ...(link ? [mdEscape(link)] : []),
    signature,
  ];
  return {
    key: `${h.id}#${e.type}${e.to ? `-${e.to.step + 1}` : ''}`,
    priority: PRIORITY[h.severity],
    title,
    text: text.join('\n'),
    markdown: md.join('\n\n'),
    recipient: to,
    payload: {
      type: 'hazard',
      title,
      text: text.join('\n'),
      locale,
      event: e,
      site: { id: h.site, name: opts.siteName },
    },
  };
}
