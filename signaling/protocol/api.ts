import { z } from 'zod';
import {
  CASE_STATUSES, CURRENCIES, DISPUTE_TYPES, HEARING_MODES, HEARING_ROLES, ID_TYPES, INTERPRETATION_MODES, PARTY_KINDS, PARTY_SIDES, SITES,
  SPOKEN_LANGUAGES, type CaseStatus, type Interpretation, type SpokenLanguage, type Currency, type DisputeType, type HearingMode, type HearingRole, type HearingStatus, type IdType,
  type OrgKind, type Panel, type PartyKind, type PartySide, type Site, type StaffRole,
} from './domain.js';
import { CaseLanguages, type CaseLanguage } from './languages.js';

/**
 * HTTP request bodies (validated by the server with these schemas, strict: unknown fields are refused)
 * and the shapes of the responses. The OpenAPI document at /api/openapi.json is generated from here.
 */

const text = (max: number) => z.string().trim().min(1).max(max);
/** A decimal money amount as a string, up to 2 decimals: kept exact, never a float. */
export const Amount = z.string().regex(/^(0|[1-9]\d{0,11})(\.\d{1,2})?$/, 'a decimal amount like 12000 or 12000.50');
export const IsoDateTime = z.iso.datetime({ offset: true });

export const LoginBody = z.strictObject({
  username: text(64),
  password: z.string().min(1).max(256),
});
export type LoginBody = z.infer<typeof LoginBody>;

/** Sign out (POST /api/auth/logout, answered 204) and sign out everywhere (POST /api/auth/logout-all): no fields. */
export const LogoutBody = z.strictObject({});
export type LogoutBody = z.infer<typeof LogoutBody>;
export const LogoutAllBody = z.strictObject({});
export type LogoutAllBody = z.infer<typeof LogoutAllBody>;
/** How many sessions of the account were ended (this one included). */
export interface LogoutAllResult { revoked: number }

export const PartyInput = z.strictObject({
  side: z.enum(PARTY_SIDES),
  kind: z.enum(PARTY_KINDS),
  name: text(200),
  idType: z.enum(ID_TYPES),
  idNumber: z.string().trim().min(4).max(40).regex(/^[A-Za-z0-9()\-]+$/, 'letters, digits, brackets and hyphens only'),
  phone: z.string().trim().regex(/^\+?[0-9 \-]{5,20}$/, 'a phone number').optional(),
  representative: text(200).optional(),
});
export type PartyInput = z.infer<typeof PartyInput>;

export const CreateCaseBody = z
  .strictObject({
    disputeTypes: z.array(z.enum(DISPUTE_TYPES)).min(1).max(DISPUTE_TYPES.length),
    claim: z.strictObject({ amount: Amount, currency: z.enum(CURRENCIES) }),
    summary: z.string().trim().max(4000).default(''),
    site: z.enum(SITES).optional(),
    parties: z.array(PartyInput).min(2).max(20),
    /** The languages of the case's documents; default: derived from the site and the parties (server/cases/languages.ts). */
    languages: CaseLanguages.optional(),
  })
  .refine((b) => new Set(b.disputeTypes).size === b.disputeTypes.length, { message: 'dispute types repeat', path: ['disputeTypes'] })
  .refine((b) => b.parties.some((p) => p.side === 'applicant') && b.parties.some((p) => p.side === 'respondent'), {
    message: 'a case needs at least one applicant and one respondent',
    path: ['parties'],
  });
export type CreateCaseBody = z.infer<typeof CreateCaseBody>;

export const CaseListQuery = z.strictObject({
  q: z.string().trim().max(100).optional(),
  status: z.enum(CASE_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type CaseListQuery = z.infer<typeof CaseListQuery>;

export const TransitionBody = z.strictObject({
  to: z.enum(CASE_STATUSES),
  reason: z.string().trim().max(2000).optional(),
});
export type TransitionBody = z.infer<typeof TransitionBody>;

/** A hearing participant's spoken language (issue 17): the transcripts and interpreter channels go by it. */
export const SpokenLanguageInput = z.enum(SPOKEN_LANGUAGES);
/**
 * An interpreter's assignment: a language pair (`from` the floor, `to` the channel they speak into), the mode
 * (simultaneous by default) and, optionally, the case party they serve (required for whispered mode).
 */
export const InterpretationInput = z
  .strictObject({
    from: SpokenLanguageInput,
    to: SpokenLanguageInput,
    mode: z.enum(INTERPRETATION_MODES).default('simultaneous'),
    servesPartyId: z.string().min(1).max(64).optional(),
  })
  .refine((i) => i.from !== i.to, { message: 'an interpreter works between two different languages', path: ['to'] })
  .refine((i) => i.mode !== 'whispered' || i.servesPartyId !== undefined, { message: 'whispered interpretation needs the party served', path: ['servesPartyId'] });
export type InterpretationInput = z.infer<typeof InterpretationInput>;

export const HearingParticipantInput = z.union([
  z.strictObject({ role: z.enum(['applicant', 'respondent']), partyId: z.string().min(1).max(64), language: SpokenLanguageInput.optional() }),
  z.strictObject({ role: z.enum(['mediator', 'arbitrator', 'clerk', 'court']), staffId: z.string().min(1).max(64), language: SpokenLanguageInput.optional() }),
  z
    .strictObject({
      role: z.enum(['interpreter', 'observer']),
      name: text(200),
      idNumber: z.string().trim().min(4).max(40).regex(/^[A-Za-z0-9()\-]+$/),
      language: SpokenLanguageInput.optional(),
      /** Interpreters only. */
      interpretation: InterpretationInput.optional(),
    })
    .refine((p) => p.role === 'interpreter' || p.interpretation === undefined, { message: 'only an interpreter has a language pair', path: ['interpretation'] }),
]);
export type HearingParticipantInput = z.infer<typeof HearingParticipantInput>;

export const ScheduleHearingBody = z.strictObject({
  startsAt: IsoDateTime,
  durationMinutes: z.number().int().min(15).max(8 * 60),
  site: z.enum(SITES),
  mode: z.enum(HEARING_MODES).default('online'),
  participants: z.array(HearingParticipantInput).min(1).max(30),
});
export type ScheduleHearingBody = z.infer<typeof ScheduleHearingBody>;

/**
 * Staff change a scheduled participant's spoken language, and an interpreter's assignment (null: none). A live
 * hearing picks the change up when it next opens; the mode can also be switched in the room (`interpretation.mode`).
 */
export const ParticipantLanguageBody = z.strictObject({
  language: SpokenLanguageInput.nullable(),
  interpretation: InterpretationInput.nullable().optional(),
});
export type ParticipantLanguageBody = z.infer<typeof ParticipantLanguageBody>;

export const IssueLinkBody = z.strictObject({
  participantId: z.string().min(1).max(64),
  expiresInHours: z.number().int().min(1).max(24 * 90).optional(),
});
export type IssueLinkBody = z.infer<typeof IssueLinkBody>;

export const RevokeLinkBody = z.strictObject({ reason: z.string().trim().max(500).optional() });
/** Clearing a link's identity-check lockout (the mediator, from the case page). */
export const ClearLinkLockoutBody = z.strictObject({ reason: z.string().trim().max(500).optional() });

/** The link token travels in the body, never in a query string that proxies log. */
export const InspectLinkBody = z.strictObject({ token: z.string().min(10).max(4096) });

export const VerifyIdentityBody = z.union([
  z.strictObject({ token: z.string().min(10).max(4096), name: text(200), idNumber: z.string().trim().min(4).max(40) }),
  z.strictObject({ token: z.string().min(10).max(4096), username: text(64), password: z.string().min(1).max(256) }),
  // Staff already signed in to Concord: the session in the Authorization header stands for the password.
  z.strictObject({ token: z.string().min(10).max(4096), signedIn: z.literal(true) }),
]);
export type VerifyIdentityBody = z.infer<typeof VerifyIdentityBody>;

// ---- responses ----------------------------------------------------------------------------

export interface StaffView {
  id: string; username: string; displayName: string; role: StaffRole; orgId: string; panel: Panel | null;
}
export interface OrganisationView { id: string; name: string; nameEn: string; site: Site; kind: OrgKind }
/**
 * What the account holder is told at sign-in: the account was locked after repeated wrong passwords. `attempts` counts
 * every failed attempt of that streak (wrong passwords and attempts refused while locked), `addresses` the distinct
 * network addresses they came from.
 */
export interface StaffNoticeView {
  id: string; kind: 'login.lockout'; createdAt: string; firstAt: string; lastAt: string; attempts: number; addresses: number; lockedUntil: string;
}
/** `notices`: lockout notices not shown before; each is handed over once. */
export interface LoginResult { token: string; expiresAt: string; staff: StaffView; notices: StaffNoticeView[] }

export interface PartyView {
  id: string; side: PartySide; kind: PartyKind; name: string; idType: IdType;
  /** Only the last 4 characters: the full number never leaves the server. */
  idNumberMasked: string; phoneMasked: string | null; representative: string | null;
}
export interface CaseSummaryView {
  id: string; number: string; status: CaseStatus; site: Site; orgId: string;
  disputeTypes: DisputeType[]; claim: { amount: string; currency: Currency };
  applicants: string[]; respondents: string[]; createdAt: string; updatedAt: string;
}
export interface HearingParticipantView {
  id: string; role: HearingRole; displayName: string; partyId: string | null; staffId: string | null;
  /** The spoken language (transcripts, channels); null when not set. */
  language: SpokenLanguage | null;
  /** An interpreter's language pair, mode and served party; null for everyone else. */
  interpretation: Interpretation | null;
}
export interface LinkView {
  id: string; participantId: string; role: HearingRole; displayName: string; url: string;
  expiresAt: string; revokedAt: string | null; verifiedAt: string | null; createdAt: string;
  status: 'active' | 'expired' | 'revoked';
  /** Failed identity checks in the current window (null when none): how many, from how many addresses, how many of
   * those addresses are refused now and until when. */
  lockout: LinkLockoutView | null;
}
export interface LinkLockoutView { failures: number; addresses: number; lockedAddresses: number; lockedUntil: string | null }
export interface HearingView {
  id: string; caseId: string; startsAt: string; durationMinutes: number; site: Site; mode: HearingMode; status: HearingStatus;
  participants: HearingParticipantView[]; links: LinkView[];
}
export interface CaseView extends CaseSummaryView {
  summary: string; parties: PartyView[]; hearings: HearingView[]; allowedTransitions: CaseStatus[];
  /** The languages of the case's documents, first first: chosen at registration or derived (server/cases/languages.ts). */
  languages: CaseLanguage[];
}
export interface CaseListResult { items: CaseSummaryView[]; total: number }

export interface AuditEntryView {
  seq: number; at: string; actor: string; action: string; data: unknown; prevHash: string; hash: string;
}
export interface AuditVerification {
  ok: boolean; checked: number; headSeq: number; headHash: string | null;
  firstBroken: { seq: number; reason: string } | null;
}
export interface AuditTrail { entries: AuditEntryView[]; verification: AuditVerification }

export interface LinkInspection {
  caseNumber: string; role: HearingRole; displayName: string; expiresAt: string;
  hearing: { id: string; startsAt: string; site: Site; status: HearingStatus };
  /** Which identity data the join page asks for. */
  identityCheck: 'party' | 'staff';
}
export interface ParticipantSession {
  token: string; expiresAt: string;
  participant: { id: string; role: HearingRole; displayName: string };
  caseNumber: string;
  hearing: { id: string; startsAt: string; durationMinutes: number; site: Site; status: HearingStatus };
}
export interface MetaView {
  sites: readonly Site[]; disputeTypes: readonly DisputeType[]; currencies: readonly Currency[];
  caseStatuses: readonly CaseStatus[]; hearingRoles: readonly HearingRole[];
}
export { CASE_STATUSES, HEARING_ROLES };
