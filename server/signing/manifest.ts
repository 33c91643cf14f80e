import { sign as cryptoSign, createPrivateKey } from 'node:crypto';
import { PDFDocument } from 'pdf-lib';
import type { OrgCredentialsData } from './ports.js';
import { sha256Hex } from './documents.js';

/**
 * The signature manifest binds every signer's signature to the document hash (PRC Electronic Signature Law art. 13):
 * a JSON list of signing events (who, role, when, the SHA-256 of the locked text they saw and of their signature image),
 * signed with the organisation's key (RSA-SHA256 over the exact JSON bytes) and embedded in the PDF as attached files
 * together with the canonical text and the organisation's certificate. The organisation's PAdES seal is applied after,
 * over the whole file, so changing the manifest, an image or the text breaks the seal; and the manifest can be checked
 * on its own: `pdfdetach -saveall x.pdf` then `openssl dgst -sha256 -verify <(openssl x509 -pubkey -noout -in
 * organisation-certificate.pem) -signature <(base64 -d signature-manifest.sig) signature-manifest.json`, and
 * `sha256sum agreement.txt` equals the manifest's documentSha256.
 */
export interface ManifestEntry {
  role: string; slot: string; name: string; signedAt: string; method: 'drawn' | 'typed'; imageSha256: string;
  documentSha256: string; auditSeq: number; auditHash: string;
}
export interface SignatureManifest {
  type: 'concord.signature-manifest/v1';
  agreementId: string; title: string; caseNumber: string; organisation: string; lockSeq: number; documentSha256: string;
  signatures: ManifestEntry[];
  createdAt: string;
}

export const MANIFEST_FILES = {
  manifest: 'signature-manifest.json',
  signature: 'signature-manifest.sig',
  certificate: 'organisation-certificate.pem',
  text: 'agreement.txt',
} as const;

export function signManifest(manifest: SignatureManifest, creds: OrgCredentialsData): { json: Buffer; signature: string; sha256: string } {
  const json = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
  const signature = cryptoSign('sha256', json, createPrivateKey(creds.keyPem)).toString('base64');
  return { json, signature, sha256: sha256Hex(json) };
}

export async function embedManifest(
  pdf: Uint8Array,
  m: { json: Buffer; signature: string },
  creds: OrgCredentialsData,
  text: string,
  at: Date,
): Promise<Uint8Array> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const opts = (mimeType: string, description: string) => ({ mimeType, description, creationDate: at, modificationDate: at });
  await doc.attach(m.json, MANIFEST_FILES.manifest, opts('application/json', 'Signature manifest: every signer bound to the document hash'));
  await doc.attach(Buffer.from(`${m.signature}\n`), MANIFEST_FILES.signature, opts('text/plain', 'RSA-SHA256 signature of the manifest (base64)'));
  await doc.attach(Buffer.from(creds.certPem), MANIFEST_FILES.certificate, opts('application/x-pem-file', 'Certificate of the sealing organisation'));
  await doc.attach(Buffer.from(text, 'utf8'), MANIFEST_FILES.text, opts('text/plain', 'The locked agreement text the signers saw (UTF-8)'));
  return doc.save({ useObjectStreams: false });
}
