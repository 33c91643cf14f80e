import { getLang, type Lang, type Params } from '../i18n/index.js';
import { enSigning, type SigningCatalogue } from '../i18n/signing/en.js';
import { zhHansSigning } from '../i18n/signing/zh-Hans.js';
import { zhHantSigning } from '../i18n/signing/zh-Hant.js';
import { ptSigning } from '../i18n/signing/pt.js';

/**
 * Strings of the signing ceremony and the court's review, kept in their own catalogues (client/src/i18n/signing/) and
 * looked up in the language the app's switch chose (components re-render through useLang()). Every language is complete (SigningCatalogue).
 */
export type SignKey = keyof typeof enSigning;
const catalogues: Record<Lang, SigningCatalogue> = { en: enSigning, 'zh-Hans': zhHansSigning, 'zh-Hant': zhHantSigning, pt: ptSigning };

export function st(key: SignKey, params?: Params): string {
  const template = catalogues[getLang()][key] ?? enSigning[key] ?? key;
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}
