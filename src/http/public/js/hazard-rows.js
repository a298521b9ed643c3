// One hidden hazard as table rows (SPEC §11). Overdue hazards come first and say so in words — a
// badge with its own shape and the word, and how long past the deadline — never by colour alone
// (ISA-101, colour-blind operators). Each row offers the actions its state allows; its history
// (who did what, when, with their note) is a row of its own that a button opens.

import { el, formatDateTime, formatSpan, overdueBadge, siteName, zoneOf } from './format.js';
import { t } from './i18n.js';

const STATE_RANK = { open: 0, rectified: 1, verified: 2 };
const SEVERITY_RANK = { major: 0, minor: 1 };
const ACTIONS = { open: ['rectify'], rectified: ['verify', 'reopen'], verified: [] };

/** "H-17" of "zjk-depot/H-17": numbers are per site, the site has its own column. */
const numberOf = (id) => id.slice(id.indexOf('/') + 1);
const numeric = (id) => Number(numberOf(id).slice(2)) || 0;

/** Open past its deadline: the register says so within a second, the console as soon as it is true. */
export const isOverdue = (h, now = Date.now()) => h.overdue || (h.state === 'open' && Date.parse(h.deadline) <= now);

/** The register's own order (hazards/register.ts): overdue, then open, major, the earliest deadline, the number. */
export function hazardOrder(a, b) {
  return (
    Number(isOverdue(b)) - Number(isOverdue(a)) ||
    STATE_RANK[a.state] - STATE_RANK[b.state] ||
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    (a.deadline < b.deadline ? -1 : a.deadline > b.deadline ? 1 : 0) ||
    (a.site < b.site ? -1 : a.site > b.site ? 1 : numeric(a.id) - numeric(b.id))
  );
}

export function severityBadge(severity) {
  return el(
    'span',
    { class: `sev sev-${severity}` },
    el('span', { class: 'svshape', 'aria-hidden': 'true' }),
    t(`hazard.severity.${severity}`, { defaultValue: severity }),
  );
}

/** The deadline in the site's zone, and what it means now: how long left, or how long past. */
export function fillDeadline(cell, h, now = Date.now()) {
  const zone = zoneOf(h.site);
  const due = Date.parse(h.deadline);
  const parts = [el('time', { datetime: h.deadline, text: formatDateTime(h.deadline, zone) })];
  if (h.state === 'verified')
    parts.push(
      el('span', { class: 'rel', text: t('console.hazards.closedAt', { at: formatDateTime(h.updatedAt, zone) }) }),
    );
  else if (isOverdue(h, now)) {
    parts.unshift(overdueBadge(t('hazard.overdue')));
    parts.push(el('span', { class: 'rel', text: t('console.hazards.overdueBy', { span: formatSpan(now - due) }) }));
  } else if (h.state === 'open')
    parts.push(el('span', { class: 'rel', text: t('console.hazards.dueIn', { span: formatSpan(due - now) }) }));
  cell.replaceChildren(...parts);
}

export const historyId = (h) => `history-${h.id.replace(/[^\w-]/g, '_')}`;

/**
 * `can`: 'yes' | 'login' | 'no' (may this console write); `expanded`: its history is open;
 * `onAction(h, action)`: rectify, verify, reopen, or history (open or close it).
 */
export function hazardRow(h, { can, expanded, onAction }) {
  const overdue = isOverdue(h);
  const deadline = el('td', { class: 'deadline' });
  fillDeadline(deadline, h);
  const button = (action, label, extra = {}) =>
    el('button', {
      type: 'button',
      'data-action': action,
      // The visible words first in the accessible name, then which hazard (WCAG 2.5.3).
      'aria-label': t('console.hazards.actionLabel', { action: label, id: h.id }),
      text: label,
      onclick: () => onAction(h, action),
      ...extra,
    });
  const actions = ACTIONS[h.state].map((action) =>
    button(action, t(`hazard.action.${action}`), {
      class: action === 'reopen' ? '' : 'primary',
      disabled: can === 'no',
      title: can === 'no' ? t('console.hazards.viewOnly') : undefined,
    }),
  );
  const history = button('history', t('console.hazards.history', { count: h.history.length }), {
    class: 'linklike',
    'aria-expanded': String(expanded),
    'aria-controls': historyId(h),
  });
  const classes = ['hazard', `sev-${h.severity}`, `hstate-${h.state}`, overdue ? 'overdue' : ''].join(' ');
  const tr = el(
    'tr',
    { class: classes, dataset: { hazardId: h.id } },
    el('td', { class: 'hid', text: numberOf(h.id), title: h.id }),
    deadline,
    el('td', {}, severityBadge(h.severity)),
    el('td', { text: siteName(h.site), title: h.site }),
    el('td', { class: 'sensor', text: h.sensor ?? t('console.hazards.siteWide') }),
    el(
      'td',
      {},
      el('span', { class: 'hkind', text: t(`hazard.kind.${h.kind}`, { defaultValue: h.kind }) }),
      h.condition && h.state !== 'verified'
        ? el('span', { class: `cond cond-${h.condition}`, text: t(`console.hazards.condition.${h.condition}`) })
        : null,
    ),
    el('td', { class: 'desc', text: h.description }),
    el('td', { class: 'owner', text: h.owner ?? '—' }),
    el('td', { class: 'state', text: t(`hazard.state.${h.state}`, { defaultValue: h.state }) }),
    el('td', { class: 'actions' }, ...actions, history),
  );
  tr.deadlineCell = deadline;
  return tr;
}

export function historyRow(h) {
  const zone = zoneOf(h.site);
  const th = (key) => el('th', { scope: 'col', text: t(key) });
  return el(
    'tr',
    { class: 'history-row', id: historyId(h), dataset: { historyOf: h.id } },
    el(
      'td',
      { colspan: '10' },
      el(
        'table',
        { class: 'history' },
        el('caption', { class: 'sr-only', text: t('console.hazards.historyOf', { id: h.id }) }),
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            th('console.column.time'),
            th('console.column.by'),
            th('console.hazards.historyColumn.action'),
            th('console.hazards.historyColumn.note'),
          ),
        ),
        el(
          'tbody',
          {},
          ...h.history.map((line) =>
            el(
              'tr',
              { class: `act-${line.action}` },
              el('td', {}, el('time', { datetime: line.at, text: formatDateTime(line.at, zone) })),
              el('td', { text: line.by }),
              el('td', { text: t(`hazard.historyAction.${line.action}`, { defaultValue: line.action }) }),
              el('td', { class: 'hnote', text: line.note ?? '' }),
            ),
          ),
        ),
      ),
    ),
  );
}
