import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { AuditLog } from '../cases/audit.js';
import { OrgCredentialStore } from './certificates.js';
import { verifyPdf, type VerifyReport } from './verify.js';

export { OrgCredentialStore, certSha256, type OrgCredentials, type SigningCredentials } from './certificates.js';
export { signPdf, cmsSign, CadesSigner, type SignPdfOptions, type SubFilter } from './pades.js';
export {
  renderAgreementPdf, renderPerformanceNotice, renderRulingPdf, appendCompletionCertificate, completionCertificateJson, printedTime,
  type AgreementPdfInput, type PerformanceNoticeInput, type RulingPdfInput,
} from './pdf.js';
export { verifyPdf, type VerifyReport, type SignatureReport, type ChangesAfter, type CertificateInfo, type VerifyOptions } from './verify.js';
export type * from './types.js';

export { MAX_VERIFY_BYTES } from '../../signaling/protocol/verify.js';

/** The documents layer as a service: organisation credentials, and verification against our organisations' CAs. */
export class DocumentService {
  readonly credentials: OrgCredentialStore;

  constructor(db: Kysely<Database>, serviceSecret: string, audit?: AuditLog) {
    this.credentials = new OrgCredentialStore(db, serviceSecret, audit);
  }

  /** verifyPdf with every organisation CA of this service as a trust anchor. */
  async verify(bytes: Uint8Array): Promise<VerifyReport> {
    const anchors = await this.credentials.trustAnchors();
    return verifyPdf(bytes, { trustAnchors: anchors.map((a) => a.caPem) });
  }
}
