// The console's only way to the daemon: JSON over fetch, with the session's CSRF token on writes.
// The API answers in English (it is language-neutral); the operator reads the error by its code.

import { t } from './i18n.js';

let csrfToken = null;

export function setCsrfToken(token) {
  csrfToken = token;
}

export class ApiError extends Error {
  constructor(status, code, message, retryAfter = null) {
    super(explain(status, code, message, retryAfter));
    this.status = status;
    this.code = code;
    this.detail = message;
  }
}

const EXPLAINED = new Set([
  'network',
  'unauthorized',
  'csrf',
  'forbidden',
  'not_found',
  'invalid_state',
  'bad_request',
  'unavailable',
  'too_large',
  'internal',
  'two_person_rule',
  'condition_present',
]);

/** The operator's message for an API error, in the console's language. */
function explain(status, code, detail, retryAfter) {
  if (code === 'rate_limited')
    return retryAfter ? t('console.error.rate_limitedIn', { seconds: retryAfter }) : t('console.error.rate_limited');
  if (EXPLAINED.has(code)) return t(`console.error.${code}`, { detail });
  return t('console.error.other', { status, detail });
}

async function call(method, path, body) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError(0, 'network', '');
  }
  if (res.status === 204) return null;
  const data = await res.json().catch(() => null);
  if (!res.ok)
    throw new ApiError(res.status, data?.error ?? 'error', data?.message ?? '', res.headers.get('retry-after'));
  return data;
}

export const api = {
  session: () => call('GET', '/api/session'),
  login: (name, password) => call('POST', '/api/login', { name, password }),
  logout: () => call('POST', '/api/logout', {}),
  alarms: () => call('GET', '/api/alarms'),
  history: (q) => call('GET', `/api/alarms/history?${new URLSearchParams(q)}`),
  eventTypes: () => call('GET', '/api/alarms/event-types'),
  sites: () => call('GET', '/api/sites'),
  sensors: (site) => call('GET', `/api/sensors?site=${encodeURIComponent(site)}`),
  trend: (site, sensor) => call('GET', `/api/sensors/${encodeURIComponent(site)}/${encodeURIComponent(sensor)}/trend`),
  ack: (id, comment) => call('POST', `/api/alarms/${alarmPath(id)}/ack`, { comment }),
  shelve: (id, minutes, reason) => call('POST', `/api/alarms/${alarmPath(id)}/shelve`, { minutes, reason }),
  unshelve: (id) => call('POST', `/api/alarms/${alarmPath(id)}/unshelve`, {}),
  hazards: (q) => call('GET', `/api/hazards?${new URLSearchParams(q)}`),
  registerHazard: (h) => call('POST', '/api/hazards', h),
  /** `action`: rectify, verify or reopen; `id`: "site/H-n". */
  hazardCommand: (id, action, note) => call('POST', `/api/hazards/${alarmPath(id)}/${action}`, { note }),
  kpis: (q) => call('GET', `/api/kpis?${new URLSearchParams(q)}`),
};

function alarmPath(id) {
  return id.split('/').map(encodeURIComponent).join('/');
}
