// The words on screen: the English and Dutch catalogues, the current language, and `t` to look a
// message up. Components use `$t(key, params)`; every user-facing string lives in the JSON files.

import { derived, get, writable } from 'svelte/store';
import type { AppError, Language } from '../lib/api';
import { asAppError } from '../lib/api';
import en from './en.json';
import nl from './nl.json';

export type Locale = 'en' | 'nl';
export type Params = Record<string, string | number>;
type Catalogue = Record<string, string>;

export const catalogues: Record<Locale, Catalogue> = { en, nl };

/** The language the settings ask for, with "system" following the device (`nl-BE` → Dutch). */
export function resolveLocale(language: Language, deviceLanguage = deviceLocale()): Locale {
  if (language !== 'system') return language;
  return deviceLanguage.toLowerCase().startsWith('nl') ? 'nl' : 'en';
}

function deviceLocale(): string {
  return typeof navigator === 'undefined' ? 'en' : navigator.language || 'en';
}

/** Fills `{name}` placeholders; a placeholder without a value stays visible rather than vanishing. */
export function interpolate(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/**
 * The message for `key` in `locale`, falling back to English and then to the key itself. With a
 * numeric `count` the plural form `key.one` / `key.other` is chosen by the language's rules.
 */
export function translate(locale: Locale, key: string, params?: Params): string {
  const catalogue = catalogues[locale];
  let found = key;
  if (typeof params?.count === 'number' && !(key in catalogue)) {
    const form = `${key}.${new Intl.PluralRules(locale).select(params.count)}`;
    found = form in catalogue ? form : `${key}.other`;
  }
  const template = catalogue[found] ?? catalogues.en[found] ?? key;
  return interpolate(template, params);
}

export const locale = writable<Locale>(resolveLocale('system'));

/** `$t(key, params)` in components: re-renders when the language changes. */
export const t = derived(locale, ($locale) => (key: string, params?: Params) =>
  translate($locale, key, params),
);

export function setLanguage(language: Language): void {
  const chosen = resolveLocale(language);
  locale.set(chosen);
  if (typeof document !== 'undefined') document.documentElement.lang = chosen;
}

/**
 * The message for an error from Rust: `error.<code>`, or `error.<code>.detail` when Rust sent words
 * to quote and the catalogue has a message that quotes them; a general message for unknown codes.
 */
export function errorMessage(thrown: unknown): string {
  const error: AppError = asAppError(thrown);
  const current = get(locale);
  const catalogue = catalogues[current];
  const params = { detail: error.detail ?? '', code: error.code };
  const base = `error.${error.code}` in catalogue ? `error.${error.code}` : 'error.generic';
  const key = error.detail && `${base}.detail` in catalogue ? `${base}.detail` : base;
  return translate(current, key, params);
}

/** A time of day in the user's language, from Unix seconds. */
export function formatTime(unixSeconds: number, at: Locale = get(locale)): string {
  return new Intl.DateTimeFormat(at, { timeStyle: 'medium' }).format(new Date(unixSeconds * 1000));
}
