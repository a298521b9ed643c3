// Small shared helpers: DOM building (text only, never HTML from data), times in each site's time
// zone formatted for the console's language (Intl), numbers, and the labels of the shared vocabulary.

import { formatLocale, t } from './i18n.js';

export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

// ------------------------------------------------------------------ sites: names and zones

/** site id → { name, timezone } from /api/sites; names are shown as configured, Chinese or not. */
const sites = new Map();
let defaultZone;

export function setSites(list) {
  for (const s of list) sites.set(s.site, { name: s.name ?? null, timezone: s.timezone });
  // Alarms of gaswatch itself (_gaswatch) and of sites not listed use the zone most sites have.
  const zones = list.map((s) => s.timezone).filter(Boolean);
  defaultZone = zones.sort((a, b) => zones.filter((z) => z === b).length - zones.filter((z) => z === a).length)[0];
}

/** The site's configured name, or its id. */
export const siteName = (id) => sites.get(id)?.name ?? id;

/** A site filter: "All sites", then the sites by name; the choice made is kept. */
export function fillSiteSelect(select, siteList) {
  const chosen = select.value;
  select.replaceChildren(
    el('option', { value: '', text: t('console.journal.allSites') }),
    ...siteList.map((s) => el('option', { value: s.site, text: siteName(s.site) })),
  );
  select.value = chosen;
}

/** The site's IANA time zone (undefined: the browser's until the sites are known). */
export const zoneOf = (id) => sites.get(id)?.timezone ?? defaultZone;

// ------------------------------------------------------------------ times

const formats = new Map();
function dtf(zone, kind) {
  const loc = formatLocale();
  const key = `${loc}|${zone ?? ''}|${kind}`;
  let f = formats.get(key);
  if (!f) {
    // Control rooms read a 24-hour clock in every language.
    const time = { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' };
    const date = { year: 'numeric', month: '2-digit', day: '2-digit' };
    const opts =
      kind === 'time'
        ? time
        : kind === 'date'
          ? date
          : kind === 'hm'
            ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
            : { ...date, ...time };
    f = new Intl.DateTimeFormat(loc, { ...opts, timeZone: zone });
    formats.set(key, f);
  }
  return f;
}

/** Time in `zone`; the date too when it is not today there. */
export function formatTime(iso, zone, now = new Date()) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  const day = dtf(zone, 'date');
  return day.format(d) === day.format(now) ? dtf(zone, 'time').format(d) : dtf(zone, 'full').format(d);
}

export const formatClock = (d, zone) => dtf(zone, 'full').format(d);

/** Date and time in `zone`, always with the date (deadlines, periods). */
export const formatDateTime = (iso, zone) => (iso ? dtf(zone, 'full').format(new Date(iso)) : '—');

/** The date alone in `zone` (calibration dates). */
export const formatDate = (iso, zone) => (iso ? dtf(zone, 'date').format(new Date(iso)) : '—');

/** A duration in the language's units, as the register writes them: "45 s", "3 h 5 min", "2 d 4 h". */
export function formatSpan(ms) {
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 60) return t('duration.seconds', { count: s });
  const min = Math.round(s / 60);
  if (min < 60) return t('duration.minutes', { count: min });
  const h = Math.floor(min / 60);
  if (h < 48)
    return min % 60 ? t('duration.hoursMinutes', { hours: h, minutes: min % 60 }) : t('duration.hours', { count: h });
  const d = Math.floor(h / 24);
  return h % 24 ? t('duration.daysHours', { days: d, hours: h % 24 }) : t('duration.days', { count: d });
}

/** "14:05" of a chart axis. */
export const formatHourMinute = (d, zone) => dtf(zone, 'hm').format(d);

/** The wall-clock fields (year … minute) of `at` in `zone`, as strings ("2026", "11", "28", "08", "00"). */
function wallParts(at, zone) {
  const key = `wall|${zone ?? ''}`;
  let f = formats.get(key);
  if (!f) {
    // en-US only for its digits: the fields are read by type, never shown.
    const two = '2-digit';
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: two,
      day: two,
      hour: two,
      minute: two,
    });
    formats.set(key, f);
  }
  return Object.fromEntries(f.formatToParts(new Date(at)).map((x) => [x.type, x.value]));
}

/** Epoch ms or ISO → "2026-11-28T08:00" as a wall-clock time in `zone`, for a datetime-local input. */
export function toWallTime(at, zone) {
  const p = wallParts(at, zone);
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

/** "2026-11-28T08:00" read as a wall-clock time in `zone` → epoch ms (with the zone's offset on that day). */
export function wallTimeToEpoch(local, zone) {
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)/.exec(local ?? '');
  if (!m) return Number.NaN;
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
  const offset = (at) => {
    const p = wallParts(at, zone);
    return Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute) - Math.floor(at / 60_000) * 60_000;
  };
  // Twice: the first guess may sit on the other side of a daylight-saving change.
  return wall - offset(wall - offset(wall));
}

export function formatAge(iso, zone, now = Date.now()) {
  if (!iso) return t('console.sensors.never');
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s >= 86400) return formatTime(iso, zone);
  const rtf = new Intl.RelativeTimeFormat(formatLocale(), { numeric: 'always', style: 'short' });
  if (s < 60) return rtf.format(-s, 'second');
  if (s < 3600) return rtf.format(-Math.floor(s / 60), 'minute');
  return rtf.format(-Math.floor(s / 3600), 'hour');
}

// ------------------------------------------------------------------ numbers

export function formatValue(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  const digits = a >= 1000 ? 0 : a >= 100 ? 1 : a >= 1 ? 2 : 3;
  return v.toFixed(digits);
}

/** A figure for reading, not for a unit: grouped, at most `digits` decimals, in the console's language. */
export function formatNumber(v, digits = 2) {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return new Intl.NumberFormat(formatLocale(), { maximumFractionDigits: digits }).format(v);
}

/** A share (0…1) as a percentage with one decimal. */
export function formatPercent(x) {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  return new Intl.NumberFormat(formatLocale(), { style: 'percent', maximumFractionDigits: 1 }).format(x);
}

export function withUnit(v, unit) {
  const s = formatValue(v);
  return s === '—' || !unit ? s : `${s} ${unit}`;
}

// ------------------------------------------------------------------ vocabulary

export const PRIORITY_ORDER = ['critical', 'high', 'medium', 'low'];

export const priorityLabel = (p) => t(`priority.${p}`, { defaultValue: p });
export const stateLabel = (s) => t(`state.${s}`, { defaultValue: s });
export const statusLabel = (s) => t(`status.${s}`, { defaultValue: s });
export const eventLabel = (type) => t(`event.${type}`, { defaultValue: type });
export const kindLabel = (k) => (k ? t(`kind.${k}`, { defaultValue: k }) : '');

/** Units only gas detectors have (SPEC §2): the config refuses them for any other kind. */
const GAS_UNITS = new Set(['ppm', '%LEL', '%vol', 'mg/m3']);

/**
 * A condition's name. Gas detectors speak GB/T 50493's first/second-level alarm (一级/二级报警)
 * for hi/hihi, other sensors the DCS limits (高限/高高限); the record's unit says which it is.
 */
export function conditionLabel(a) {
  const level = ['hihi', 'hi', 'lo', 'lolo'].includes(a.condition);
  const key = level && GAS_UNITS.has(a.unit) ? `conditionGas.${a.condition}` : `condition.${a.condition}`;
  return t(key, { defaultValue: a.condition });
}

/** Priority as a shape and text beside its colour: never colour alone (ISA-101, colour-blind operators). */
export function priorityBadge(priority) {
  return el(
    'span',
    { class: `prio prio-${priority}` },
    el('span', { class: 'shape', 'aria-hidden': 'true' }),
    priorityLabel(priority),
  );
}

export function statusBadge(status) {
  return el(
    'span',
    { class: `status status-${status}` },
    el('span', { class: 'sshape', 'aria-hidden': 'true' }),
    statusLabel(status),
  );
}

/** "Overdue" (a hazard's deadline, a sensor's calibration) as a shape and a word, not a colour alone. */
export function overdueBadge(text) {
  return el('span', { class: 'overdue-badge' }, el('span', { class: 'ovshape', 'aria-hidden': 'true' }), text);
}

export function describeAlarm(a) {
  return t('console.alarm.describe', {
    site: siteName(a.site),
    sensor: a.sensor,
    condition: conditionLabel(a),
    priority: priorityLabel(a.priority),
    message: a.message,
  });
}
