import { appendCompletionCertificate, renderAgreementPdf, renderPerformanceNotice, renderRulingPdf } from '../documents/pdf.js';
import { signPdf } from '../documents/pades.js';
import type { OrgCredentialStore } from '../documents/certificates.js';
import type { DocumentPort } from './ports.js';

/**
 * DOC's documents layer (server/documents) as the signing ceremony's DocumentPort: PDF rendering, the certificate of
 * completion, organisation and per-signer credentials, PAdES signing.
 */
export function documentPort(credentials: Pick<OrgCredentialStore, 'forOrg' | 'forSigner'>): DocumentPort {
  return {
    renderAgreement: (input) =>
      renderAgreementPdf({
        agreement: input.agreement, caseInfo: input.caseInfo, parties: input.parties,
        signatures: input.signatures.map((s) => ({
          role: s.role, name: s.name, signedAt: s.signedAt, method: s.method, imagePng: s.imagePng, imageSha256: s.imageSha256,
          documentSha256: s.documentSha256, typedName: s.typedName,
        })),
      }),
    appendCertificate: (pdf, cert) =>
      appendCompletionCertificate(pdf, {
        ...cert,
        signingEvents: cert.signingEvents.map((e) => ({ ...e, identityCheck: 'link session + one-time code (in-app)' })),
      }),
    renderPerformanceNotice: (input) => renderPerformanceNotice(input),
    renderRuling: (input) => renderRulingPdf(input),
    credentials: (orgId) => credentials.forOrg(orgId),
    signerCredentials: (orgId, signer) => credentials.forSigner(orgId, signer),
    sign: (pdf, opts) => signPdf(pdf, opts),
  };
}
