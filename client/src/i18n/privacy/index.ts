import { getLang } from '../index.js';
import { enPrivacy, privacyCatalogues, type PrivacyKey } from './catalogues.js';

export type { PrivacyKey };

export function tp(key: PrivacyKey, params?: Record<string, string | number>): string {
  let s = privacyCatalogues[getLang()][key] ?? enPrivacy[key];
  if (params) for (const [k, v] of Object.entries(params)) s = s.replace(`{${k}}`, String(v));
  return s;
}
