import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../signaling/protocol/errors.js';
import { AUDIT_ACTIONS } from '../../signaling/protocol/audit.js';
import { detectLang, langOfTag, LANGS, pickLang, type Lang } from '../../client/src/i18n/detect.js';
import { en } from '../../client/src/i18n/en.js';
import { zhHans } from '../../client/src/i18n/zh-Hans.js';
import { zhHant } from '../../client/src/i18n/zh-Hant.js';
import { pt } from '../../client/src/i18n/pt.js';
import { enRoom } from '../../client/src/i18n/room/en.js';
import { zhHansRoom } from '../../client/src/i18n/room/zh-Hans.js';
import { zhHantRoom } from '../../client/src/i18n/room/zh-Hant.js';
import { ptRoom } from '../../client/src/i18n/room/pt.js';
import { enPad } from '../../client/src/i18n/pad/en.js';
import { zhHansPad } from '../../client/src/i18n/pad/zh-Hans.js';
import { zhHantPad } from '../../client/src/i18n/pad/zh-Hant.js';
import { ptPad } from '../../client/src/i18n/pad/pt.js';
import { enSigning } from '../../client/src/i18n/signing/en.js';
import { zhHansSigning } from '../../client/src/i18n/signing/zh-Hans.js';
import { zhHantSigning } from '../../client/src/i18n/signing/zh-Hant.js';
import { ptSigning } from '../../client/src/i18n/signing/pt.js';
import { recordingsCatalogues } from '../../client/src/i18n/recordings/catalogues.js';
import { privacyCatalogues } from '../../client/src/i18n/privacy/catalogues.js';
import { captionsCatalogues } from '../../client/src/i18n/captions/catalogues.js';
import { enAudit } from '../../client/src/i18n/audit/en.js';
import { zhHansAudit } from '../../client/src/i18n/audit/zh-Hans.js';
import { zhHantAudit } from '../../client/src/i18n/audit/zh-Hant.js';
import { ptAudit } from '../../client/src/i18n/audit/pt.js';

/**
 * Every interface catalogue, loaded as the app loads it (main includes documents; the room's are bundled with the room), checked against English:
 * no key missing or extra, nothing left in English, the same placeholders and markup. The types already make a
 * missing key a compile error; this also catches untranslated copies and broken placeholders, and prints the counts.
 */
type Strings = Readonly<Record<string, string>>;
const SECTIONS: Record<string, Record<Lang, Strings>> = {
  main: { en, 'zh-Hans': zhHans, 'zh-Hant': zhHant, pt },
  room: { en: enRoom, 'zh-Hans': zhHansRoom, 'zh-Hant': zhHantRoom, pt: ptRoom },
  pad: { en: enPad, 'zh-Hans': zhHansPad, 'zh-Hant': zhHantPad, pt: ptPad },
  signing: { en: enSigning, 'zh-Hans': zhHansSigning, 'zh-Hant': zhHantSigning, pt: ptSigning },
  recordings: recordingsCatalogues,
  privacy: privacyCatalogues,
  captions: captionsCatalogues,
  audit: { en: enAudit, 'zh-Hans': zhHansAudit, 'zh-Hant': zhHantAudit, pt: ptAudit },
};

/**
 * Values allowed to equal the English, by section, language and key: names, codes and units that are written the same.
 * (Values with no letters at all, such as "—" or "#", need no entry.)
 */
const SAME_AS_ENGLISH: Record<string, Partial<Record<Lang, readonly string[]>>> = {
  main: { pt: ['site.shenzhen', 'site.zhuhai', 'site.hong_kong', 'site.macau', 'audit.hash', 'hearing.minutes'] },
  recordings: { 'zh-Hans': ['rec.hash'], 'zh-Hant': ['rec.hash'], pt: ['rec.hash'] },
};

/** Simplified-only characters that have crept into Traditional text before (号, 户, 继, 没, 这, 们 …). */
const SIMPLIFIED_ONLY = /[号户继没这们为时会说对发让过还进间门问题无与开关录码证请确认调员议书签协网络视频账务机构级记审执数据传输删样来动处变实现线连链结经历从应该当几条见页读写显择选项设终态获载错误败将闭图钟报话语览击仅盖单独谈举两双边达听声备头摄风复]/u;

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const markup = (s: string) => [...s.matchAll(/<\/?[a-z][^>]*>/gi)].map((m) => m[0]).sort();
const hasLetters = (s: string) => /\p{L}/u.test(s.replace(/\{\w+\}/g, ''));

interface Report { keys: number; missing: string[]; extra: string[]; empty: string[]; untranslated: string[]; placeholders: string[]; markup: string[]; simplified: string[] }

function check(section: string, lang: Lang): Report {
  const ref = SECTIONS[section]!.en;
  const cat = SECTIONS[section]![lang];
  const allowed = new Set(SAME_AS_ENGLISH[section]?.[lang] ?? []);
  const r: Report = { keys: 0, missing: [], extra: [], empty: [], untranslated: [], placeholders: [], markup: [], simplified: [] };
  for (const [key, english] of Object.entries(ref)) {
    const v = cat[key];
    if (v === undefined) { r.missing.push(key); continue; }
    r.keys++;
    if (!v.trim()) r.empty.push(key);
    if (lang !== 'en' && v === english && hasLetters(v) && !allowed.has(key)) r.untranslated.push(`${key}: ${v}`);
    if (placeholders(v).join() !== placeholders(english).join()) r.placeholders.push(`${key}: ${placeholders(v).join() || '∅'} ≠ ${placeholders(english).join() || '∅'}`);
    if (markup(v).join() !== markup(english).join()) r.markup.push(key);
    if (lang === 'zh-Hant' && SIMPLIFIED_ONLY.test(v)) r.simplified.push(`${key}: ${v}`);
  }
  r.extra = Object.keys(cat).filter((k) => !(k in ref));
  for (const key of allowed) if (cat[key] !== ref[key]) r.untranslated.push(`${key}: allow-listed but translated, remove it from SAME_AS_ENGLISH`);
  return r;
}

describe('interface catalogues', () => {
  for (const section of Object.keys(SECTIONS)) {
    for (const lang of LANGS) {
      it(`${section} / ${lang}: every key, translated, same placeholders and markup`, () => {
        const r = check(section, lang);
        expect(r.missing, 'missing keys').toEqual([]);
        expect(r.extra, 'keys English does not have').toEqual([]);
        expect(r.empty, 'empty values').toEqual([]);
        expect(r.untranslated, 'values left in English').toEqual([]);
        expect(r.placeholders, 'placeholder sets differing from English').toEqual([]);
        expect(r.markup, 'markup differing from English').toEqual([]);
        expect(r.simplified, 'Simplified characters in Traditional text').toEqual([]);
      });
    }
  }

  it('reports the counts per language', () => {
    const rows = LANGS.map((lang) => {
      const rs = Object.keys(SECTIONS).map((s) => check(s, lang));
      const sum = (f: (r: Report) => number) => rs.reduce((n, r) => n + f(r), 0);
      return { lang, keys: sum((r) => r.keys), missing: sum((r) => r.missing.length), untranslated: sum((r) => r.untranslated.length) };
    });
    const total = Object.values(SECTIONS).reduce((n, s) => n + Object.keys(s.en).length, 0);
    console.log(`catalogues: ${total} keys in English\n` + rows.map((r) => `  ${r.lang.padEnd(8)} ${r.keys} keys, ${r.missing} missing, ${r.untranslated} untranslated`).join('\n'));
    for (const r of rows) expect(r).toEqual({ lang: r.lang, keys: total, missing: 0, untranslated: 0 });
  });

  it('has a message for every error code the client can show, in every language', () => {
    const codes = [...ERROR_CODES, 'NETWORK', 'BAD_RESPONSE'];
    for (const lang of LANGS) {
      const cat: Strings = SECTIONS.main![lang];
      const without = codes.filter((c) => !cat[`error.${c}`]?.trim());
      expect(without, `${lang}: error codes without a message`).toEqual([]);
    }
  });

  it('names every audit action the server writes, in every language, each differently', () => {
    const main = SECTIONS.audit!;
    for (const lang of LANGS) {
      const cat = main[lang];
      const label = (a: string) => cat[`audit.event.${a}`]?.trim() ?? '';
      expect(AUDIT_ACTIONS.filter((a) => !label(a)), `${lang}: audit actions without a label`).toEqual([]);
      expect(AUDIT_ACTIONS.filter((a) => label(a) === a), `${lang}: audit labels that are only the code`).toEqual([]);
      if (lang !== 'en') expect(AUDIT_ACTIONS.filter((a) => label(a) === main.en[`audit.event.${a}`]), `${lang}: audit labels left in English`).toEqual([]);
      const seen = new Map<string, string>();
      const clashes = AUDIT_ACTIONS.flatMap((a) => { const prev = seen.get(label(a)); seen.set(label(a), a); return prev ? [`${prev} / ${a}: ${label(a)}`] : []; });
      expect(clashes, `${lang}: two actions with the same words`).toEqual([]);
      const stale = Object.keys(cat).filter((k) => k.startsWith('audit.event.') && !(AUDIT_ACTIONS as readonly string[]).includes(k.slice('audit.event.'.length)));
      expect(stale, `${lang}: labels for actions the server does not write`).toEqual([]);
    }
  });
});

describe('detectLang', () => {
  it('gives Traditional Chinese for Hong Kong, Macau, Taiwan and any zh-Hant', () => {
    for (const tag of ['zh-HK', 'zh-MO', 'zh-TW', 'zh-Hant', 'zh-Hant-HK', 'zh-Hant-CN', 'zh_HK', 'ZH-hk', 'yue-HK']) expect(detectLang([tag]), tag).toBe('zh-Hant');
  });
  it('gives Simplified Chinese for zh, zh-CN, zh-SG and any zh-Hans, whatever the region', () => {
    for (const tag of ['zh', 'zh-CN', 'zh-SG', 'zh-Hans', 'zh-Hans-HK', 'zh-Hans-MO']) expect(detectLang([tag]), tag).toBe('zh-Hans');
  });
  it('gives Portuguese for any pt (the bug: a Portuguese browser opened in English)', () => {
    for (const tag of ['pt', 'pt-PT', 'pt-MO', 'pt-BR']) expect(detectLang([tag]), tag).toBe('pt');
  });
  it('gives English for en-* and for languages we do not have', () => {
    for (const tag of ['en', 'en-GB', 'en-HK', 'fr-FR', 'ja']) expect(detectLang([tag]), tag).toBe('en');
    expect(detectLang([])).toBe('en');
    expect(langOfTag('fr')).toBeNull();
  });
  it('takes the first of the browser’s languages that we have', () => {
    expect(detectLang(['fr-FR', 'pt-PT', 'en'])).toBe('pt');
    expect(detectLang(['de', 'zh-HK', 'en'])).toBe('zh-Hant');
    expect(detectLang(['en-US', 'zh-CN'])).toBe('en');
  });
  it('lets the stored choice (concord.lang) win over the browser, and ignores a stored value that is no language', () => {
    expect(pickLang('en', ['pt-PT'])).toBe('en');
    expect(pickLang('zh-Hant', ['zh-CN'])).toBe('zh-Hant');
    expect(pickLang('klingon', ['pt-PT'])).toBe('pt');
    expect(pickLang(null, ['zh-MO'])).toBe('zh-Hant');
  });
});
