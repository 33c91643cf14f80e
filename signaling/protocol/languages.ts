import { z } from 'zod';

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
