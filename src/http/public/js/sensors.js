// Sites, their sensors with live values and status, and the last-hour trend of one sensor.
// Live values come from the event stream, which sends only the selected site's readings.

import { api } from './api.js';
import { fillCalibration } from './calibration.js';
import {
  conditionLabel,
  el,
  fillSiteSelect,
  formatAge,
  formatHourMinute,
  formatTime,
  kindLabel,
  setSites,
  siteName,
  statusBadge,
  withUnit,
  zoneOf,
} from './format.js';
import { t } from './i18n.js';

const HOUR = 3600_000;
const PROBLEM_STATUSES = ['fault', 'stale', 'unconfigured', 'maintenance'];

/** A reading's payload status as the sensor status the API reports. */
function statusOf(r) {
  if (!r.configured) return 'unconfigured';
  if (r.status === 'fault') return 'fault';
  if (r.status === 'maintenance' || r.status === 'calibrating') return 'maintenance';
  return 'ok';
}

export class SensorPanel {
  /** `onSites`: names or zones of the sites changed (alarm rows show them). */
  constructor({ onSiteChange, onSites, onError }) {
    this.onSiteChange = onSiteChange;
    this.onSites = onSites;
    this.onError = onError;
    this.site = null;
    this.sensors = new Map();
    this.rows = new Map();
    this.trend = null; // { site, sensor, unit, ts: [], values: [], plot }
    this.siteList = document.getElementById('site-list');
    this.tbody = document.querySelector('#sensor-table tbody');
    setInterval(() => this.refreshAges(), 5000);
    // Sensor status (stale, fault) changes without a reading to say so; re-read it now and then.
    setInterval(
      () =>
        void this.loadSites()
          .then(() => this.loadSensors())
          .catch(() => {}),
      30_000,
    );
  }

  async loadSites() {
    const sites = await api.sites();
    const before = JSON.stringify(this.sitesSeen?.map((x) => [x.site, x.name, x.timezone]));
    setSites(sites);
    this.sitesSeen = sites;
    if (before !== JSON.stringify(sites.map((x) => [x.site, x.name, x.timezone]))) this.onSites?.();
    this.renderSites(sites);
    if (this.site === null && sites.length > 0) await this.select(sites[0].site);
    return sites;
  }

  renderSites(sites) {
    this.siteList.replaceChildren(
      ...sites.map((s) => {
        const problems = PROBLEM_STATUSES.filter((k) => s.status[k] > 0).map((k) =>
          t(`console.sites.problem.${k}`, { count: s.status[k] }),
        );
        return el(
          'li',
          {},
          el(
            'button',
            {
              type: 'button',
              class: `site${s.site === this.site ? ' selected' : ''}${s.status.fault || s.status.stale ? ' has-problems' : ''}`,
              'aria-current': s.site === this.site ? 'true' : undefined,
              dataset: { site: s.site },
              onclick: () => this.select(s.site),
            },
            el('span', { class: 'site-name', text: siteName(s.site) }),
            el('span', {
              class: 'site-meta',
              // The id under a configured name: it is what the topics and the journal filter use.
              text: [
                ...(siteName(s.site) === s.site ? [] : [s.site]),
                t('console.sites.sensors', { count: s.sensors }),
                ...problems,
              ].join(' · '),
            }),
          ),
        );
      }),
    );
    fillSiteSelect(document.querySelector('#journal-filters select[name=site]'), sites);
  }

  /** The language changed: rebuild what this panel wrote. */
  relabel() {
    if (this.sitesSeen) this.renderSites(this.sitesSeen);
    if (this.site !== null) this.setTitle();
    const rows = new Map();
    for (const [sensor, old] of this.rows) {
      const fresh = this.row(this.sensors.get(sensor));
      old.replaceWith(fresh);
      rows.set(sensor, fresh);
    }
    this.rows = rows;
    if (this.trend) this.caption(this.trend);
  }

  setTitle() {
    document.getElementById('site-title').textContent = t('console.sensors.titleAt', { site: siteName(this.site) });
  }

  async select(site) {
    const changed = site !== this.site;
    this.site = site;
    for (const b of this.siteList.querySelectorAll('button.site')) {
      const on = b.dataset.site === site;
      b.classList.toggle('selected', on);
      if (on) b.setAttribute('aria-current', 'true');
      else b.removeAttribute('aria-current');
    }
    this.setTitle();
    await this.loadSensors();
    this.sitesSoon(); // its status counts may be older than the sensors just read
    if (changed) this.onSiteChange?.(site);
  }

  async loadSensors() {
    if (this.site === null) return;
    const site = this.site;
    const list = await api.sensors(site);
    if (site !== this.site) return;
    // Rows are updated in place, so a periodic refresh keeps keyboard focus and the trend mark.
    const rows = new Map();
    for (const s of list) {
      const old = this.sensors.get(s.sensor);
      const tr = old && old.site === site ? this.rows.get(s.sensor) : undefined;
      if (tr) this.fill(tr, s);
      rows.set(s.sensor, tr ?? this.row(s));
    }
    this.sensors = new Map(list.map((s) => [s.sensor, s]));
    this.rows = rows;
    [...rows.values()].forEach((tr, i) => {
      if (this.tbody.rows[i] !== tr) this.tbody.insertBefore(tr, this.tbody.rows[i] ?? null);
    });
    while (this.tbody.rows.length > rows.size) this.tbody.lastElementChild.remove();
  }

  fill(tr, s) {
    const c = tr.cells_;
    const zone = zoneOf(s.site);
    c.value.textContent = s.value === null ? '—' : withUnit(s.value, null);
    c.updated.firstChild.dateTime = s.ts ?? '';
    c.updated.firstChild.title = formatTime(s.ts, zone);
    c.updated.firstChild.textContent = formatAge(s.ts, zone);
    if (tr.dataset.status !== s.status) {
      tr.dataset.status = s.status;
      c.status.replaceChildren(statusBadge(s.status));
    }
    fillCalibration(tr, c.calibration, s);
  }

  row(s) {
    const tr = el(
      'tr',
      { class: 'sensor', dataset: { sensor: s.sensor } },
      el(
        'td',
        {},
        el('button', {
          type: 'button',
          class: 'linklike',
          title: t('console.sensors.showTrend'),
          text: s.sensor,
          onclick: () => this.showTrend(s),
        }),
        // The configured name as written (Chinese or not), under the id the topics use.
        s.name ? el('span', { class: 'sensor-name', text: s.name }) : null,
      ),
      el('td', { text: s.asset ?? '' }),
      el('td', { text: kindLabel(s.kind) }),
      el('td', { class: 'num value' }),
      el('td', { text: s.unit ?? '' }),
      el('td', { class: 'age' }, el('time')),
      el('td', {}),
      el('td', { class: 'calibration' }),
    );
    tr.cells_ = { value: tr.cells[3], updated: tr.cells[5], status: tr.cells[6], calibration: tr.cells[7] };
    tr.classList.toggle('trended', this.trend?.site === s.site && this.trend?.sensor === s.sensor);
    this.fill(tr, s);
    return tr;
  }

  /** Coalesced readings from the event stream. */
  applyReadings(readings) {
    for (const r of readings) {
      if (r.site !== this.site) continue;
      const s = this.sensors.get(r.sensor);
      const tr = this.rows.get(r.sensor);
      if (!s || !tr) continue;
      s.value = r.value;
      s.ts = new Date(r.ts).toISOString();
      const status = statusOf(r);
      if (status !== s.status) this.sitesSoon();
      s.status = status;
      this.fill(tr, s);
      if (this.trend && this.trend.site === r.site && this.trend.sensor === r.sensor) this.appendTrend(r.ts, r.value);
    }
  }

  /** The site list's status counts, re-read shortly after a sensor changes status. */
  sitesSoon() {
    clearTimeout(this.sitesTimer);
    this.sitesTimer = setTimeout(() => void this.loadSites().catch(() => {}), 1000);
  }

  refreshAges() {
    for (const tr of this.rows.values()) {
      const t = tr.cells_.updated.firstChild;
      if (t.dateTime) t.textContent = formatAge(t.dateTime, zoneOf(this.site));
    }
  }

  async showTrend(s) {
    let data;
    try {
      data = await api.trend(s.site, s.sensor);
    } catch (err) {
      this.onError?.(t('console.trend.failed', { sensor: s.sensor, error: err.message }));
      return;
    }
    this.trend?.plot.destroy();
    const box = document.getElementById('trend-chart');
    const ts = data.ts.map((x) => x / 1000);
    // The setpoints as level lines over the readings: how close the gas is to an alarm.
    const setpoints = data.setpoints ?? [];
    const options = chartOptions(box, data.unit, zoneOf(s.site), setpoints);
    const trend = { site: s.site, sensor: s.sensor, unit: data.unit, ts, values: [...data.values], setpoints };
    trend.plot = new window.uPlot(options, seriesData(trend), box);
    this.trend = trend;
    this.caption(this.trend);
    for (const tr of this.rows.values()) tr.classList.toggle('trended', tr.dataset.sensor === s.sensor);
  }

  caption(trend) {
    document.getElementById('trend-title').textContent = trend.unit
      ? t('console.trend.titleUnit', { sensor: trend.sensor, unit: trend.unit })
      : t('console.trend.title', { sensor: trend.sensor });
    // The lines' legend, in words: colour is never the only carrier (and a screen reader reads it).
    const legend = document.getElementById('trend-setpoints');
    legend.replaceChildren(
      ...trend.setpoints.map((sp) =>
        el('span', {
          class: `sp sp-${sp.priority}`,
          'data-condition': sp.condition,
          text: `${conditionLabel({ condition: sp.condition, unit: trend.unit })} ${withUnit(sp.value, trend.unit)}`,
        }),
      ),
    );
    legend.hidden = trend.setpoints.length === 0;
  }

  appendTrend(tsMs, value) {
    const t = this.trend;
    t.ts.push(tsMs / 1000);
    t.values.push(value);
    const cutoff = (tsMs - HOUR) / 1000;
    while (t.ts.length > 0 && t.ts[0] < cutoff) {
      t.ts.shift();
      t.values.shift();
    }
    t.plot.setData(seriesData(t));
  }

  resize() {
    if (!this.trend) return;
    const box = document.getElementById('trend-chart');
    this.trend.plot.setSize({ width: box.clientWidth, height: box.clientHeight - 8 });
  }
}

/** The readings, then one constant series per setpoint. */
function seriesData(trend) {
  return [trend.ts, trend.values, ...trend.setpoints.map((sp) => trend.ts.map(() => sp.value))];
}

function chartOptions(box, unit, zone, setpoints) {
  const css = getComputedStyle(document.documentElement);
  const axis = { stroke: '#9aa7b4', grid: { stroke: '#27313b', width: 1 }, ticks: { stroke: '#27313b' } };
  // The site's clock, as every other time on the console.
  const hhmm = (s) => formatHourMinute(new Date(s * 1000), zone);
  return {
    width: box.clientWidth,
    height: Math.max(160, box.clientHeight - 8),
    legend: { show: false },
    cursor: { y: false },
    scales: { x: { time: true } },
    axes: [
      { ...axis, values: (_u, splits) => splits.map(hhmm) },
      { ...axis, label: unit ?? '', labelSize: 20, size: 56 },
    ],
    series: [
      {},
      { label: unit ?? t('console.trend.value'), stroke: '#4fc3f7', width: 2, points: { show: false } },
      ...setpoints.map((sp) => ({
        label: sp.condition,
        stroke: css.getPropertyValue(`--${sp.priority}`).trim() || '#9aa7b4',
        width: 1,
        dash: [6, 4],
        points: { show: false },
      })),
    ],
  };
}
