// The alarm journal: every transition and every operator action, newest first, with filters.
// New events that match the filters are prepended live.

import { api } from './api.js';
import { CONDITION_LABEL, el, formatTime, priorityBadge, STATE_LABEL, withUnit } from './format.js';

const EVENT_TYPES = [
  'raised',
  'cleared',
  'acked',
  'shelved',
  'unshelved',
  'suppressed',
  'unsuppressed',
  'escalated',
  'notified',
  'realarmed',
  'chattering',
  'flood',
  'closed',
];

export class Journal {
  constructor({ onError }) {
    this.onError = onError;
    this.form = document.getElementById('journal-filters');
    this.tbody = document.querySelector('#journal tbody');
    this.filters = { limit: '200' };
    const type = this.form.elements.type;
    for (const t of EVENT_TYPES) type.append(el('option', { text: t }));
    this.form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void this.load();
    });
  }

  async load() {
    const f = new FormData(this.form);
    this.filters = Object.fromEntries([...f.entries()].filter(([, v]) => v !== ''));
    try {
      const events = await api.history(this.filters);
      this.tbody.replaceChildren(...events.map((e) => this.row(e)));
    } catch (err) {
      this.onError?.(`Journal: ${err.message}`);
    }
  }

  /** A live alarm event. */
  add(e) {
    const f = this.filters;
    if (
      (f.site && e.alarm.site !== f.site) ||
      (f.sensor && e.alarm.sensor !== f.sensor) ||
      (f.type && e.type !== f.type)
    )
      return;
    this.tbody.prepend(this.row(e));
    const limit = Number(f.limit ?? 200);
    while (this.tbody.rows.length > limit) this.tbody.lastElementChild.remove();
  }

  row(e) {
    const a = e.alarm;
    return el(
      'tr',
      { class: `ev-${e.type}` },
      el('td', {}, el('time', { datetime: e.at, text: formatTime(e.at) })),
      el('td', { text: e.type }),
      el('td', { text: a.site }),
      el('td', { text: a.sensor }),
      el('td', { text: CONDITION_LABEL[a.condition] ?? a.condition }),
      el('td', {}, priorityBadge(a.priority)),
      el('td', { text: STATE_LABEL[a.state] ?? a.state }),
      el('td', { class: 'num', text: a.value === null ? '' : withUnit(a.value, a.unit) }),
      el('td', { text: e.operator ?? '' }),
      el('td', { text: e.comment ?? '' }),
      el('td', { class: 'message', text: a.message }),
    );
  }
}
