import { z } from 'zod';
import { AGREEMENT_LANGUAGES } from './pad.js';

/**
 * HTTP bodies of the hearing record (笔录) in the case file (routes of server/http/routes/recordings.ts); the server
 * validates with these and /api/openapi.json is generated from them.
 */
export const RecordLines = z.strictObject({
  lines: z.array(z.strictObject({ text: z.string().max(4000), atMs: z.number().int().min(0).max(86_400_000).optional() })).max(2000),
});
/** The clerk saves the record; `submit` sends it out for the parties' review. */
export const SaveRecordBody = RecordLines.extend({ submit: z.boolean().optional() });
/**
 * A draft of the hearing record from a recording's transcript (issue 17): `language` labels it (speaker roles, spoken
 * languages); default: the case's (Traditional Chinese in Hong Kong and Macau, Simplified elsewhere).
 */
export const RecordDraftQuery = z.strictObject({ language: z.enum(AGREEMENT_LANGUAGES).optional() });

/** A party confirms or objects to the version it read (its SHA-256). */
export const SignoffBody = z.strictObject({ decision: z.enum(['confirmed', 'objected']), comment: z.string().trim().max(2000).optional(), sha256: z.string().regex(/^[0-9a-f]{64}$/) });

/**
 * Confidential caucus material (issue 12). A caucus item is a caucus's recording (all recorded tracks of that caucus:
 * item id = the caucus id) or one chat message written inside a caucus (item id = the message id). It is released
 * only when the mediator who held the caucus and the party in it have both released it.
 */
export const ReleaseCaucusItemBody = z.strictObject({ note: z.string().trim().max(500).optional() });
export type CaucusItemKind = 'recording' | 'chat';
export type ReleaseSide = 'mediator' | 'party';
/** The facts an access decision about a caucus item needs (the policy's resource). */
export interface CaucusItemFacts {
  kind: 'caucus';
  itemKind: CaucusItemKind;
  itemId: string;
  caseId: string;
  caucusId: string;
  /** The mediator who held the caucus: participant id in that hearing and, for staff, the staff id. */
  heldBy: { participantId: string; staffId: string | null };
  /** The parties (and their representatives) who were in it: participant id, and the registered party when known. */
  parties: { participantId: string; partyId: string | null; role: string }[];
  /** Both sides released it. */
  released: boolean;
  releases: { side: ReleaseSide; by: string; at: string }[];
}
