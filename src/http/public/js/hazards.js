// The hidden-hazard register (SPEC §11; 隐患台账): filters by site and state, overdue first, each
// hazard's owner, deadline in the site's zone, kind, severity, sensor and history; registering by
// hand, rectify, verify and reopen. Kept live by the event stream's `hazards` messages (the
// register's changed records), re-read in full on every (re)connect and when a message says to.
// The header's badge counts the live hazards of every site, whatever the filter shows.

import { api } from './api.js';
import { fillSiteSelect } from './format.js';
import { noteDialog, registerDialog } from './hazard-dialogs.js';
import { fillDeadline, hazardOrder, hazardRow, historyRow, isOverdue } from './hazard-rows.js';
import { t } from './i18n.js';
import { reconcile } from './rows.js';

/** The state filter's values and the states each shows; `null`: the register's live ones (the default). */
const FILTERS = {
  live: ['open', 'rectified'],
  open: ['open'],
  rectified: ['rectified'],
  verified: ['verified'],
  all: ['open', 'rectified', 'verified'],
};

export class HazardView {
  /**
   * `auth`: as the alarm board's; `onAvailable(bool)`: whether this daemon has a register at all;
   * `onOpen()`: the header badge was pressed (show the register).
   */
  constructor({ auth, onError, onAvailable, onOpen }) {
    this.auth = auth;
    this.onError = onError;
    this.onAvailable = onAvailable;
    /** Open and rectified hazards of every site, by id. */
    this.live = new Map();
    /** The closed ones too, when the filter asks for them (read from the API); else null. */
    this.fetched = null;
    this.expanded = new Set();
    this.available = null;
    this.sites = [];
    this.form = document.getElementById('hazard-filters');
    this.tbody = document.querySelector('#hazard-table tbody');
    this.badge = document.getElementById('hazard-badge');
    this.form.addEventListener('change', () => void this.setFilter());
    this.form.addEventListener('submit', (ev) => ev.preventDefault());
    document.getElementById('hazard-register').addEventListener('click', () => void this.registerByHand());
    this.badge.addEventListener('click', () => onOpen?.());
    // "Due in 3 h" must not stand still while the clock runs on.
    setInterval(() => this.refreshDeadlines(), 30_000);
  }

  get filter() {
    return { site: this.form.elements.site.value, state: this.form.elements.state.value };
  }

  /** Sites as /api/sites lists them, for the filter and the register dialog. */
  setSites(sites) {
    this.sites = sites;
    fillSiteSelect(this.form.elements.site, sites);
  }

  /** The whole register again: at every (re)connect, and when the stream says too much changed at once. */
  async load() {
    let list;
    try {
      list = await api.hazards({});
    } catch (err) {
      // A daemon without a register has no such endpoint: no tab, no badge.
      if (err.status === 404 && err.code === 'not_found') return this.setAvailable(false);
      this.onError?.(t('console.hazards.failed', { error: err.message }));
      return;
    }
    this.setAvailable(true);
    this.live = new Map(list.map((h) => [h.id, h]));
    if (this.fetched) await this.fetchClosed();
    this.render();
  }

  setAvailable(on) {
    if (this.available === on) return;
    this.available = on;
    this.onAvailable?.(on);
    this.renderBadge();
  }

  async setFilter() {
    const states = FILTERS[this.filter.state] ?? FILTERS.live;
    if (states.includes('verified')) await this.fetchClosed();
    else this.fetched = null;
    this.render();
  }

  async fetchClosed() {
    const { site, state } = this.filter;
    try {
      const list = await api.hazards({ state: FILTERS[state].join(','), ...(site ? { site } : {}) });
      this.fetched = new Map(list.map((h) => [h.id, h]));
    } catch (err) {
      this.onError?.(t('console.hazards.failed', { error: err.message }));
    }
  }

  /** An event-stream message: `{changed: [records]}`, or `{resync: true}`. */
  applyBatch(msg) {
    if (msg.resync) return void this.load();
    for (const h of msg.changed ?? []) this.accept(h, false);
    this.render();
  }

  /** A record as the register now has it (a command's answer, or from the stream). */
  accept(h, render = true) {
    if (h.state === 'verified') this.live.delete(h.id);
    else this.live.set(h.id, h);
    if (this.fetched) {
      if (this.matches(h)) this.fetched.set(h.id, h);
      else this.fetched.delete(h.id);
    }
    if (render) this.render();
  }

  matches(h) {
    const { site, state } = this.filter;
    return (!site || h.site === site) && (FILTERS[state] ?? FILTERS.live).includes(h.state);
  }

  shown() {
    return [...(this.fetched ?? this.live).values()].filter((h) => this.matches(h)).sort(hazardOrder);
  }

  /** Who is logged in, or the language, changed: every row is rebuilt. */
  relabel() {
    for (const r of this.tbody.rows) r.sig = null;
    this.render();
  }

  render() {
    const list = this.shown();
    const now = Date.now();
    const rows = [];
    for (const h of list) {
      rows.push({ key: h.id, sig: JSON.stringify([h, this.expanded.has(h.id), this.auth.canWrite()]), h });
      if (this.expanded.has(h.id))
        rows.push({ key: `${h.id}#history`, sig: JSON.stringify(h.history), h, history: true });
    }
    reconcile(this.tbody, rows, {
      key: (r) => r.key,
      sig: (r) => r.sig,
      build: (r) =>
        r.history
          ? historyRow(r.h)
          : hazardRow(r.h, {
              can: this.auth.canWrite(),
              expanded: this.expanded.has(r.h.id),
              onAction: (h, action) => void this.act(h, action),
            }),
    });
    const register = document.getElementById('hazard-register');
    register.disabled = this.auth.canWrite() === 'no';
    register.title = register.disabled ? t('console.hazards.viewOnly') : '';
    document.getElementById('hazard-empty').hidden = list.length > 0;
    const count = (f) => list.filter(f).length;
    document.getElementById('hazard-summary').textContent = t('console.hazards.summary', {
      count: list.length,
      overdue: count((h) => isOverdue(h, now)),
      open: count((h) => h.state === 'open'),
      rectified: count((h) => h.state === 'rectified'),
    });
    this.renderBadge();
  }

  renderBadge() {
    this.badge.hidden = !this.available;
    const n = this.live.size;
    const overdue = [...this.live.values()].filter((h) => isOverdue(h)).length;
    document.getElementById('hazard-badge-n').textContent = String(n);
    const tag = document.getElementById('hazard-badge-overdue');
    tag.hidden = overdue === 0;
    tag.textContent = t('console.hazards.badge.overdue', { count: overdue });
    this.badge.classList.toggle('zero', n === 0);
    this.badge.classList.toggle('has-overdue', overdue > 0);
    this.badge.setAttribute('aria-label', t('console.hazards.badge.aria', { count: n, overdue }));
  }

  refreshDeadlines() {
    for (const r of this.tbody.rows) {
      const h = (this.fetched ?? this.live).get(r.dataset.hazardId);
      if (h && r.deadlineCell) fillDeadline(r.deadlineCell, h);
    }
    this.renderBadge();
  }

  async act(h, action) {
    if (action === 'history') {
      if (this.expanded.has(h.id)) this.expanded.delete(h.id);
      else this.expanded.add(h.id);
      this.render();
      return;
    }
    if (!(await this.mayWrite())) return;
    await noteDialog(h, action, { onDone: (record) => this.accept(record), onStale: () => void this.load() });
  }

  async registerByHand() {
    if (!(await this.mayWrite())) return;
    await registerDialog({ sites: this.sites, site: this.filter.site, onDone: (record) => this.accept(record) });
  }

  async mayWrite() {
    const can = this.auth.canWrite();
    if (can === 'no') {
      this.onError?.(t('console.hazards.viewOnly'));
      return false;
    }
    return can === 'yes' || this.auth.login(t('console.hazards.loginFor'));
  }
}
