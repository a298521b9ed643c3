/**
 * The languages gaswatch speaks (SPEC §8): one i18next catalogue per language in `locales/`, read
 * by the daemon for alarm messages, notifications and reports, and served as is to the console
 * (`/locales/{lng}.json`), so a term is chosen once for both. Plurals (`key_one`/`key_other`, by
 * Intl.PluralRules) and interpolation (`{{name}}`) are i18next's, never string concatenation.
 *
 * The catalogues are plain data loaded once; `translator(locale)` is a pure lookup after that.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInstance, type i18n } from 'i18next';
import { packageRoot } from '../http/public-dir.js';

export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

/** A translation function fixed to one language. Unknown keys come back as the key (and fail the catalogue test). */
export type Translate = (key: string, vars?: Record<string, unknown>) => string;

/** Where the catalogues are: `src/i18n/locales` of the package, as the console's static files are. */
export function localesDir(): string {
  return path.join(packageRoot(), 'src', 'i18n', 'locales');
}

export function readCatalogue(locale: Locale, dir = localesDir()): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(dir, `${locale}.json`), 'utf8')) as Record<string, unknown>;
}

let shared: i18n | undefined;

function instance(): i18n {
  if (shared) return shared;
  const inst = createInstance();
  void inst.init({
    resources: Object.fromEntries(LOCALES.map((l) => [l, { translation: readCatalogue(l) }])),
    lng: DEFAULT_LOCALE,
    fallbackLng: DEFAULT_LOCALE,
    supportedLngs: [...LOCALES],
    // Synchronous: the resources are given, and callers need a translator at once.
    initAsync: false,
    // Texts go to plain text, markdown (escaped by the renderer) and JSON — never into HTML here.
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  shared = inst;
  return inst;
}

const cache = new Map<Locale, Translate>();

export function translator(locale: Locale = DEFAULT_LOCALE): Translate {
  let t = cache.get(locale);
  if (!t) {
    const fixed = instance().getFixedT(locale);
    t = (key, vars) => String(fixed(key, vars as never));
    cache.set(locale, t);
  }
  return t;
}

/** Is `unit` one only gas sensors have (SPEC §2)? Config refuses these units for other kinds. */
export function isGasUnit(unit: string | null | undefined): boolean {
  return unit === 'ppm' || unit === '%LEL' || unit === '%vol' || unit === 'mg/m3';
}

/**
 * A condition's name. Gas detectors speak GB/T 50493-2019's first/second-level alarm (一级/二级报警)
 * for hi/hihi; everything else the DCS limits (高限/高高限/低限/低低限). In English both are Hi/HiHi.
 */
export function conditionName(t: Translate, condition: string, gas: boolean): string {
  const level = condition === 'hihi' || condition === 'hi' || condition === 'lo' || condition === 'lolo';
  return t(level && gas ? `conditionGas.${condition}` : `condition.${condition}`, { defaultValue: condition });
}

/** A duration as the config writes it (1m, 30s), in the language's units: "1m" / "1分钟". */
export function formatSpan(t: Translate, ms: number): string {
  if (ms % 3_600_000 === 0 && ms > 0) return t('duration.h', { count: ms / 3_600_000 });
  if (ms % 60_000 === 0 && ms > 0) return t('duration.m', { count: ms / 60_000 });
  if (ms % 1000 === 0) return t('duration.s', { count: ms / 1000 });
  return t('duration.ms', { count: ms });
}

/** Minutes, or hours and minutes from two hours on: "5 min", "2 h 10 min". */
export function formatMinutes(t: Translate, ms: number): string {
  const min = Math.round(ms / 60_000);
  return min < 120
    ? t('duration.minutes', { count: min })
    : t('duration.hoursMinutes', { hours: Math.floor(min / 60), minutes: min % 60 });
}
