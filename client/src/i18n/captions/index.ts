import { getLang } from '../index.js';
import { captionsCatalogues, enCaptions, type CapKey } from './catalogues.js';

export type { CapKey };

export function tc(key: CapKey, params?: Record<string, string | number>): string {
  let s = captionsCatalogues[getLang()][key] ?? enCaptions[key];
  if (params) for (const [k, v] of Object.entries(params)) s = s.replace(`{${k}}`, String(v));
  return s;
}
