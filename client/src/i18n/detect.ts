/**
 * The interface languages and the choice of one from the browser's preferences. No DOM here: index.ts passes
 * navigator.languages in, and the unit test calls it directly.
 */
export const LANGS = ['zh-Hans', 'en', 'zh-Hant', 'pt'] as const;
export type Lang = (typeof LANGS)[number];

export function isLang(v: unknown): v is Lang {
  return typeof v === 'string' && (LANGS as readonly string[]).includes(v);
}

/**
 * One BCP 47 tag to one of our languages, or null when we have none for it.
 * Chinese: an explicit script subtag decides (zh-Hans-HK is Simplified, zh-Hant-CN Traditional); without one,
 * Hong Kong, Macau and Taiwan (and Cantonese, yue) read Traditional and everything else (zh, zh-CN, zh-SG) Simplified.
 */
export function langOfTag(tag: string): Lang | null {
  const parts = tag.trim().toLowerCase().replace(/_/g, '-').split('-');
  const primary = parts[0] ?? '';
  const rest = parts.slice(1);
  if (primary === 'zh' || primary === 'yue') {
    if (rest.includes('hant')) return 'zh-Hant';
    if (rest.includes('hans')) return 'zh-Hans';
    if (primary === 'yue' || rest.some((p) => p === 'hk' || p === 'mo' || p === 'tw')) return 'zh-Hant';
    return 'zh-Hans';
  }
  if (primary === 'pt') return 'pt';
  if (primary === 'en') return 'en';
  return null;
}

/** The first of the browser's languages (in its order of preference) that we have; English when none is. */
export function detectLang(languages: readonly string[]): Lang {
  for (const tag of languages) {
    const l = langOfTag(tag);
    if (l) return l;
  }
  return 'en';
}

/** The stored choice wins over the browser's languages; anything else in storage is ignored. */
export function pickLang(stored: string | null | undefined, languages: readonly string[]): Lang {
  return isLang(stored) ? stored : detectLang(languages);
}
