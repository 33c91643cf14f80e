/**
 * Inputs and outputs of the documents layer (PDF rendering, organisation certificates, PAdES signing, verification).
 *
 * `LockedAgreement` repeats the shape of the Pad contract (server/pad/agreements.ts, helper PAD) structurally, so this
 * layer does not import the pad: anything with these fields renders.
 */

export type DocLanguage = 'zh-Hans' | 'zh-Hant' | 'en' | 'pt';

/** The locked agreement as the Pad contract defines it: `text` is NFC, LF, no trailing spaces, one final LF. */
export interface LockedAgreement {
  agreementId: string;
  caseId: string;
  title: string;
  language: DocLanguage;
  lockSeq: number;
  text: string;
  /** Hex SHA-256 of the UTF-8 bytes of `text`. */
  sha256: string;
  fields: Record<string, string>;
  lockedAt: string;
  lockedBy: string;
}

export interface CaseInfo {
  /** Case number, e.g. "GZ-2026-000123". */
  number: string;
  /** Organisation name in Chinese (or its own language) and in English. */
  orgName: string;
  orgNameEn: string;
  /** Site key (guangzhou, shenzhen, zhuhai, hong_kong, macau) or a free-text place; printed as given when unknown. */
  site: string;
}

/** A party or signer line of the party blocks: role is a hearing role (applicant, respondent, mediator, arbitrator, ...). */
export interface PartyLine {
  role: string;
  name: string;
  /** Optional extra line (representative, company registration, ...). */
  detail?: string;
}

/** One collected signature, drawn on the signature page. */
export interface SignatureBlock {
  role: string;
  name: string;
  /** ISO-8601 time the signer signed. */
  signedAt: string;
  method: 'drawn' | 'typed';
  /** PNG bytes of the drawn (or typed-and-rendered) signature. Without it the typed name is printed in the box. */
  png?: Uint8Array;
  /** Hex SHA-256 of `png` as recorded at signing; computed from `png` when missing. */
  imageSha256?: string;
  /** The agreement hash the signer confirmed (must equal the agreement's sha256; rendering refuses otherwise). */
  documentSha256: string;
}

/** One signing event of the certificate of completion (the audit record of a signature). */
export interface SigningEvent {
  role: string;
  name: string;
  at: string;
  ip: string;
  userAgent: string;
  documentSha256: string;
  imageSha256: string;
  method: 'drawn' | 'typed';
  /** How the identity was re-confirmed, e.g. "one-time code (in-app)". */
  identityCheck: string;
  /** Seq of the audit entry that recorded it, when known. */
  auditSeq?: number;
}

/** Certificate of completion: rendered as the PDF's last page and kept as JSON (`completionCertificateJson`). */
export interface CompletionCertificate {
  caseNumber: string;
  agreementId: string;
  agreementTitle: string;
  lockSeq: number;
  documentSha256: string;
  organisation: { name: string; nameEn: string };
  events: SigningEvent[];
  hashes: {
    /** Hash over the drafting history (e.g. the Yjs update log) at lock time. */
    draftingHistory: string;
    hearingRecord: string | null;
    recordings: { name: string; sha256: string }[];
    /** Audit chain of the case at sealing: last seq and its hash. */
    auditChainHead: { seq: number; hash: string };
  };
  /** When the certificate was made (sealing time). */
  sealedAt: string;
  language: DocLanguage;
}
