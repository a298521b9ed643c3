// Console boot: who is logged in, the live event stream, and the wiring between the panels.
// Fail-safe display: a console that has lost its link says so loudly instead of showing old data
// as if it were current.

import { AlarmBoard } from './alarms.js';
import { ApiError, api, setCsrfToken } from './api.js';
import { openForm } from './dialogs.js';
import { formatClock, PRIORITY_ORDER } from './format.js';
import { Journal } from './journal.js';
import { SensorPanel } from './sensors.js';
import { Horn } from './sound.js';

let me = null; // { name, role, via, csrfToken }
let source = null;
let heartbeatMs = 10_000;
let lastBeat = 0;
const banners = new Map();

function banner(key, text, ttlMs) {
  if (text) banners.set(key, text);
  else banners.delete(key);
  const b = document.getElementById('banner');
  b.hidden = banners.size === 0;
  b.textContent = [...banners.values()].join(' — ');
  if (text && ttlMs) setTimeout(() => banners.get(key) === text && banner(key, null), ttlMs);
}
const showError = (msg) => banner('error', msg, 10_000);

function setLink(state, text) {
  const p = document.getElementById('link');
  p.dataset.state = state;
  document.getElementById('link-text').textContent = text;
  banner('link', state === 'lost' ? 'Connection to gaswatch lost: alarms and values shown may be out of date' : null);
}

const auth = {
  canWrite() {
    if (!me || me.via === 'anonymous') return 'login';
    return me.role === 'operator' || me.role === 'admin' ? 'yes' : 'no';
  },
  login: (why) => login(why),
};

const horn = new Horn();
const board = new AlarmBoard({
  auth,
  onError: showError,
  onChange(all) {
    const sounding = all.filter((a) => a.state === 'active_unacked' && !a.shelved && !a.suppressed);
    horn.update(PRIORITY_ORDER.find((p) => sounding.some((a) => a.priority === p)) ?? null);
  },
});
const panel = new SensorPanel({ onSiteChange: () => connect(), onError: showError });
const journal = new Journal({ onError: showError });

function setMe(session) {
  me = session;
  setCsrfToken(session?.csrfToken ?? null);
  const who = document.getElementById('user');
  who.textContent = !me
    ? 'Not logged in'
    : me.via === 'anonymous'
      ? 'Viewing without login'
      : `${me.name} (${me.role})`;
  document.getElementById('login-open').hidden = Boolean(me && me.via !== 'anonymous');
  document.getElementById('logout').hidden = !me || me.via === 'anonymous';
  board.authChanged();
}

async function login(why) {
  const d = document.getElementById('login-dialog');
  const ok = await openForm(d, {
    prepare: () => {
      d.querySelector('#login-why').textContent = why ?? '';
    },
    submit: async (form) => setMe(await api.login(form.elements.name.value.trim(), form.elements.password.value)),
  });
  if (ok) {
    banner('session', null);
    source?.close(); // the stream was opened with the old credentials
    source = null;
    await startLive();
  }
  return ok;
}

async function logout() {
  try {
    await api.logout();
  } catch (err) {
    showError(`Log out: ${err.message}`);
  }
  source?.close();
  setMe(null);
  await boot();
}

async function resync() {
  try {
    board.replaceAll(await api.alarms());
    await panel.loadSites();
    await panel.loadSensors();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return sessionEnded();
    showError(`Refresh failed: ${err.message}`);
  }
}

let sensorsReload = null;
function reloadSensorsSoon() {
  clearTimeout(sensorsReload);
  sensorsReload = setTimeout(() => void panel.loadSites().then(() => panel.loadSensors()), 500);
}

function connect() {
  const q = panel.site ? `?site=${encodeURIComponent(panel.site)}` : '?readings=false';
  if (source && source.query === q && source.readyState !== EventSource.CLOSED) return;
  source?.close();
  const es = new EventSource(`/api/events${q}`);
  es.query = q;
  source = es;
  setLink('connecting', 'Connecting…');
  es.addEventListener('hello', (m) => {
    heartbeatMs = JSON.parse(m.data).heartbeatMs ?? heartbeatMs;
    lastBeat = Date.now();
    setLink('live', 'Live');
    void resync(); // events may have been missed while (re)connecting
  });
  es.addEventListener('heartbeat', () => {
    lastBeat = Date.now();
    if (document.getElementById('link').dataset.state !== 'live') setLink('live', 'Live');
  });
  es.addEventListener('alarm', (m) => {
    const e = JSON.parse(m.data);
    board.apply(e);
    journal.add(e);
    if (e.type === 'raised' || e.type === 'realarmed') horn.rearm();
    if (e.alarm.condition === 'stale' || e.alarm.condition === 'fault') reloadSensorsSoon();
  });
  es.addEventListener('readings', (m) => panel.applyReadings(JSON.parse(m.data)));
  es.addEventListener('session-expired', () => sessionEnded());
  es.onerror = () => {
    if (es !== source) return;
    setLink('reconnecting', 'Reconnecting…');
    // A refused stream (401, 503) is not retried by the browser: find out why and retry ourselves.
    if (es.readyState === EventSource.CLOSED) setTimeout(() => es === source && void startLive(), 3000);
  };
}

function sessionEnded() {
  source?.close();
  source = null;
  setMe(null);
  setLink('lost', 'Logged out');
  banner('session', 'Your session has ended: log in to keep this console live');
  void boot();
}

async function startLive() {
  let session;
  try {
    session = await api.session();
  } catch {
    setLink('lost', 'No connection');
    setTimeout(() => void startLive(), 3000);
    return;
  }
  if (session.name === null) {
    setMe(null);
    setLink('lost', 'Not logged in');
    if (!banners.has('session')) banner('session', 'Log in to see the alarms');
    void login('Log in to see the alarms.');
    return;
  }
  setMe(session);
  await resync();
  void journal.load();
  connect();
}

async function boot() {
  await startLive();
}

// Watchdog: heartbeats arrive every heartbeatMs; three missed means the link is dead even if the socket is not.
setInterval(() => {
  const state = document.getElementById('link').dataset.state;
  if (state === 'live' && Date.now() - lastBeat > 3 * heartbeatMs) setLink('lost', 'No data');
}, 2000);

function tick() {
  document.getElementById('clock').textContent = formatClock(new Date());
}
setInterval(tick, 1000);
tick();

function selectTab(tab) {
  for (const t of document.querySelectorAll('[role=tab]')) {
    const on = t === tab;
    t.setAttribute('aria-selected', String(on));
    t.tabIndex = on ? 0 : -1;
    document.getElementById(t.getAttribute('aria-controls')).hidden = !on;
  }
  if (tab.id === 'tab-sites') panel.resize();
}
const tabs = [...document.querySelectorAll('[role=tab]')];
for (const t of tabs) {
  t.addEventListener('click', () => selectTab(t));
  t.addEventListener('keydown', (ev) => {
    if (ev.key !== 'ArrowRight' && ev.key !== 'ArrowLeft') return;
    const next = tabs[(tabs.indexOf(t) + (ev.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
    selectTab(next);
    next.focus();
  });
}

document.getElementById('login-open').addEventListener('click', () => void login());
document.getElementById('logout').addEventListener('click', () => void logout());
window.addEventListener('resize', () => panel.resize());

void boot();
