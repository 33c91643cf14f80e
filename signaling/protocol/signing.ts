import { z } from 'zod';
import type { AuditEntryView, AuditVerification } from './api.js';
import type { CaseStatus, HearingRole } from './domain.js';

/**
 * The signing ceremony and judicial confirmation over HTTP (issue 5): request bodies (zod, strict) and response shapes,
 * shared by server and client. Routes: /api/signing/... and /api/court/... (see server/http/routes/signing.ts, court.ts).
 */

/** Who signs an agreement. A party signs as the party (slot `party:<partyId>`), staff as their role. */
export const SIGNER_ROLES = ['applicant', 'respondent', 'mediator', 'arbitrator'] as const;
export type SignerRole = (typeof SIGNER_ROLES)[number];

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'a lower-case hex SHA-256');
/** A PNG as a data URL; the server checks the bytes (magic, size, dimensions) too. */
export const MAX_SIGNATURE_PNG_BYTES = 60 * 1024;
const pngDataUrl = z
  .string()
  .max(Math.ceil((MAX_SIGNATURE_PNG_BYTES * 4) / 3) + 32)
  .regex(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/, 'a PNG image as a data URL');

/** Ask for a one-time code for this signer and this locked text. */
export const RequestOtpBody = z.strictObject({
  role: z.enum(SIGNER_ROLES),
  lockSeq: z.number().int().min(1),
  documentSha256: sha256Hex,
});
export type RequestOtpBody = z.infer<typeof RequestOtpBody>;

export const SignBody = z.strictObject({
  /** The role the signer means to sign for: refused when it is not theirs. */
  role: z.enum(SIGNER_ROLES),
  /** What the signer saw: refused when the agreement is no longer locked at exactly this text. */
  lockSeq: z.number().int().min(1),
  documentSha256: sha256Hex,
  otpId: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/),
  code: z.string().regex(/^\d{6}$/, 'six digits'),
  method: z.enum(['drawn', 'typed']),
  image: pngDataUrl,
  /** The typed name (method typed): shown under the image and kept in the record. */
  typedName: z.string().trim().min(1).max(100).optional(),
}).refine((b) => b.method !== 'typed' || !!b.typedName, { message: 'a typed signature needs the typed name', path: ['typedName'] });
export type SignBody = z.infer<typeof SignBody>;

/** The mediator decides before the first signature whether the arbitrator signs too (procedure with an arbitrator). */
export const SignerSetBody = z.strictObject({ lockSeq: z.number().int().min(1), arbitrator: z.boolean() });
export type SignerSetBody = z.infer<typeof SignerSetBody>;

export const ConfirmationRequestBody = z.strictObject({
  /** Optional note to the court. */
  note: z.string().trim().max(2000).optional(),
});
export type ConfirmationRequestBody = z.infer<typeof ConfirmationRequestBody>;

export const ConfirmBody = z.strictObject({ note: z.string().trim().max(4000).optional() });
export const RejectBody = z.strictObject({ reasons: z.string().trim().min(5).max(4000) });
export type RejectBody = z.infer<typeof RejectBody>;

// ---- responses ------------------------------------------------------------------------------

export interface SignatureView {
  id: string; slot: string; role: SignerRole; signerName: string; method: 'drawn' | 'typed'; signedAt: string;
  documentSha256: string; imageSha256: string;
  /** Only to staff reviewing the case (IP and user agent are personal data). */
  ip?: string; userAgent?: string;
  /** The image itself (data URL) for whoever may see the signed agreement. */
  image?: string;
}
export interface SignerSlotView {
  slot: string; role: SignerRole; name: string; signed: boolean; signature: SignatureView | null;
  /** True for the slot of whoever is asking. */
  mine: boolean;
}
export interface SignedDocumentView {
  id: string; kind: 'agreement' | 'performance_notice' | 'ruling'; sha256: string; bytes: number; createdAt: string;
  /** A short-lived URL for viewing (iframe) or downloading the PDF. */
  url: string;
}
export interface SigningStatusView {
  agreementId: string; caseId: string; caseNumber: string; caseStatus: CaseStatus; title: string;
  agreementStatus: 'drafting' | 'locked';
  /** The exact locked text and its SHA-256 (null while drafting). */
  lockSeq: number | null; text: string | null; sha256: string | null; lockedAt: string | null;
  slots: SignerSlotView[];
  arbitratorRequired: boolean;
  /** All signatures there and the organisation's seal applied. */
  effective: boolean; effectiveAt: string | null;
  /** Set when every signature is there but sealing failed (the mediator can retry). */
  sealError: string | null;
  documents: SignedDocumentView[];
  /** The signer asking (null for staff who do not sign, e.g. clerk or court). */
  me: { role: SignerRole; slot: string; name: string } | null;
  confirmation: ConfirmationSummaryView | null;
}
export interface OtpIssued {
  otpId: string; expiresAt: string; attemptsAllowed: number;
  /** Delivery through the case's contact channel; for the in-app channel the message (with the code) is here. */
  delivery: { channel: 'in_app'; message: string; code: string };
}
export interface SignResult { signature: SignatureView; status: SigningStatusView }

export type ConfirmationStatus = 'requested' | 'confirmed' | 'rejected';
export interface ConfirmationSummaryView {
  id: string; status: ConfirmationStatus; requestedAt: string; requestedBy: string; requestedRole: HearingRole | 'mediator';
  decidedAt: string | null; decidedBy: string | null; reasons: string | null; note: string | null;
  ruling: SignedDocumentView | null;
}
export interface CourtQueueItem {
  id: string; caseId: string; caseNumber: string; caseStatus: CaseStatus; status: ConfirmationStatus; requestedAt: string;
  applicants: string[]; respondents: string[]; title: string;
}
export interface IdentityCheckResult { role: string; participantId: string | null; ok: boolean; at: string; method: string }
export interface RecordingListItem { id: string; hearingId: string; startedAt: string | null; sha256: string; bytes: number | null }
export interface HearingRecordItem {
  hearingId: string; startsAt: string; status: string; chatMessages: number; chatSha256: string;
  /** The clerk's record (笔录) of the hearing, when one was kept: its status, version and SHA-256. */
  record: { status: string; version: number; sha256: string } | null;
}
export interface CourtPackageView {
  confirmation: ConfirmationSummaryView;
  caseId: string; caseNumber: string; caseStatus: CaseStatus; orgName: string; summary: string;
  parties: { side: string; name: string; idNumberMasked: string }[];
  agreement: { id: string; title: string; lockSeq: number; sha256: string; text: string };
  signatures: SignatureView[];
  documents: SignedDocumentView[];
  certificate: unknown;
  hearingRecord: HearingRecordItem[];
  recordings: RecordingListItem[];
  identityChecks: IdentityCheckResult[];
  audit: { entries: AuditEntryView[]; verification: AuditVerification };
}
