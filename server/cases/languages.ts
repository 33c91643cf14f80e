import { CaseLanguages, type CaseLanguage } from '../../signaling/protocol/languages.js';
import type { IdType, Site } from '../../signaling/protocol/domain.js';

/**
 * Which languages a case's documents are printed in (issue 17). Explicit on the case when staff chose them at
 * registration (`cases.languages`), otherwise derived from what the case already knows about where people come from:
 * - a Macau party (Macau identity card) or a case at the Macau site: Simplified Chinese and Portuguese;
 * - otherwise a Hong Kong party (Hong Kong identity card) or a case at the Hong Kong site: Traditional Chinese and English;
 * - otherwise Simplified Chinese alone.
 * Macau comes first when a case has both: Portuguese is the one language the other parties could not otherwise read.
 */
export function deriveCaseLanguages(site: Site, partyIdTypes: readonly IdType[]): CaseLanguage[] {
  if (site === 'macau' || partyIdTypes.includes('macau_id')) return ['zh-Hans', 'pt'];
  if (site === 'hong_kong' || partyIdTypes.includes('hk_id')) return ['zh-Hant', 'en'];
  return ['zh-Hans'];
}

/** The stored column (JSON or null) read back through the one schema; a value that does not parse counts as unset. */
export function storedCaseLanguages(json: string | null | undefined): CaseLanguage[] | null {
  if (!json) return null;
  try {
    const r = CaseLanguages.safeParse(JSON.parse(json));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}
