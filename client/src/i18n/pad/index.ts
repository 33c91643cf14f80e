import { getLang, type Lang, type Params } from '../index.js';
import { enPad, type PadCatalogue, type PadKey } from './en.js';
import { ptPad } from './pt.js';
import { zhHansPad } from './zh-Hans.js';
import { zhHantPad } from './zh-Hant.js';

export type { PadKey };
const catalogues: Record<Lang, PadCatalogue> = { en: enPad, 'zh-Hans': zhHansPad, 'zh-Hant': zhHantPad, pt: ptPad };

/** The pad's strings in the interface language (its own catalogue, complete in every language). */
export function tp(key: PadKey, params?: Params): string {
  const template = catalogues[getLang()][key] ?? enPad[key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

export function padCatalogue(l: Lang): PadCatalogue {
  return catalogues[l];
}
