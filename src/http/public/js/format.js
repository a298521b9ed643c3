// Small shared helpers: DOM building (text only, never HTML from data), times, numbers, labels.

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

const pad = (n) => String(n).padStart(2, '0');

/** Local time; the date too when not today. */
export function formatTime(iso, now = new Date()) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return d.toDateString() === now.toDateString()
    ? time
    : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}`;
}

export function formatClock(d) {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function formatAge(iso, now = Date.now()) {
  if (!iso) return 'never';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return formatTime(iso);
}

export function formatValue(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  const digits = a >= 1000 ? 0 : a >= 100 ? 1 : a >= 1 ? 2 : 3;
  return v.toFixed(digits);
}

export function withUnit(v, unit) {
  const s = formatValue(v);
  return s === '—' || !unit ? s : `${s} ${unit}`;
}

export const PRIORITY_ORDER = ['critical', 'high', 'medium', 'low'];
export const PRIORITY_LABEL = { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low' };

export const CONDITION_LABEL = {
  hihi: 'HiHi',
  hi: 'Hi',
  lo: 'Lo',
  lolo: 'LoLo',
  roc: 'Rate of change',
  fault: 'Sensor fault',
  stale: 'No data (stale)',
  flood: 'Alarm flood',
  system: 'System',
};

export const STATE_LABEL = {
  active_unacked: 'Unacknowledged',
  active_acked: 'Acknowledged',
  cleared_unacked: 'Cleared, unacknowledged',
  normal: 'Normal',
};

export const STATUS_LABEL = {
  ok: 'OK',
  stale: 'Stale',
  fault: 'Fault',
  maintenance: 'Maintenance',
  unconfigured: 'Unconfigured',
};

/** Priority as a shape and text beside its colour: never colour alone (ISA-101, colour-blind operators). */
export function priorityBadge(priority) {
  return el(
    'span',
    { class: `prio prio-${priority}` },
    el('span', { class: 'shape', 'aria-hidden': 'true' }),
    PRIORITY_LABEL[priority] ?? priority,
  );
}

export function statusBadge(status) {
  return el(
    'span',
    { class: `status status-${status}` },
    el('span', { class: 'sshape', 'aria-hidden': 'true' }),
    STATUS_LABEL[status] ?? status,
  );
}

export function describeAlarm(a) {
  return `${a.site} / ${a.sensor} — ${CONDITION_LABEL[a.condition] ?? a.condition}, ${PRIORITY_LABEL[a.priority] ?? a.priority}: ${a.message}`;
}
