// The console's language (SPEC §8): Simplified Chinese or English, from the browser's languages
// unless the operator picked one (remembered in this browser). Texts come from the daemon's own
// catalogues (/locales/{lng}.json, the files alarm messages and notifications are written from),
// through i18next, served locally like every other script (CSP script-src 'self').
//
// Static text in index.html names its key: data-i18n="key" sets the text, data-i18n-count a plural
// count, data-i18n-attr="aria-label:key;title:key" attributes. Code calls t(key, vars).

import i18next from '../vendor/i18next.js';

export const LANGUAGES = ['en', 'zh-CN'];
const STORAGE_KEY = 'gaswatch.language';
const listeners = new Set();

export const t = (key, vars) => i18next.t(key, vars);

/** The language in use: 'en' or 'zh-CN'. */
export const language = () => i18next.language;

/**
 * The locale dates and numbers are formatted for: the browser's own variant of the language in use
 * when it has one (en-GB writes 28/11/2026), else the language itself.
 */
export function formatLocale() {
  const lng = language() ?? 'en';
  const base = lng.split('-')[0];
  return (navigator.languages ?? []).find((l) => l === lng || l.split('-')[0] === base) ?? lng;
}

function remembered() {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return LANGUAGES.includes(v) ? v : null;
  } catch {
    return null; // storage disabled: the browser's language it is
  }
}

async function load(lng) {
  if (i18next.hasResourceBundle(lng, 'translation')) return;
  const res = await fetch(`/locales/${lng}.json`, { credentials: 'same-origin' });
  if (!res.ok) throw new Error(`${res.status} ${res.url}`);
  i18next.addResourceBundle(lng, 'translation', await res.json());
}

export async function initI18n() {
  await i18next.init({
    supportedLngs: LANGUAGES,
    fallbackLng: 'en',
    // Every text goes through textContent or setAttribute, never innerHTML.
    interpolation: { escapeValue: false },
    resources: {},
    partialBundledLanguages: true,
    returnNull: false,
  });
  // i18next picks the best of the browser's list: zh, zh-TW, zh-Hans-CN all find zh-CN.
  const wanted = remembered() ?? i18next.services.languageUtils.getBestMatchFromCodes([...navigator.languages]);
  await use(wanted);
  const select = document.getElementById('language');
  select.addEventListener('change', () => void chooseLanguage(select.value));
}

/** The operator's choice: applied at once and remembered in this browser. */
export async function chooseLanguage(lng) {
  if (!LANGUAGES.includes(lng)) return;
  try {
    localStorage.setItem(STORAGE_KEY, lng);
  } catch {
    // not remembered, still applied
  }
  await use(lng);
}

async function use(lng) {
  await load('en'); // the fallback, should a key ever be missing
  await load(lng);
  await i18next.changeLanguage(lng);
  document.documentElement.lang = lng;
  document.getElementById('language').value = lng;
  translateDom(document);
  for (const fn of listeners) fn(lng);
}

/** Called after every language change (not at the first one: callers render after init). */
export function onLanguageChange(fn) {
  listeners.add(fn);
}

export function translateDom(root) {
  for (const node of root.querySelectorAll('[data-i18n]')) {
    const count = node.dataset.i18nCount;
    node.textContent = t(node.dataset.i18n, count === undefined ? undefined : { count: Number(count) });
  }
  for (const node of root.querySelectorAll('[data-i18n-attr]'))
    for (const pair of node.dataset.i18nAttr.split(';')) {
      const [attr, key] = pair.split(':');
      node.setAttribute(attr, t(key));
    }
}
