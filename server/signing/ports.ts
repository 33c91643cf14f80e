/**
 * What the signing ceremony needs from the drafting pad (PAD's AgreementService, server/pad/agreements.ts) and from the
 * document layer (DOC, server/documents/). Written against docs CONTRACTS.md; the wiring passes the real services, which
 * satisfy these shapes structurally, and `documents-adapter.ts` maps DOC's functions onto `DocumentPort`.
 */

export type AgreementLanguage = 'zh-Hans' | 'zh-Hant' | 'en' | 'pt';

export interface AgreementRow {
  id: string; caseId: string; title: string; kind: 'draft' | 'final'; language: AgreementLanguage; status: 'drafting' | 'locked';
  lockSeq: number; lockedSha256: string | null; lockedAt: string | null; lockedBy: string | null; createdAt: string; updatedAt: string;
}

export interface LockedAgreement {
  agreementId: string; caseId: string; title: string; language: AgreementLanguage; lockSeq: number;
  /** Canonical text: NFC, LF, exactly one final LF; sha256 is over its UTF-8 bytes. */
  text: string; sha256: string; fields: Record<string, string>; lockedAt: string; lockedBy: string;
}

export interface UnlockEvent { agreementId: string; caseId: string; lockSeq: number; by: string }

export interface AgreementSource {
  get(agreementId: string): Promise<AgreementRow | undefined>;
  listForCase(caseId: string): Promise<AgreementRow[]>;
  lockedContent(agreementId: string): Promise<LockedAgreement | null>;
  onUnlock(listener: (e: UnlockEvent) => Promise<void> | void): unknown;
}

/** One signer's signature as drawn into the PDF's signature page. */
export interface SignatureBlockInput {
  role: string; name: string; signedAt: string; method: 'drawn' | 'typed'; imagePng: Uint8Array; imageSha256: string;
  documentSha256: string; typedName: string | null;
}

/** `languages`: the case's document languages, first first (server/cases/languages.ts). */
export interface CaseInfo { number: string; orgName: string; orgNameEn: string; site: string; languages: AgreementLanguage[] }

/** The certificate of completion (its JSON twin is kept with the sealed agreement). */
export interface CompletionCertificateData {
  agreementId: string; title: string; caseNumber: string; organisation: string; lockSeq: number; documentSha256: string;
  signingEvents: {
    role: string; name: string; signedAt: string; ip: string; userAgent: string; method: 'drawn' | 'typed';
    imageSha256: string; documentSha256: string; auditSeq: number; auditHash: string;
  }[];
  draftingHistorySha256: string;
  hearingRecordSha256: string;
  recordings: { id: string; sha256: string }[];
  auditChainHead: { seq: number; hash: string };
  manifestSha256: string;
  sealedAt: string;
  /** Language of the certificate page's labels (the agreement's). */
  language?: AgreementLanguage;
  /** The case's languages: the page prints bilingual when two (takes precedence over `language`). */
  languages?: AgreementLanguage[];
}

export interface PerformanceNoticeInput {
  agreement: LockedAgreement; caseInfo: CaseInfo; parties: { role: string; name: string }[]; effectiveAt: string;
}

export interface RulingInput {
  caseInfo: CaseInfo; courtName: string; judgeName: string; agreement: LockedAgreement; agreementPdfSha256: string;
  parties: { role: string; name: string }[]; decidedAt: string; note: string | null; rulingNumber: string;
}

/** DOC's SigningCredentials (server/documents/certificates.ts), the fields this layer uses. */
export interface OrgCredentialsData { certPem: string; keyPem: string; chainPem: string[]; p12: Buffer; p12Password: string; certSha256: string; subjectName: string }

export interface DocumentPort {
  renderAgreement(input: { agreement: LockedAgreement; caseInfo: CaseInfo; parties: { role: string; name: string }[]; signatures: SignatureBlockInput[] }): Promise<Uint8Array>;
  appendCertificate(pdf: Uint8Array, cert: CompletionCertificateData): Promise<Uint8Array>;
  renderPerformanceNotice(input: PerformanceNoticeInput): Promise<Uint8Array>;
  renderRuling(input: RulingInput): Promise<Uint8Array>;
  credentials(orgId: string): Promise<OrgCredentialsData>;
  /** A one-signature certificate for a signer, issued by the organisation's CA (fresh key, never stored). */
  signerCredentials(orgId: string, signer: { name: string; role: string; caseNumber: string }): Promise<OrgCredentialsData>;
  /** PAdES signature (incremental when the PDF is already signed). */
  sign(pdf: Uint8Array, opts: { credentials: OrgCredentialsData; reason: string; name: string; location: string; contactInfo?: string; signingTime?: Date; visibleSeal?: boolean }): Promise<Uint8Array>;
}
