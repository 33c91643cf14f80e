import { z } from 'zod';
import type { IdType, Site } from './domain.js';

/**
 * The case's languages: the languages its generated documents (agreement frame, performance notice, ruling,
 * certificate of completion) are printed in, first language first. At most two: a bilingual frame. The four are the
 * interface's languages (and the agreement template's, signaling/protocol/pad.ts).
 */
export const CASE_LANGUAGES = ['zh-Hans', 'zh-Hant', 'en', 'pt'] as const;
export type CaseLanguage = (typeof CASE_LANGUAGES)[number];

export const CaseLanguages = z
  .array(z.enum(CASE_LANGUAGES))
  .min(1)
  .max(2)
  .refine((l) => new Set(l).size === l.length, { message: 'languages repeat' });
export type CaseLanguages = z.infer<typeof CaseLanguages>;

/**
 * Which languages a case's documents are printed in when staff did not choose them at registration (issue 17): derived
 * from what the case knows about where people come from. Here, in the protocol, so the server (server/cases/languages.ts)
 * and the new-case form (which shows what "automatic" would give) share one rule:
 * - a Macau party (Macau identity card) or a case at the Macau site: Simplified Chinese and Portuguese;
 * - otherwise a Hong Kong party (Hong Kong identity card) or a case at the Hong Kong site: Traditional Chinese and English;
 * - otherwise Simplified Chinese alone.
 * Macau comes first when a case has both: Portuguese is the one language the other parties could not otherwise read.
 * The site may be unknown to the form (no organisation site, none picked): the parties alone decide then.
 */
export function deriveCaseLanguages(site: Site | undefined, partyIdTypes: readonly IdType[]): CaseLanguage[] {
  if (site === 'macau' || partyIdTypes.includes('macau_id')) return ['zh-Hans', 'pt'];
  if (site === 'hong_kong' || partyIdTypes.includes('hk_id')) return ['zh-Hant', 'en'];
  return ['zh-Hans'];
}
