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
  /**
   * The case's languages, first first (server/cases/languages.ts): the frame of every document (headings, labels,
   * parties' block, footer) prints in each; two make it bilingual. Default: the agreement's language.
   */
  languages?: readonly DocLanguage[];
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
  imagePng?: Uint8Array;
  /** Hex SHA-256 of `imagePng` as recorded at signing; rendering refuses a block whose image does not match it. */
  imageSha256?: string;
  /** The agreement hash the signer confirmed; rendering refuses a block whose hash is not the agreement's sha256. */
  documentSha256: string;
  /** The typed name of a typed signature. */
  typedName?: string | null;
}

/** One signing event of the certificate of completion (the audit record of a signature). */
export interface SigningEvent {
  role: string;
  name: string;
  signedAt: string;
  ip: string;
  userAgent: string;
  method: 'drawn' | 'typed';
  imageSha256: string;
  documentSha256: string;
  /** Seq and hash of the audit entry that recorded it. */
  auditSeq: number;
  auditHash: string;
  /** How the identity was re-confirmed, e.g. "one-time code (in-app)"; printed when given. */
  identityCheck?: string;
}

/** Certificate of completion: rendered as the PDF's last page and kept as JSON (`completionCertificateJson`). */
export interface CompletionCertificate {
  agreementId: string;
  title: string;
  caseNumber: string;
  /** Organisation name as printed. */
  organisation: string;
  lockSeq: number;
  documentSha256: string;
  signingEvents: SigningEvent[];
  /** Hash over the drafting history (e.g. the pad's update log) at lock time. */
  draftingHistorySha256: string;
  hearingRecordSha256: string | null;
  recordings: { id: string; sha256: string; name?: string }[];
  /** Audit chain of the case at sealing: last seq and its hash. */
  auditChainHead: { seq: number; hash: string };
  /** Hash of a signed signature manifest, when the caller keeps one. */
  manifestSha256?: string;
  sealedAt: string;
  /** Language of the page's labels (default zh-Hans). */
  language?: DocLanguage;
  /** The case's languages, first first: a bilingual page when two (takes precedence over `language`). */
  languages?: readonly DocLanguage[];
}
