import { getLang } from '../index.js';
import { enRecordings, recordingsCatalogues, type RecKey } from './catalogues.js';

export type { RecKey };

export function tr(key: RecKey, params?: Record<string, string | number>): string {
  let s = recordingsCatalogues[getLang()][key] ?? enRecordings[key];
  if (params) for (const [k, v] of Object.entries(params)) s = s.replace(`{${k}}`, String(v));
  return s;
}
