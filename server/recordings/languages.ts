import type { HearingService } from '../cases/hearings.js';
import { spokenLanguage, type SpokenLanguage } from '../../recordings/transcribe/registry.js';
import { AGREEMENT_LANGUAGES, type AgreementLanguage } from '../../signaling/protocol/pad.js';

/** The written languages of the case file (the hearing record's, as the agreement's). */
export const RECORD_LANGUAGES = AGREEMENT_LANGUAGES;
export type RecordLanguage = AgreementLanguage;

const CANTONESE_SITES: ReadonlySet<string> = new Set(['hong_kong', 'macau']);

/**
 * The case's default spoken language, from its home site: Cantonese in Hong Kong and Macau, Mandarin on the mainland
 * sites. What a track is transcribed in when neither its channel nor its participant names a language and
 * CONCORD_TRANSCRIBE_LANGUAGE does not either.
 */
export function caseSpokenLanguage(site: string): SpokenLanguage {
  return CANTONESE_SITES.has(site) ? 'yue' : 'cmn';
}

/** The case's written language for its hearing record: Traditional Chinese in Hong Kong and Macau, else Simplified. */
export function caseRecordLanguage(site: string): RecordLanguage {
  return CANTONESE_SITES.has(site) ? 'zh-Hant' : 'zh-Hans';
}

/** Each participant's spoken language in a hearing, where one is known (participant id -> language). */
export type ParticipantLanguages = (hearingId: string) => Promise<Map<string, SpokenLanguage>>;

/** Asked of the hearings service (the cases layer owns hearing participants); a participant without one names nothing. */
export function participantLanguages(hearings: Pick<HearingService, 'participants'>): ParticipantLanguages {
  return async (hearingId) => {
    const out = new Map<string, SpokenLanguage>();
    for (const row of await hearings.participants([hearingId])) {
      if (row.language) out.set(row.id, spokenLanguage(row.language));
    }
    return out;
  };
}
