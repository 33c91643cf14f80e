import { useEffect, useState } from 'preact/hooks';
import { en, type Catalogue, type MessageKey } from './en.js';
import { zhHans } from './zh-Hans.js';
import { zhHant } from './zh-Hant.js';
import { pt } from './pt.js';
import { detectLang as detectFrom, isLang, pickLang, type Lang } from './detect.js';

export type { Catalogue, MessageKey } from './en.js';
export { LANGS, langOfTag, type Lang } from './detect.js';
/** Each language named in itself (not translated). */
export const LANG_NAMES: Record<Lang, string> = { 'zh-Hans': '简体中文', en: 'English', 'zh-Hant': '繁體中文', pt: 'Português' };

/** Every language complete (typed as Catalogue), so English never stands in for a missing translation. */
const catalogues: Record<Lang, Catalogue> = { 'zh-Hans': zhHans, en, 'zh-Hant': zhHant, pt };
const STORAGE_KEY = 'concord.lang';

/** The browser's preferred languages, most preferred first (navigator.languages is empty in some webviews). */
function browserLanguages(): readonly string[] {
  if (typeof navigator === 'undefined') return [];
  return navigator.languages?.length ? navigator.languages : navigator.language ? [navigator.language] : [];
}

/**
 * Default from the browser: the first of its languages we have (zh-HK / zh-MO / zh-TW / zh-Hant* Traditional,
 * other zh Simplified, pt-*, en-*), else English. See detect.ts.
 */
export function detectLang(languages: readonly string[] = browserLanguages()): Lang {
  return detectFrom(languages);
}

function initialLang(): Lang {
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(STORAGE_KEY);
  } catch {
    // storage unavailable
  }
  return pickLang(stored, browserLanguages());
}

let current: Lang = initialLang();
const listeners = new Set<(l: Lang) => void>();

export function getLang(): Lang {
  return current;
}

export function setLang(l: Lang): void {
  if (!isLang(l) || l === current) return;
  current = l;
  try {
    localStorage.setItem(STORAGE_KEY, l);
  } catch {
    // storage unavailable: the choice lasts for this page only
  }
  applyDocumentLang();
  for (const fn of listeners) fn(l);
}

export function applyDocumentLang(): void {
  if (typeof document !== 'undefined') document.documentElement.lang = current;
}

/** Re-render on language change. */
export function useLang(): Lang {
  const [lang, set] = useState(current);
  useEffect(() => {
    listeners.add(set);
    return () => {
      listeners.delete(set);
    };
  }, []);
  return lang;
}

export type Params = Record<string, string | number>;

export function t(key: MessageKey, params?: Params): string {
  const template = catalogues[current][key] ?? en[key] ?? key;
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/** A BCP 47 locale for Intl formatting: the browser's own regional variant when it matches the chosen language. */
export function intlLocale(): string {
  const nav = browserLanguages();
  const base = current.split('-')[0] ?? 'en';
  const regional = nav.find((l) => l.toLowerCase().startsWith(base));
  if (current === 'zh-Hans') return regional && /^zh-(cn|sg|hans)/i.test(regional) ? regional : 'zh-CN';
  if (current === 'zh-Hant') return regional && /^zh-(hk|mo|tw|hant)/i.test(regional) ? regional : 'zh-HK';
  return regional ?? current;
}

/** Test hook: the catalogue for a language, for completeness checks. */
export function catalogueFor(l: Lang): Catalogue {
  return catalogues[l];
}
