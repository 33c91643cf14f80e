import { useEffect, useState } from 'preact/hooks';
import { en } from './en.js';
import { zhHans } from './zh-Hans.js';
import { zhHant } from './zh-Hant.js';
import { pt } from './pt.js';

export type MessageKey = keyof typeof en;
/** A complete catalogue: a missing key is a compile error. */
export type Catalogue = Record<MessageKey, string>;

export const LANGS = ['zh-Hans', 'en', 'zh-Hant', 'pt'] as const;
export type Lang = (typeof LANGS)[number];
/** Each language named in itself (not translated). */
export const LANG_NAMES: Record<Lang, string> = { 'zh-Hans': '简体中文', en: 'English', 'zh-Hant': '繁體中文', pt: 'Português' };

/** Every language complete (typed as Catalogue), so English never stands in for a missing translation. */
const catalogues: Record<Lang, Catalogue> = { 'zh-Hans': zhHans, en, 'zh-Hant': zhHant, pt };
const STORAGE_KEY = 'concord.lang';

function isLang(v: unknown): v is Lang {
  return typeof v === 'string' && (LANGS as readonly string[]).includes(v);
}

/** Default: Chinese when the browser language starts with zh (Traditional for HK / Macau / Taiwan), else English. */
export function detectLang(languages: readonly string[] = typeof navigator === 'undefined' ? [] : navigator.languages ?? [navigator.language]): Lang {
  const first = (languages[0] ?? 'en').toLowerCase();
  if (first.startsWith('zh')) return /^zh-(hant|hk|mo|tw)/.test(first) ? 'zh-Hant' : 'zh-Hans';
  return 'en';
}

function initialLang(): Lang {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (isLang(stored)) return stored;
  } catch {
    // storage unavailable
  }
  return detectLang();
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
  const nav = typeof navigator === 'undefined' ? [] : (navigator.languages ?? [navigator.language]);
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
