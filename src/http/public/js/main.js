// Console boot: who is logged in, the live event stream, and the wiring between the panels.
// Fail-safe display: a console that has lost its link says so loudly instead of showing old data
// as if it were current.

import { AlarmBoard } from './alarms.js';
import { ApiError, api, setCsrfToken } from './api.js';
import { openForm } from './dialogs.js';
import { formatClock, PRIORITY_ORDER, zoneOf } from './format.js';
import { HazardView } from './hazards.js';
import { initI18n, onLanguageChange, t } from './i18n.js';
import { Journal } from './journal.js';
import { KpiPage } from './kpis.js';
import { startRole } from './role.js';
import { SensorPanel } from './sensors.js';
import { Horn } from './sound.js';
import { Tabs } from './tabs.js';

let me = null; // { name, role, via, csrfToken }
let source = null;
let heartbeatMs = 10_000;
let lastBeat = 0;
/** Banners by key; each a function giving its text, so a language change re-renders it. */
const banners = new Map();

function banner(key, text, ttlMs) {
  if (text) banners.set(key, text);
  else banners.delete(key);
  renderBanners();
  if (text && ttlMs) setTimeout(() => banners.get(key) === text && banner(key, null), ttlMs);
}
function renderBanners() {
  const b = document.getElementById('banner');
  b.hidden = banners.size === 0;
  b.textContent = [...banners.values()].map((f) => f()).join(' — ');
}
/** `msg`: an error already in the console's language (a later language change leaves it as it was). */
const showError = (msg) => banner('error', () => msg, 10_000);

let linkKey = 'console.link.connecting';
/**
 * The link indicator. `lost` is said only when gaswatch cannot be reached or its stream went
 * silent; `login` (nobody logged in) is no connection problem and gets no "connection lost" banner.
 */
function setLink(state, key) {
  linkKey = key;
  const p = document.getElementById('link');
  p.dataset.state = state;
  document.getElementById('link-text').textContent = t(key);
  banner('link', state === 'lost' ? () => t('console.banner.lost') : null);
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
const panel = new SensorPanel({
  onSiteChange: () => {
    connect();
    tick(); // the clock shows the zone of the site on view
  },
  onSites: () => {
    board.authChanged();
    journal.render();
    hazards.setSites(panel.sitesSeen);
    hazards.relabel();
    kpis.setSites(panel.sitesSeen);
    tick();
  },
  onError: showError,
});
const journal = new Journal({ onError: showError });
const tabs = new Tabs({
  onSelect: (name) => {
    if (name === 'sites') panel.resize();
    kpis.show(name === 'kpis');
  },
});
const hazards = new HazardView({
  auth,
  onError: showError,
  // A daemon without a hazard register has neither view.
  onAvailable: (on) => {
    tabs.setAvailable('hazards', on);
    tabs.setAvailable('kpis', on);
    tabs.fromAddress();
  },
  onOpen: () => tabs.show('hazards', true),
});
const kpis = new KpiPage({ onError: showError });

function setMe(session) {
  me = session;
  setCsrfToken(session?.csrfToken ?? null);
  const who = document.getElementById('user');
  who.textContent = !me
    ? t('console.user.notLoggedIn')
    : me.via === 'anonymous'
      ? t('console.user.anonymous')
      : t('console.user.who', { name: me.name, role: t(`role.${me.role}`, { defaultValue: me.role }) });
  document.getElementById('login-open').hidden = Boolean(me && me.via !== 'anonymous');
  document.getElementById('logout').hidden = !me || me.via === 'anonymous';
  board.authChanged();
  hazards.relabel();
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
    showError(t('console.login.logoutFailed', { error: err.message }));
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
    await hazards.load();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return sessionEnded();
    showError(t('console.refreshFailed', { error: err.message }));
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
  setLink('connecting', 'console.link.connecting');
  es.addEventListener('hello', (m) => {
    heartbeatMs = JSON.parse(m.data).heartbeatMs ?? heartbeatMs;
    lastBeat = Date.now();
    setLink('live', 'console.link.live');
    void resync(); // events may have been missed while (re)connecting
  });
  es.addEventListener('heartbeat', () => {
    lastBeat = Date.now();
    if (document.getElementById('link').dataset.state !== 'live') setLink('live', 'console.link.live');
  });
  es.addEventListener('alarm', (m) => {
    const e = JSON.parse(m.data);
    board.apply(e);
    journal.add(e);
    if (e.type === 'raised' || e.type === 'realarmed') horn.rearm();
    if (e.alarm.condition === 'stale' || e.alarm.condition === 'fault') reloadSensorsSoon();
  });
  es.addEventListener('readings', (m) => panel.applyReadings(JSON.parse(m.data)));
  es.addEventListener('hazards', (m) => hazards.applyBatch(JSON.parse(m.data)));
  es.addEventListener('session-expired', () => sessionEnded());
  es.onerror = () => {
    if (es !== source) return;
    setLink('reconnecting', 'console.link.reconnecting');
    // A refused stream (401, 503) is not retried by the browser: find out why and retry ourselves.
    if (es.readyState === EventSource.CLOSED) setTimeout(() => es === source && void startLive(), 3000);
  };
}

function sessionEnded() {
  source?.close();
  source = null;
  setMe(null);
  setLink('login', 'console.link.loggedOut');
  banner('session', () => t('console.banner.sessionEnded'));
  void boot();
}

async function startLive() {
  let session;
  try {
    session = await api.session();
  } catch {
    setLink('lost', 'console.link.noConnection');
    setTimeout(() => void startLive(), 3000);
    return;
  }
  if (session.name === null) {
    setMe(null);
    setLink('login', 'console.link.notLoggedIn');
    if (!banners.has('session')) banner('session', () => t('console.banner.loginNeeded'));
    void login(t('console.login.why'));
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

/** Everything the console wrote, again in the new language (static texts are done by i18n.js). */
function relabel() {
  board.authChanged();
  panel.relabel();
  journal.relabel();
  if (panel.sitesSeen) {
    hazards.setSites(panel.sitesSeen);
    kpis.setSites(panel.sitesSeen);
  }
  kpis.relabel();
  setMe(me);
  setLink(document.getElementById('link').dataset.state, linkKey);
  renderBanners();
  tick();
}

// Watchdog: heartbeats arrive every heartbeatMs; three missed means the link is dead even if the socket is not.
setInterval(() => {
  const state = document.getElementById('link').dataset.state;
  if (state === 'live' && Date.now() - lastBeat > 3 * heartbeatMs) setLink('lost', 'console.link.noData');
}, 2000);

/** The clock of the site on view (its time zone, as every time shown for it). */
function tick() {
  const clock = document.getElementById('clock');
  const zone = zoneOf(panel.site);
  clock.textContent = formatClock(new Date(), zone);
  if (zone) clock.title = zone;
}

document.getElementById('login-open').addEventListener('click', () => void login());
document.getElementById('logout').addEventListener('click', () => void logout());
window.addEventListener('resize', () => panel.resize());

async function start() {
  await initI18n();
  startRole();
  onLanguageChange(relabel);
  // What the panels built before the language was known (the journal's event names).
  journal.relabel();
  setLink('connecting', 'console.link.connecting');
  setMe(null);
  tick();
  setInterval(tick, 1000);
  await boot();
}
void start();
