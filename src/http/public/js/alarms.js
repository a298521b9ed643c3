// The alarm summary (ISA-18.2 / ISA-101): most urgent first, unacknowledged alarms flash until
// acknowledged, and shelved or suppressed alarms move to their own list so they stay visible.

import { api } from './api.js';
import { openForm } from './dialogs.js';
import {
  conditionLabel,
  describeAlarm,
  el,
  formatTime,
  PRIORITY_ORDER,
  priorityBadge,
  priorityLabel,
  siteName,
  stateLabel,
  withUnit,
  zoneOf,
} from './format.js';
import { t } from './i18n.js';
import { reconcile } from './rows.js';

/** Actions: neutral ids in data-action, names from the catalogue. */
const ACTIONS = { ack: 'console.action.ack', shelve: 'console.action.shelve', unshelve: 'console.action.unshelve' };

const rank = (p) => {
  const i = PRIORITY_ORDER.indexOf(p);
  return i < 0 ? 9 : i;
};
const when = (a) => a.raisedAt ?? a.clearedAt ?? '';

export function summaryOrder(a, b) {
  return (
    rank(a.priority) - rank(b.priority) ||
    (when(a) < when(b) ? 1 : when(a) > when(b) ? -1 : 0) ||
    (a.id < b.id ? -1 : 1)
  );
}

export const isUnacked = (a) => a.state === 'active_unacked' || a.state === 'cleared_unacked';
const outOfService = (a) => a.shelved || a.suppressed;

export class AlarmBoard {
  /** `auth`: { canWrite(): 'yes'|'login'|'no', login(why): Promise<boolean> }. */
  constructor({ auth, onChange, onError }) {
    this.auth = auth;
    this.onChange = onChange;
    this.onError = onError;
    this.records = new Map();
    this.summaryBody = document.querySelector('#alarm-summary tbody');
    this.shelvedBody = document.querySelector('#shelved-list tbody');
    this.pending = false;
  }

  replaceAll(list) {
    this.records = new Map(list.map((a) => [a.id, a]));
    this.schedule();
  }

  /** An SSE alarm event: the record it carries is the alarm's new truth. */
  apply(event) {
    const a = event.alarm;
    if (a.state === 'normal' && !a.shelved) this.records.delete(a.id);
    else this.records.set(a.id, a);
    this.schedule();
  }

  /** Who is logged in, or the language, changed: every row is rebuilt. */
  authChanged() {
    for (const r of [...this.summaryBody.rows, ...this.shelvedBody.rows]) r.sig = null;
    this.schedule();
  }

  schedule() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.render();
    });
  }

  render() {
    const all = [...this.records.values()].sort(summaryOrder);
    const inService = all.filter((a) => !outOfService(a));
    const shelved = all.filter(outOfService);
    const byRecord = { key: (a) => a.id, sig: (a) => JSON.stringify(a) };
    reconcile(this.summaryBody, inService, { ...byRecord, build: (a) => this.summaryRow(a) });
    reconcile(this.shelvedBody, shelved, { ...byRecord, build: (a) => this.shelvedRow(a) });
    const empty = document.getElementById('summary-empty');
    empty.hidden = inService.length > 0;
    // Never "no alarms" while some are only shelved or suppressed: they are still there.
    empty.textContent = shelved.length
      ? t('console.summary.emptyShelved', { count: shelved.length })
      : t('console.summary.empty');
    document.getElementById('summary-count').textContent = inService.length ? `(${inService.length})` : '';
    document.getElementById('shelved').hidden = shelved.length === 0;
    document.getElementById('shelved-count').textContent = `(${shelved.length})`;
    this.renderCounts(inService);
    this.onChange?.(all);
  }

  renderCounts(list) {
    const ul = document.getElementById('counts');
    ul.replaceChildren(
      ...PRIORITY_ORDER.map((p) => {
        const n = list.filter((a) => a.priority === p && isUnacked(a)).length;
        return el(
          'li',
          {
            class: `count${n ? '' : ' zero'}`,
            'aria-label': t('console.counts.item', { priority: priorityLabel(p), count: n }),
          },
          priorityBadge(p),
          el('span', { class: 'n', text: String(n) }),
        );
      }),
    );
  }

  summaryRow(a) {
    const cells = [
      el('td', {}, el('time', { datetime: when(a), text: formatTime(when(a), zoneOf(a.site)) })),
      el('td', { text: siteName(a.site), title: a.site }),
      el('td', { text: a.sensor }),
      el(
        'td',
        {},
        conditionLabel(a),
        a.chattering ? el('span', { class: 'tag', text: t('console.summary.chattering') }) : null,
      ),
      el('td', { class: 'num', text: withUnit(a.value, a.unit) }),
      el('td', { class: 'num', text: withUnit(a.threshold, a.unit) }),
      el('td', {}, priorityBadge(a.priority)),
      el('td', { class: 'state', text: stateLabel(a.state) }),
      el('td', { text: a.ackedBy ?? '', title: a.comment ?? undefined }),
      el('td', { class: 'actions' }, ...this.actions(a)),
    ];
    return row(a, cells);
  }

  shelvedRow(a) {
    const zone = zoneOf(a.site);
    const cells = [
      el('td', {}, el('time', { datetime: when(a), text: formatTime(when(a), zone) })),
      el('td', { text: siteName(a.site), title: a.site }),
      el('td', { text: a.sensor }),
      el('td', { text: conditionLabel(a) }),
      el('td', {}, priorityBadge(a.priority)),
      el('td', {
        class: 'state',
        text: `${t(a.shelved ? 'console.shelved.shelved' : 'console.shelved.suppressed')} · ${stateLabel(a.state)}`,
      }),
      el('td', { text: a.shelved ? (a.shelvedBy ?? '') : t('console.shelved.maintenance') }),
      el('td', { text: a.shelvedUntil ? formatTime(a.shelvedUntil, zone) : '' }),
      el('td', { text: a.shelveReason ?? '' }),
      el('td', { class: 'actions' }, a.shelved ? this.button(a, 'unshelve', () => this.unshelve(a)) : null),
    ];
    return row(a, cells);
  }

  actions(a) {
    const out = [];
    if (isUnacked(a)) out.push(this.button(a, 'ack', () => this.ack(a)));
    if (!a.shelved) out.push(this.button(a, 'shelve', () => this.shelve(a)));
    return out;
  }

  button(a, action, run) {
    const can = this.auth.canWrite();
    const label = t(ACTIONS[action]);
    return el('button', {
      type: 'button',
      class: action === 'ack' ? 'primary' : '',
      'aria-label': t('console.action.label', {
        action: label,
        sensor: a.sensor,
        condition: conditionLabel(a),
        site: siteName(a.site),
      }),
      'data-action': action,
      disabled: can === 'no',
      title: can === 'no' ? t('console.action.viewOnly') : undefined,
      text: label,
      onclick: async () => {
        if (this.auth.canWrite() === 'login' && !(await this.auth.login(t(`console.action.loginFor.${action}`))))
          return;
        await run();
      },
    });
  }

  ack(a) {
    const d = document.getElementById('ack-dialog');
    return openForm(d, {
      prepare: () => {
        d.querySelector('.alarm-desc').textContent = describeAlarm(a);
      },
      submit: async (form) => this.accept(await api.ack(a.id, form.comment.value.trim() || null)),
    });
  }

  shelve(a) {
    const d = document.getElementById('shelve-dialog');
    return openForm(d, {
      prepare: () => {
        d.querySelector('.alarm-desc').textContent = describeAlarm(a);
      },
      submit: async (form) => this.accept(await api.shelve(a.id, Number(form.minutes.value), form.reason.value.trim())),
    });
  }

  async unshelve(a) {
    try {
      this.accept(await api.unshelve(a.id));
    } catch (err) {
      this.onError?.(t('console.shelve.unshelveFailed', { error: err.message }));
    }
  }

  /** The command's answer is applied at once; the SSE event that follows carries the same record. */
  accept(record) {
    this.apply({ alarm: record });
  }
}

function row(a, cells) {
  const unacked = isUnacked(a);
  const classes = [`prio-${a.priority}`, `state-${a.state}`, unacked ? 'unacked' : ''].join(' ');
  return el('tr', { class: classes, dataset: { alarmId: a.id } }, ...cells);
}
