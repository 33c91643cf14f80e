import { createHash, verify as cryptoVerify, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import {
  PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFNumber, PDFRawStream, PDFRef, PDFStream, PDFString, type PDFObject, type PDFPage,
} from 'pdf-lib';
import type { CertificateInfo, ChangesAfter, SignatureReport, VerifyReport } from '../../signaling/protocol/verify.js';

/**
 * Verification of signed PDFs, our own code (independent of poppler): for each signature field, its byte range, the
 * CMS (parsed with node-forge's ASN.1 reader), the digest over the signed bytes, the signature over the signed
 * attributes (Node crypto, RSA or ECDSA), the ESS signing-certificate binding, the certificate chain inside the CMS up
 * to a trust anchor (our organisations' CAs, when given), and the signing time. Then what changed after each signature:
 * every later revision is compared page by page (content streams, resources, page attributes) with the revision the
 * signature covers; added annotations other than signature widgets, changed pages, added pages other than a
 * certificate-of-completion page, and changed document-level catalog entries (open actions, JavaScript...) count as
 * content changes.
 */

/** The report types live in signaling/protocol/verify.ts, shared with the browser's verify page. */
export type { CertificateInfo, ChangesAfter, SignatureReport, VerifyReport };

export interface VerifyOptions {
  /** PEM certificates trusted as roots (e.g. OrgCredentialStore.trustAnchors()). */
  trustAnchors?: string[];
}

const HASHES: Record<string, string> = {
  '2.16.840.1.101.3.4.2.1': 'sha256', '2.16.840.1.101.3.4.2.2': 'sha384', '2.16.840.1.101.3.4.2.3': 'sha512', '1.3.14.3.2.26': 'sha1',
};
const OID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const OID_SIGNING_TIME = '1.2.840.113549.1.9.5';
const OID_SIGNING_CERT_V2 = '1.2.840.113549.1.9.16.2.47';

type Asn = forge.asn1.Asn1;
const kids = (a: Asn | undefined): Asn[] => (a && Array.isArray(a.value) ? (a.value as Asn[]) : []);
const derOf = (a: Asn) => Buffer.from(forge.asn1.toDer(a).getBytes(), 'binary');
const bytesOf = (a: Asn | undefined) => Buffer.from(typeof a?.value === 'string' ? a.value : '', 'binary');

function textOf(d: PDFDict, key: string): string | null {
  const v = d.lookup(PDFName.of(key));
  if (v instanceof PDFString || v instanceof PDFHexString) return v.decodeText();
  if (v instanceof PDFName) return v.decodeText();
  return null;
}

function pdfDate(d: PDFDict, key: string): string | null {
  const v = d.lookup(PDFName.of(key));
  if (!(v instanceof PDFString || v instanceof PDFHexString)) return null;
  try {
    const s = v instanceof PDFString ? v.asString() : v.decodeText();
    const m = /^D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Zz+-])?(\d{2})?'?(\d{2})?'?/.exec(s);
    if (!m) return null;
    const [, y, mo = '01', da = '01', h = '00', mi = '00', se = '00', tz, th = '00', tm = '00'] = m;
    const base = Date.UTC(+y!, +mo - 1, +da, +h, +mi, +se);
    const off = tz === '+' || tz === '-' ? (tz === '+' ? 1 : -1) * (+th * 60 + +tm) * 60_000 : 0;
    return new Date(base - off).toISOString();
  } catch {
    return null;
  }
}

function certInfo(c: X509Certificate): CertificateInfo {
  const cn = /(?:^|\n)CN=([^\n]*)/.exec(c.subject)?.[1] ?? c.subject;
  return {
    subject: c.subject.replace(/\n/g, ', '), commonName: cn, issuer: c.issuer.replace(/\n/g, ', '), serialNumber: c.serialNumber,
    notBefore: new Date(c.validFrom).toISOString(), notAfter: new Date(c.validTo).toISOString(),
    sha256: c.fingerprint256.replace(/:/g, '').toLowerCase(),
  };
}

interface CmsResult {
  digestValid: boolean;
  signatureValid: boolean;
  certificateBound: boolean | null;
  cmsSigningTime: string | null;
  signer: X509Certificate | null;
  chain: X509Certificate[];
  problems: string[];
}

/** Checks a detached CMS SignedData over `content`. */
function checkCms(cms: Buffer, content: Buffer[]): CmsResult {
  const r: CmsResult = { digestValid: false, signatureValid: false, certificateBound: null, cmsSigningTime: null, signer: null, chain: [], problems: [] };
  let root: Asn;
  try {
    root = forge.asn1.fromDer(forge.util.createBuffer(cms.toString('binary')), { parseAllBytes: false, strict: false } as never);
  } catch {
    r.problems.push('the signature value is not a readable CMS structure');
    return r;
  }
  const signedData = kids(kids(root)[1])[0];
  const sd = kids(signedData);
  const certsNode = sd.find((n) => n.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && n.type === 0);
  const signerInfos = sd[sd.length - 1];
  const certs: X509Certificate[] = [];
  for (const c of kids(certsNode)) {
    try {
      certs.push(new X509Certificate(derOf(c)));
    } catch {
      r.problems.push('a certificate in the signature cannot be read');
    }
  }
  const si = kids(signerInfos)[0];
  if (!si) {
    r.problems.push('the CMS has no signer');
    return r;
  }
  const f = kids(si);
  // SignerInfo: version, sid, digestAlgorithm, [0] signedAttrs?, signatureAlgorithm, signature, [1] unsigned?
  const sid = f[1]!;
  const digestOid = forge.asn1.derToOid(forge.util.createBuffer(kids(f[2])[0]?.value as string));
  const hash = HASHES[digestOid];
  let i = 3;
  const signedAttrs = f[i]?.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && f[i]?.type === 0 ? f[i++] : undefined;
  i++; // signatureAlgorithm
  const signature = bytesOf(f[i]);
  if (!hash) {
    r.problems.push(`unsupported digest algorithm ${digestOid}`);
    return r;
  }
  // The signer certificate: by issuer and serial, or by subject key identifier.
  if (sid.tagClass === forge.asn1.Class.UNIVERSAL) {
    const serial = bytesOf(kids(sid)[1]).toString('hex').replace(/^0+/, '').toUpperCase();
    r.signer = certs.find((c) => c.serialNumber.replace(/^0+/, '').toUpperCase() === serial) ?? null;
  } else {
    r.signer = certs[0] ?? null;
  }
  if (!r.signer) {
    r.problems.push('the signer certificate is not in the signature');
    return r;
  }
  // Chain inside the CMS, signer first.
  r.chain = [r.signer];
  for (let cur = r.signer; r.chain.length < 8; ) {
    const issuer = certs.find((c) => c !== cur && cur.checkIssued(c) && cur.verify(c.publicKey));
    if (!issuer || r.chain.includes(issuer)) break;
    r.chain.push(issuer);
    cur = issuer;
  }
  const h = createHash(hash);
  for (const part of content) h.update(part);
  const digest = h.digest();
  let signedBytes: Buffer;
  if (signedAttrs) {
    const attrs = new Map<string, Asn>();
    for (const a of kids(signedAttrs)) {
      const [t, vals] = kids(a);
      attrs.set(forge.asn1.derToOid(forge.util.createBuffer(t!.value as string)), kids(vals)[0]!);
    }
    const md = attrs.get(OID_MESSAGE_DIGEST);
    r.digestValid = !!md && bytesOf(md).equals(digest);
    if (!r.digestValid) r.problems.push('the signed bytes do not match the message digest: the content changed');
    const st = attrs.get(OID_SIGNING_TIME);
    if (st) {
      try {
        const v = st.value as string;
        r.cmsSigningTime = (st.type === forge.asn1.Type.UTCTIME ? forge.asn1.utcTimeToDate(v) : forge.asn1.generalizedTimeToDate(v)).toISOString();
      } catch {
        r.problems.push('unreadable signing-time attribute');
      }
    }
    const sc = attrs.get(OID_SIGNING_CERT_V2);
    if (sc) {
      // SigningCertificateV2 { certs SEQUENCE OF ESSCertIDv2 { hashAlgorithm DEFAULT sha256, certHash, ... } }
      const first = kids(kids(sc)[0])[0];
      const parts = kids(first);
      const hasAlg = parts[0]?.type === forge.asn1.Type.SEQUENCE;
      const alg = hasAlg ? HASHES[forge.asn1.derToOid(forge.util.createBuffer(kids(parts[0])[0]?.value as string))] : 'sha256';
      const certHash = bytesOf(parts[hasAlg ? 1 : 0]);
      r.certificateBound = !!alg && createHash(alg).update(r.signer.raw).digest().equals(certHash);
      if (!r.certificateBound) r.problems.push('the signing-certificate attribute does not match the signer certificate');
    }
    signedBytes = derOf(signedAttrs);
    signedBytes[0] = 0x31; // signed over the attributes as a SET OF, not as the [0] IMPLICIT field
  } else {
    r.digestValid = true; // checked by the signature itself below
    signedBytes = Buffer.concat(content);
  }
  try {
    r.signatureValid = cryptoVerify(hash, signedBytes, r.signer.publicKey, signature);
  } catch {
    r.signatureValid = false;
  }
  if (!r.signatureValid) r.problems.push('the signature value does not verify with the signer certificate');
  return r;
}

const memo = new WeakMap<PDFDocument, Map<string, string>>();

/**
 * Hash of an object as drawn, following references (each indirect object hashed once per document). Keys that only
 * link back up the tree (/Parent, /P) are left out; so is /V of fields (`skipV`), which points to signature values.
 */
function objectHash(doc: PDFDocument, o: PDFObject | undefined, stack: Set<string>, skipV = false): string {
  if (o instanceof PDFRef) {
    let m = memo.get(doc);
    if (!m) memo.set(doc, (m = new Map()));
    const key = `${o.tag}${skipV ? ':v' : ''}`;
    const hit = m.get(key);
    if (hit) return hit;
    if (stack.has(o.tag) || stack.size > 40) return `@${o.tag}`;
    stack.add(o.tag);
    const v = objectHash(doc, doc.context.lookup(o), stack, skipV);
    stack.delete(o.tag);
    m.set(key, v);
    return v;
  }
  const h = createHash('sha256');
  if (o instanceof PDFStream) {
    h.update('stream<');
    h.update(objectHash(doc, o.dict, stack, skipV));
    h.update(o instanceof PDFRawStream ? o.contents : o.getContents());
    h.update('>');
  } else if (o instanceof PDFDict) {
    h.update('<<');
    const entries = o.entries().map(([k, v]) => [k.asString(), v] as const).sort((x, y) => (x[0] < y[0] ? -1 : 1));
    for (const [k, v] of entries) {
      if (k === '/Parent' || k === '/P' || (skipV && k === '/V')) continue;
      h.update(k);
      h.update(objectHash(doc, v, stack, skipV));
    }
    h.update('>>');
  } else if (o instanceof PDFArray) {
    h.update('[');
    for (let i = 0; i < o.size(); i++) h.update(objectHash(doc, o.get(i), stack, skipV));
    h.update(']');
  } else {
    h.update(o === undefined ? 'null' : o.toString());
  }
  return h.digest('hex');
}

/** A stable fingerprint of a page as drawn: content streams, resources (deep), inherited boxes and rotation. */
function pageFingerprint(page: PDFPage): string {
  const doc = page.doc;
  const n = page.node;
  const s = new Set<string>();
  return [n.Contents(), n.Resources(), n.MediaBox(), n.CropBox(), n.Rotate()].map((x) => objectHash(doc, x, s)).join('|');
}

function annotRefs(page: PDFPage): Map<string, PDFDict | undefined> {
  const out = new Map<string, PDFDict | undefined>();
  const annots = page.node.lookupMaybe(PDFName.of('Annots'), PDFArray);
  if (!annots) return out;
  for (let i = 0; i < annots.size(); i++) {
    const a = annots.get(i);
    const key = a instanceof PDFRef ? a.tag : `direct:${i}:${a?.toString()}`;
    out.set(key, annots.lookupMaybe(i, PDFDict));
  }
  return out;
}

/** The annotation's appearance and content, for comparing an annotation that existed before. */
function annotFingerprint(doc: PDFDocument, d: PDFDict | undefined): string {
  return d ? objectHash(doc, d, new Set(), true) : '';
}

function isSignatureWidget(d: PDFDict | undefined): boolean {
  if (!d) return false;
  const ft = d.lookup(PDFName.of('FT')) ?? d.lookupMaybe(PDFName.of('Parent'), PDFDict)?.lookup(PDFName.of('FT'));
  return d.lookup(PDFName.of('Subtype')) === PDFName.of('Widget') && ft === PDFName.of('Sig');
}

function isCertificatePage(page: PDFPage): boolean {
  return page.node.get(PDFName.of('ConcordPage')) === PDFName.of('CompletionCertificate');
}

interface SigField {
  fieldName: string | null;
  v: PDFDict;
}

function signatureFields(doc: PDFDocument): SigField[] {
  const out: SigField[] = [];
  const form = doc.catalog.lookupMaybe(PDFName.of('AcroForm'), PDFDict);
  const fields = form?.lookupMaybe(PDFName.of('Fields'), PDFArray);
  const visit = (f: PDFDict | undefined, prefix: string, depth: number) => {
    if (!f || depth > 10) return;
    const t = textOf(f, 'T');
    const name = t === null ? prefix || null : prefix ? `${prefix}.${t}` : t;
    const v = f.lookupMaybe(PDFName.of('V'), PDFDict);
    if (v && v.lookup(PDFName.of('ByteRange'))) out.push({ fieldName: name, v });
    const k = f.lookupMaybe(PDFName.of('Kids'), PDFArray);
    if (k) for (let i = 0; i < k.size(); i++) visit(k.lookupMaybe(i, PDFDict), name ?? '', depth + 1);
  };
  if (fields) for (let i = 0; i < fields.size(); i++) visit(fields.lookupMaybe(i, PDFDict), '', 0);
  return out;
}

async function loadRevision(bytes: Uint8Array, end: number): Promise<PDFDocument | null> {
  try {
    return await PDFDocument.load(bytes.subarray(0, end), { updateMetadata: false, ignoreEncryption: true, throwOnInvalidObject: false, parseSpeed: Infinity });
  } catch {
    return null;
  }
}

function compareRevisions(signed: PDFDocument, later: PDFDocument, laterSigCount: number, signedSigCount: number, bytesAfter: number): ChangesAfter {
  const a = signed.getPages();
  const b = later.getPages();
  const c: ChangesAfter = {
    bytesAfter, signaturesAdded: Math.max(0, laterSigCount - signedSigCount), pagesChanged: [], certificatePagesAdded: [], otherPagesAdded: [],
    annotationsAdded: [], catalogChanged: [], contentChanged: false,
  };
  // Catalog entries other than the form (signatures live there) and the page tree (compared page by page below).
  const keysOf = (d: PDFDict) => d.keys().map((k) => k.asString()).filter((k) => k !== '/AcroForm' && k !== '/Pages');
  for (const k of new Set([...keysOf(signed.catalog), ...keysOf(later.catalog)])) {
    const name = PDFName.of(k.slice(1));
    if (objectHash(signed, signed.catalog.get(name), new Set()) !== objectHash(later, later.catalog.get(name), new Set())) c.catalogChanged.push(k);
  }
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const pa = a[i];
    const pb = b[i];
    if (pa && !pb) {
      c.pagesChanged.push(i);
      continue;
    }
    if (!pa && pb) {
      (isCertificatePage(pb) ? c.certificatePagesAdded : c.otherPagesAdded).push(i);
      continue;
    }
    if (!pa || !pb) continue;
    if (pageFingerprint(pa) !== pageFingerprint(pb)) c.pagesChanged.push(i);
    const before = annotRefs(pa);
    for (const [key, d] of annotRefs(pb)) {
      const was = before.get(key);
      if (before.has(key)) {
        if (annotFingerprint(signed, was) !== annotFingerprint(later, d)) c.annotationsAdded.push(`changed ${(d && textOf(d, 'Subtype')) ?? 'annotation'}`);
        continue;
      }
      if (!isSignatureWidget(d)) c.annotationsAdded.push(d ? (textOf(d, 'Subtype') ?? 'annotation') : 'annotation');
    }
  }
  c.contentChanged = c.pagesChanged.length > 0 || c.otherPagesAdded.length > 0 || c.annotationsAdded.length > 0 || c.catalogChanged.length > 0;
  return c;
}

export async function verifyPdf(input: Uint8Array, opts: VerifyOptions = {}): Promise<VerifyReport> {
  const bytes = input instanceof Buffer ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const report: VerifyReport = {
    ok: false, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), pages: 0, signatures: [],
    modifiedAfterSigning: false, bytesAfterLastSignature: 0, problems: [],
  };
  if (bytes.subarray(0, 1024).indexOf('%PDF-') < 0) {
    report.problems.push('not a PDF file');
    return report;
  }
  const finalDoc = await loadRevision(bytes, bytes.length);
  if (!finalDoc) {
    report.problems.push('the PDF cannot be parsed');
    return report;
  }
  report.pages = finalDoc.getPageCount();
  const anchors = (opts.trustAnchors ?? []).flatMap((p) => {
    try {
      return [new X509Certificate(p)];
    } catch {
      return [];
    }
  });
  const fields = signatureFields(finalDoc);
  // Raw count of filled byte ranges: a signature dropped from the form by a later update shows up here.
  const rawRanges = (bytes.toString('latin1').match(/\/ByteRange\s*\[\s*0\s+\d+\s+\d+\s+\d+\s*\]/g) ?? []).length;
  if (rawRanges > fields.length) report.problems.push(`${rawRanges - fields.length} signature(s) in the file are no longer in the document's form`);

  const parsed = fields.map((f) => {
    const br = f.v.lookupMaybe(PDFName.of('ByteRange'), PDFArray);
    const range = br ? Array.from({ length: br.size() }, (_, i) => (br.get(i) instanceof PDFNumber ? (br.get(i) as PDFNumber).asNumber() : NaN)) : [];
    return { f, range, end: range.length === 4 ? range[2]! + range[3]! : NaN };
  });
  parsed.sort((x, y) => x.end - y.end);
  const revisions = new Map<number, PDFDocument | null>();
  for (const p of parsed) if (!revisions.has(p.end) && Number.isFinite(p.end)) revisions.set(p.end, p.end === bytes.length ? finalDoc : await loadRevision(bytes, p.end));

  for (const [index, { f, range, end }] of parsed.entries()) {
    const problems: string[] = [];
    const v = f.v;
    const contentsObj = v.lookup(PDFName.of('Contents'));
    const cms = contentsObj instanceof PDFHexString ? Buffer.from(contentsObj.asBytes()) : contentsObj instanceof PDFString ? Buffer.from(contentsObj.asBytes()) : Buffer.alloc(0);
    const r: SignatureReport = {
      index, fieldName: f.fieldName, subFilter: textOf(v, 'SubFilter'), signerName: textOf(v, 'Name') ?? '', reason: textOf(v, 'Reason'),
      location: textOf(v, 'Location'), signingTime: pdfDate(v, 'M'), cmsSigningTime: null, certificate: null, chain: [], trusted: false,
      certificateValidAtSigning: false, byteRange: range, digestValid: false, signatureValid: false, certificateBound: null,
      coversWholeDocument: false,
      changesAfter: { bytesAfter: 0, signaturesAdded: 0, pagesChanged: [], certificatePagesAdded: [], otherPagesAdded: [], annotationsAdded: [], catalogChanged: [], contentChanged: false },
      valid: false, problems,
    };
    report.signatures.push(r);
    const [a, b, c, d] = range;
    const rangeOk = range.length === 4 && a === 0 && b! > 0 && c! > b! && d! >= 0 && end <= bytes.length && bytes[b!] === 0x3c && bytes[c! - 1] === 0x3e;
    if (!rangeOk) {
      problems.push('the byte range is malformed or does not enclose the signature value');
      continue;
    }
    // The hole must be exactly the /Contents value: compare it with the hex in the file.
    const holeHex = bytes.subarray(b! + 1, c! - 1).toString('latin1').replace(/\s/g, '');
    if (holeHex.toLowerCase() !== cms.toString('hex').toLowerCase().slice(0, holeHex.length) || holeHex.length !== cms.length * 2) {
      problems.push('the byte range hole is not the signature value');
    }
    const cmsRes = checkCms(cms, [bytes.subarray(0, b!), bytes.subarray(c!, end)]);
    problems.push(...cmsRes.problems);
    r.digestValid = cmsRes.digestValid;
    r.signatureValid = cmsRes.signatureValid;
    r.certificateBound = cmsRes.certificateBound;
    r.cmsSigningTime = cmsRes.cmsSigningTime;
    if (cmsRes.signer) {
      r.certificate = certInfo(cmsRes.signer);
      r.chain = cmsRes.chain.map((x) => x.subject.replace(/\n/g, ', '));
      if (!r.signerName) r.signerName = r.certificate.commonName;
      const top = cmsRes.chain[cmsRes.chain.length - 1]!;
      r.trusted = anchors.some((t) => t.fingerprint256 === top.fingerprint256 || (top.checkIssued(t) && top.verify(t.publicKey)));
      const at = new Date(r.signingTime ?? r.cmsSigningTime ?? Date.now()).getTime();
      r.certificateValidAtSigning = cmsRes.chain.every((x) => new Date(x.validFrom).getTime() <= at && at <= new Date(x.validTo).getTime());
      if (!r.certificateValidAtSigning) problems.push('a certificate of the chain was not valid at the signing time');
    }
    r.coversWholeDocument = end === bytes.length;
    if (!r.coversWholeDocument) {
      const signedRev = revisions.get(end);
      if (!signedRev) {
        problems.push('the signed revision cannot be parsed');
        r.changesAfter.contentChanged = true;
      } else {
        const signedSigs = signatureFields(signedRev).length;
        r.changesAfter = compareRevisions(signedRev, finalDoc, fields.length, signedSigs, bytes.length - end);
        // A certificate page added later is fine only if a later signature covers it.
        const coveredLater = parsed.some((p) => p.end > end && p.end === bytes.length);
        if (r.changesAfter.certificatePagesAdded.length && !coveredLater) r.changesAfter.contentChanged = true;
      }
      if (r.changesAfter.contentChanged) problems.push('the document content changed after this signature');
    }
    r.valid = r.digestValid && r.signatureValid && r.certificateBound !== false && problems.length === 0;
  }
  const last = parsed[parsed.length - 1];
  if (last && Number.isFinite(last.end)) {
    report.bytesAfterLastSignature = Math.max(0, bytes.length - last.end);
    report.modifiedAfterSigning = report.signatures.some((s) => s.changesAfter.contentChanged || !s.digestValid);
  }
  if (report.signatures.length === 0) report.problems.push('the PDF has no signature');
  report.ok = report.signatures.length > 0 && report.signatures.every((s) => s.valid) && !report.modifiedAfterSigning && report.problems.length === 0;
  return report;
}
