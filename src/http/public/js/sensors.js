// Sites, their sensors with live values and status, and the last-hour trend of one sensor.
// Live values come from the event stream, which sends only the selected site's readings.

import { api } from './api.js';
import { el, formatAge, formatTime, statusBadge, STATUS_LABEL, withUnit } from './format.js';

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
  constructor({ onSiteChange, onError }) {
    this.onSiteChange = onSiteChange;
    this.onError = onError;
    this.site = null;
    this.sensors = new Map();
    this.rows = new Map();
    this.trend = null; // { site, sensor, unit, ts: [], values: [], plot }
    this.siteList = document.getElementById('site-list');
    this.tbody = document.querySelector('#sensor-table tbody');
    setInterval(() => this.refreshAges(), 5000);
  }

  async loadSites() {
    const sites = await api.sites();
    this.siteList.replaceChildren(
      ...sites.map((s) => {
        const problems = PROBLEM_STATUSES.filter((k) => s.status[k] > 0).map((k) => `${s.status[k]} ${STATUS_LABEL[k].toLowerCase()}`);
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
            el('span', { class: 'site-name', text: s.site }),
            el('span', { class: 'site-meta', text: [`${s.sensors} sensors`, ...problems].join(' · ') }),
          ),
        );
      }),
    );
    const select = document.querySelector('#journal-filters select[name=site]');
    const chosen = select.value;
    select.replaceChildren(el('option', { value: '', text: 'All sites' }), ...sites.map((s) => el('option', { text: s.site })));
    select.value = chosen;
    if (this.site === null && sites.length > 0) await this.select(sites[0].site);
    return sites;
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
    document.getElementById('site-title').textContent = `Sensors at ${site}`;
    await this.loadSensors();
    if (changed) this.onSiteChange?.(site);
  }

  async loadSensors() {
    if (this.site === null) return;
    const list = await api.sensors(this.site);
    this.sensors = new Map(list.map((s) => [s.sensor, s]));
    this.rows.clear();
    this.tbody.replaceChildren(
      ...list.map((s) => {
        const r = this.row(s);
        this.rows.set(s.sensor, r);
        return r;
      }),
    );
  }

  row(s) {
    const value = el('td', { class: 'num value', text: s.value === null ? '—' : withUnit(s.value, null) });
    const updated = el('td', { class: 'age' }, el('time', { datetime: s.ts ?? '', title: formatTime(s.ts), text: formatAge(s.ts) }));
    const status = el('td', {}, statusBadge(s.status));
    const tr = el(
      'tr',
      { class: `sensor status-row-${s.status}`, dataset: { sensor: s.sensor } },
      el('td', {}, el('button', { type: 'button', class: 'linklike', title: 'Show the last hour', text: s.sensor, onclick: () => this.showTrend(s) })),
      el('td', { text: s.asset ?? '' }),
      el('td', { text: s.kind ?? '' }),
      value,
      el('td', { text: s.unit ?? '' }),
      updated,
      status,
    );
    tr.cells_ = { value, updated, status };
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
      tr.cells_.value.textContent = withUnit(r.value, null);
      tr.cells_.updated.firstChild.dateTime = s.ts;
      tr.cells_.updated.firstChild.textContent = formatAge(s.ts);
      if (status !== s.status) {
        s.status = status;
        tr.className = `sensor status-row-${status}`;
        tr.cells_.status.replaceChildren(statusBadge(status));
      }
      if (this.trend && this.trend.site === r.site && this.trend.sensor === r.sensor) this.appendTrend(r.ts, r.value);
    }
  }

  refreshAges() {
    for (const tr of this.rows.values()) {
      const t = tr.cells_.updated.firstChild;
      if (t.dateTime) t.textContent = formatAge(t.dateTime);
    }
  }

  async showTrend(s) {
    const caption = document.getElementById('trend-title');
    let data;
    try {
      data = await api.trend(s.site, s.sensor);
    } catch (err) {
      this.onError?.(`Trend of ${s.sensor}: ${err.message}`);
      return;
    }
    this.trend?.plot.destroy();
    caption.textContent = `${s.sensor} — last hour${data.unit ? ` (${data.unit})` : ''}`;
    const box = document.getElementById('trend-chart');
    const ts = data.ts.map((t) => t / 1000);
    const plot = new window.uPlot(chartOptions(box, data.unit), [ts, data.values], box);
    this.trend = { site: s.site, sensor: s.sensor, ts, values: [...data.values], plot };
    for (const tr of this.rows.values()) tr.classList.toggle('trended', tr.dataset.sensor === s.sensor);
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
    t.plot.setData([t.ts, t.values]);
  }

  resize() {
    if (!this.trend) return;
    const box = document.getElementById('trend-chart');
    this.trend.plot.setSize({ width: box.clientWidth, height: box.clientHeight - 8 });
  }
}

function chartOptions(box, unit) {
  const axis = { stroke: '#9aa7b4', grid: { stroke: '#27313b', width: 1 }, ticks: { stroke: '#27313b' } };
  return {
    width: box.clientWidth,
    height: Math.max(160, box.clientHeight - 8),
    legend: { show: false },
    cursor: { y: false },
    scales: { x: { time: true } },
    axes: [axis, { ...axis, label: unit ?? '', labelSize: 20, size: 56 }],
    series: [{}, { label: unit ?? 'value', stroke: '#4fc3f7', width: 2, points: { show: false } }],
  };
}
