// The alarm journal: every transition and every operator action, newest first, with filters.
// New events that match the filters are prepended live.

import { api } from './api.js';
import {
  conditionLabel,
  el,
  eventLabel,
  formatTime,
  priorityBadge,
  siteName,
  stateLabel,
  withUnit,
  zoneOf,
} from './format.js';
import { t } from './i18n.js';

export class Journal {
  constructor({ onError }) {
    this.onError = onError;
    this.form = document.getElementById('journal-filters');
    this.tbody = document.querySelector('#journal tbody');
    this.filters = { limit: '200' };
    /** The rows shown, newest first, kept to re-render them in another language. */
    this.events = [];
    /** Live events that arrived while a load was in flight (null when none is): the history the
     * load returns may have been read before them, and must not wipe them from the journal. */
    this.arrived = null;
    this.loads = 0;
    this.form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void this.load();
    });
  }

  async load() {
    const load = ++this.loads;
    this.arrived = [];
    const f = new FormData(this.form);
    this.filters = Object.fromEntries([...f.entries()].filter(([, v]) => v !== ''));
    await this.loadTypes();
    try {
      const history = await api.history(this.filters);
      if (load !== this.loads) return; // a newer load (other filters) answers instead
      const known = new Set(history.map(eventKey));
      const missed = this.arrived.filter((e) => !known.has(eventKey(e)));
      this.events = [...missed, ...history].slice(0, Number(this.filters.limit ?? 200));
      this.render();
    } catch (err) {
      if (load === this.loads) this.onError?.(t('console.journal.failed', { error: err.message }));
    } finally {
      if (load === this.loads) this.arrived = null;
    }
  }

  /** The event types of the filter, as the daemon defines them (GET /api/alarms/event-types), once. */
  async loadTypes() {
    if (this.types) return;
    try {
      this.types = await api.eventTypes();
    } catch {
      return; // the next load tries again; the journal itself still loads
    }
    const type = this.form.elements.type;
    for (const e of this.types) type.append(el('option', { value: e, text: eventLabel(e) }));
  }

  render() {
    this.tbody.replaceChildren(...this.events.map((e) => this.row(e)));
  }

  /** The language changed: the event names of the filter, and every row. */
  relabel() {
    for (const o of this.form.elements.type.options) if (o.value) o.textContent = eventLabel(o.value);
    this.render();
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
    this.arrived?.unshift(e);
    this.events.unshift(e);
    this.tbody.prepend(this.row(e));
    const limit = Number(f.limit ?? 200);
    this.events.length = Math.min(this.events.length, limit);
    while (this.tbody.rows.length > limit) this.tbody.lastElementChild.remove();
  }

  row(e) {
    const a = e.alarm;
    return el(
      'tr',
      { class: `ev-${e.type}` },
      el('td', {}, el('time', { datetime: e.at, text: formatTime(e.at, zoneOf(a.site)) })),
      el('td', { text: eventLabel(e.type) }),
      el('td', { text: siteName(a.site), title: a.site }),
      el('td', { text: a.sensor }),
      el('td', { text: conditionLabel(a) }),
      el('td', {}, priorityBadge(a.priority)),
      el('td', { text: stateLabel(a.state) }),
      el('td', { class: 'num', text: a.value === null ? '' : withUnit(a.value, a.unit) }),
      el('td', { text: e.operator ?? '' }),
      el('td', { text: e.comment ?? '' }),
      el('td', { class: 'message', text: a.message }),
    );
  }
}

/** One event's identity: the same transition read from the history and received live. */
function eventKey(e) {
  return `${e.at}|${e.type}|${e.alarm.id}`;
}
