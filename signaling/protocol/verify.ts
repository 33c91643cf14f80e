/**
 * The report of `POST /api/verify` (public PDF verification), shared by the server that builds it
 * (server/documents/verify.ts) and the browser page that shows it (client/src/views/Verify.tsx), like api.ts.
 */

/** Largest PDF the public verifier accepts (bytes); the page refuses larger files before uploading them. */
export const MAX_VERIFY_BYTES = 20 * 1024 * 1024;

export interface CertificateInfo {
  subject: string;
  commonName: string;
  issuer: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  sha256: string;
}

export interface ChangesAfter {
  /** Bytes of later revisions (0 when the signature covers the whole file). */
  bytesAfter: number;
  signaturesAdded: number;
  /** Pages of the signed revision whose content, resources or attributes differ now (0-based). */
  pagesChanged: number[];
  /** Pages added after the signature that are certificate-of-completion pages (0-based). */
  certificatePagesAdded: number[];
  /** Other pages added after the signature (0-based). */
  otherPagesAdded: number[];
  /** Annotations added to signed pages that are not signature widgets (their /Subtype). */
  annotationsAdded: string[];
  /** Document-level entries of the catalog added or changed (e.g. /OpenAction, /Names with JavaScript), not /AcroForm. */
  catalogChanged: string[];
  /** True when any of the above is a change of content (not only signatures and a covered certificate page). */
  contentChanged: boolean;
}

export interface SignatureReport {
  index: number;
  fieldName: string | null;
  subFilter: string | null;
  /** /Name of the signature dictionary, else the certificate's common name. */
  signerName: string;
  reason: string | null;
  location: string | null;
  /** /M of the signature dictionary (ISO-8601), the time the signer claims. */
  signingTime: string | null;
  /** Signing time attribute inside the CMS, when present. */
  cmsSigningTime: string | null;
  certificate: CertificateInfo | null;
  /** Certificates of the CMS chain from the signer up (subjects). */
  chain: string[];
  /** The chain ends at one of the trust anchors given (our organisations' CAs). */
  trusted: boolean;
  /** The certificate was valid at the claimed signing time. */
  certificateValidAtSigning: boolean;
  byteRange: number[];
  digestValid: boolean;
  signatureValid: boolean;
  /** Signing-certificate-v2 attribute present and matching the signer certificate (CAdES). */
  certificateBound: boolean | null;
  coversWholeDocument: boolean;
  changesAfter: ChangesAfter;
  /** Cryptographically valid and nothing but signatures (and a covered certificate page) added afterwards. */
  valid: boolean;
  problems: string[];
}

export interface VerifyReport {
  /** At least one signature, all valid, nothing changed after signing. */
  ok: boolean;
  size: number;
  sha256: string;
  pages: number;
  signatures: SignatureReport[];
  /** Bytes after the last signature's range that change content (or any signature invalid because of later changes). */
  modifiedAfterSigning: boolean;
  bytesAfterLastSignature: number;
  problems: string[];
}
