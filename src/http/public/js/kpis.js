// The alarm-system KPI page (SPEC §11; ISA-18.2 clause 16, EEMUA 191): for a chosen period and
// site, first a verdict in words — healthy or not, and how many indicators miss their target —
// then each figure written out beside its target and its standing (a shape and a word, never
// colour alone), the priority distribution against ~80/15/5 %, the ten most frequent alarms, the
// chattering and the standing ones. Re-read every minute while on view for a period ending now.

import { api } from './api.js';
import {
  conditionLabel,
  el,
  fillSiteSelect,
  formatDateTime,
  formatNumber,
  formatPercent,
  priorityBadge,
  priorityLabel,
  siteName,
  toWallTime,
  wallTimeToEpoch,
  zoneOf,
} from './format.js';
import { t } from './i18n.js';
import { judge, topShare, verdict } from './kpi-health.js';

const HOUR = 3600_000;
const PERIODS = { '24h': 24 * HOUR, '7d': 7 * 24 * HOUR, '30d': 30 * 24 * HOUR };

/** Each figure: its heading's key, how it is written, what detail goes under it (its target is `console.kpis.target.{kpi}`). */
const CARDS = [
  { kpi: 'mean', heading: 'console.kpis.meanLabel', value: (k) => formatNumber(k.per10min.mean) },
  {
    kpi: 'peak',
    heading: 'console.kpis.peakLabel',
    value: (k) => formatNumber(k.per10min.peak, 0),
    detail: (k, zone) =>
      k.per10min.peakAt ? t('console.kpis.peakAt', { at: formatDateTime(k.per10min.peakAt, zone) }) : '',
  },
  {
    kpi: 'flood',
    heading: 'kpi.floodShare',
    value: (k) => formatPercent(k.flood.share),
    detail: (k) => t('console.kpis.floodWindows', { windows: k.flood.windows, total: k.per10min.windows }),
  },
  { kpi: 'standing', heading: 'kpi.standing', value: (k) => formatNumber(k.standing.count, 0) },
  { kpi: 'chattering', heading: 'kpi.chattering', value: (k) => formatNumber(k.chattering.count, 0) },
];

function statusLine(level) {
  return el(
    'p',
    { class: `kpi-status lvl-${level}` },
    el('span', { class: 'kshape', 'aria-hidden': 'true' }),
    t(`console.kpis.status.${level}`),
  );
}

export class KpiPage {
  constructor({ onError }) {
    this.onError = onError;
    this.form = document.getElementById('kpi-filters');
    this.report = document.getElementById('kpi-report');
    this.visible = false;
    this.last = null; // { k, zone }
    /** site → sensor → unit: gas detectors' conditions are named by GB/T 50493 (一级/二级报警). */
    this.units = new Map();
    this.form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void this.load();
    });
    this.form.elements.period.addEventListener('change', () => this.periodChanged());
    setInterval(() => {
      if (this.visible && this.form.elements.period.value !== 'custom') void this.load();
    }, 60_000);
  }

  setSites(sites) {
    fillSiteSelect(this.form.elements.site, sites);
  }

  /** The page came on view (or went): it is read afresh each time it is shown. */
  show(on) {
    this.visible = on;
    if (on) void this.load();
  }

  periodChanged() {
    const custom = this.form.elements.period.value === 'custom';
    for (const l of this.form.querySelectorAll('label.custom')) l.hidden = !custom;
    if (custom && !this.form.elements.from.value && this.last) {
      // Start from the period on view, in the zone the page shows.
      this.form.elements.from.value = toWallTime(this.last.k.from, this.last.zone);
      this.form.elements.to.value = toWallTime(this.last.k.to, this.last.zone);
    }
  }

  range(zone) {
    const f = this.form.elements;
    if (f.period.value !== 'custom') {
      const to = Date.now();
      return { from: to - (PERIODS[f.period.value] ?? PERIODS['24h']), to };
    }
    return { from: wallTimeToEpoch(f.from.value, zone), to: wallTimeToEpoch(f.to.value, zone) };
  }

  async load() {
    const site = this.form.elements.site.value;
    const zone = zoneOf(site || undefined);
    const { from, to } = this.range(zone);
    if (!Number.isFinite(from) || !Number.isFinite(to)) return;
    let k;
    try {
      k = await api.kpis({ from: String(Math.round(from)), to: String(Math.round(to)), ...(site ? { site } : {}) });
      await this.learnUnits(k);
    } catch (err) {
      // 503: the daemon could not read the stored history (InfluxDB), not that it is busy.
      this.onError?.(
        err.code === 'unavailable' ? t('console.kpis.unavailable') : t('console.kpis.failed', { error: err.message }),
      );
      return;
    }
    this.last = { k, zone };
    Object.assign(this.report.dataset, { from: String(Date.parse(k.from)), to: String(Date.parse(k.to)), site });
    this.render();
  }

  /** The units of the sensors the lists name, read once per site. */
  async learnUnits(k) {
    const ids = [
      ...k.top.map((a) => a.id),
      ...k.chattering.alarms.map((a) => a.id),
      ...k.standing.alarms.map((a) => a.id),
    ];
    const sites = new Set(ids.map((id) => id.split('/')[0]).filter((s) => !s.startsWith('_') && !this.units.has(s)));
    for (const s of sites) {
      const list = await api.sensors(s).catch(() => []);
      this.units.set(s, new Map(list.map((x) => [x.sensor, x.unit])));
    }
  }

  relabel() {
    if (this.last) this.render();
  }

  render() {
    const { k, zone } = this.last;
    this.report.hidden = false;
    const levels = judge(k);
    const v = verdict(levels);
    const verdictEl = document.getElementById('kpi-verdict');
    for (const l of ['ok', 'warn', 'bad']) verdictEl.classList.toggle(`lvl-${l}`, l === v.level);
    verdictEl.replaceChildren(
      el('span', { class: 'kshape', 'aria-hidden': 'true' }),
      t(`console.kpis.verdict.${v.level}`, { count: v.bad + v.warn, bad: v.bad, warn: v.warn }),
    );
    document.getElementById('kpi-range').textContent = [
      t('console.kpis.range', {
        from: formatDateTime(k.from, zone),
        to: formatDateTime(k.to, zone),
        zone: zone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
        count: k.raised,
      }),
      t(`console.kpis.source.${k.source}`, { defaultValue: k.source }),
    ].join(' · ');
    const partial = document.getElementById('kpi-partial');
    partial.hidden = !k.partial;
    // The API's own detail (which events, why) is in English: it is for the daemon's log reader.
    partial.textContent = k.partial ? t('console.kpis.partial') : '';

    document
      .getElementById('kpi-cards')
      .replaceChildren(
        ...CARDS.map((c) =>
          el(
            'section',
            { class: `kpi-card lvl-${levels[c.kpi]}`, dataset: { kpi: c.kpi } },
            el('h3', { text: t(c.heading) }),
            el('p', { class: 'kpi-value', text: c.value(k) }),
            c.detail ? el('p', { class: 'kpi-detail', text: c.detail(k, zone) }) : null,
            el('p', { class: 'kpi-target', text: t(`console.kpis.target.${c.kpi}`) }),
            statusLine(levels[c.kpi]),
          ),
        ),
      );
    this.renderBands(k, levels.distribution);
    this.renderLists(k, zone);
  }

  renderBands(k, level) {
    document.getElementById('kpi-bands').replaceChildren(
      ...k.priorities.bands.map((b) => {
        const fill = el('span', { class: 'fill' });
        fill.style.width = `${(b.share * 100).toFixed(1)}%`;
        const guide = el('span', { class: 'guide' });
        guide.style.left = `${(b.guidance * 100).toFixed(1)}%`;
        const priorities = b.priorities.map(priorityLabel).join(t('list.separator'));
        return el(
          'div',
          { class: `band band-${b.band}`, dataset: { band: b.band } },
          el('span', {
            class: 'band-label',
            text: t('console.kpis.bandOf', { band: t(`console.kpis.band.${b.band}`), priorities }),
          }),
          el('span', { class: 'bar', 'aria-hidden': 'true' }, fill, guide),
          el('span', {
            class: 'band-figures',
            text: t('console.kpis.bandLine', {
              share: formatPercent(b.share),
              count: b.count,
              guidance: formatPercent(b.guidance),
            }),
          }),
        );
      }),
    );
    const note = document.getElementById('kpi-dist-note');
    note.replaceChildren(
      t(level === 'info' ? 'console.kpis.target.few' : 'console.kpis.target.distribution'),
      statusLine(level),
    );
  }

  renderLists(k, zone) {
    const none = (cols) =>
      el('tr', { class: 'none' }, el('td', { colspan: String(cols), text: t('console.kpis.none') }));
    const top = k.top.map((a, i) =>
      el(
        'tr',
        { dataset: { alarmId: a.id } },
        el('td', { class: 'num', text: formatNumber(i + 1, 0) }),
        el('td', { text: siteName(a.site), title: a.site }),
        el('td', { text: a.sensor }),
        el('td', { text: this.condition(a.id) }),
        el('td', {}, priorityBadge(a.priority)),
        el('td', { class: 'num', text: formatNumber(a.raised, 0) }),
        el('td', { class: 'num', text: formatPercent(k.raised ? a.raised / k.raised : 0) }),
      ),
    );
    document.querySelector('#kpi-top tbody').replaceChildren(...(top.length ? top : [none(7)]));
    document.getElementById('kpi-top-share').textContent = k.top.length
      ? t('console.kpis.topShare', { share: formatPercent(topShare(k)) })
      : '';
    const chat = k.chattering.alarms.map((a) =>
      el(
        'tr',
        { dataset: { alarmId: a.id } },
        el('td', { text: this.alarmName(a.id) }),
        el('td', { class: 'num', text: formatNumber(a.raised, 0) }),
        el('td', { class: 'num', text: formatNumber(a.mostWithin60s, 0) }),
      ),
    );
    document.querySelector('#kpi-chattering tbody').replaceChildren(...(chat.length ? chat : [none(3)]));
    const standing = k.standing.alarms.map((a) =>
      el(
        'tr',
        { dataset: { alarmId: a.id } },
        el('td', { text: this.alarmName(a.id) }),
        el(
          'td',
          {},
          el('time', { datetime: a.since, text: formatDateTime(a.since, zoneOf(a.id.split('/')[0]) ?? zone) }),
        ),
        el('td', { class: 'num', text: formatNumber(a.hours, 1) }),
      ),
    );
    document.querySelector('#kpi-standing tbody').replaceChildren(...(standing.length ? standing : [none(3)]));
  }

  /** A condition's name, by GB/T 50493 for a gas detector (its unit says so). */
  condition(id) {
    const [site, sensor, condition] = id.split('/');
    return conditionLabel({ condition, unit: this.units.get(site)?.get(sensor) });
  }

  alarmName(id) {
    const [site, sensor] = id.split('/');
    return [siteName(site), sensor, this.condition(id)].join(' / ');
  }
}
