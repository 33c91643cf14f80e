import { createHash, sign as rsaSign, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { PDFArray, PDFDict, PDFHexString, PDFInvalidObject, PDFName, PDFNumber, PDFString, type PDFDocument } from 'pdf-lib';
import signpdfModule from '@signpdf/signpdf';
import { Signer, SUBFILTER_ADOBE_PKCS7_DETACHED, SUBFILTER_ETSI_CADES_DETACHED, DEFAULT_BYTE_RANGE_PLACEHOLDER } from '@signpdf/utils';
import type { SigningCredentials } from './certificates.js';
import { beginUpdate, finishUpdate } from './incremental.js';
import { findSealSlot, sealAppearance } from './stamp.js';

/**
 * PAdES signing: a signature field with a placeholder is added with pdf-lib (as an incremental update, so earlier
 * signatures keep their byte ranges), then @signpdf/signpdf fills the byte range and asks our CMS signer for the
 * detached signature over it.
 *
 * The CMS (built here with node-forge's ASN.1 writer, signed with Node's crypto) is a CAdES-BES detached SignedData:
 * SHA-256, signed attributes content-type, message-digest and ESS signing-certificate-v2 (the hash of the signer's
 * certificate, what makes it CAdES), no CMS signing-time (PAdES takes the time from the signature dictionary's /M).
 * Sub-filter ETSI.CAdES.detached by default; adbe.pkcs7.detached (then with a signing-time attribute) on request.
 * The certificates embedded are the signer's and its issuer chain. No trusted timestamp (no TSA is reachable here).
 */

export type SubFilter = 'ETSI.CAdES.detached' | 'adbe.pkcs7.detached';

export interface SignPdfOptions {
  credentials: SigningCredentials;
  /** Why this signature, e.g. "Seal of the organisation" or "Applicant signs agreement <sha256>". */
  reason: string;
  /** Signer name in the signature dictionary (/Name). */
  name: string;
  /** Place of signing (/Location), e.g. the site. */
  location: string;
  contactInfo?: string;
  /**
   * Claimed signing time (/M); default now. A time before the signing certificate's validity (e.g. the ceremony time of
   * a signer whose one-signature certificate is issued at sealing) is not written as /M, since verifiers (ours too)
   * would then find the certificate not yet valid at signing: /M becomes the actual time, and the claimed time is added
   * to /Reason as "(signed <ISO time>)".
   */
  signingTime?: Date;
  subFilter?: SubFilter;
  /** Field name (/T); must be unique in the document. Default "Sig<n>" with the next free number. */
  fieldName?: string;
  /** Page for the (invisible) widget: default the last page. */
  pageIndex?: number;
  /**
   * Draw the visible seal (red circle with `name`, "电子印章 / e-seal" and the date) as this signature's appearance, at
   * the place the renderer reserved for it (signature page, notice, ruling). For the organisation's or court's seal.
   * Without a reserved place the signature stays invisible.
   */
  visibleSeal?: boolean;
}

/** Bytes reserved for the CMS (written as 16 KiB of hex): our CMS with a two-certificate chain is about 3 KB. */
const SIGNATURE_BYTES = 8192;
const OID_DATA = forge.pki.oids.data!;
const OID_SIGNED_DATA = forge.pki.oids.signedData!;
const OID_SHA256 = forge.pki.oids.sha256!;
const OID_RSA = forge.pki.oids.rsaEncryption!;
const OID_CONTENT_TYPE = forge.pki.oids.contentType!;
const OID_MESSAGE_DIGEST = forge.pki.oids.messageDigest!;
const OID_SIGNING_TIME = forge.pki.oids.signingTime!;
/** id-aa-signingCertificateV2 (RFC 5035). */
const OID_SIGNING_CERT_V2 = '1.2.840.113549.1.9.16.2.47';

const { asn1 } = forge;
const U = asn1.Class.UNIVERSAL;
const T = asn1.Type;
const seq = (v: forge.asn1.Asn1[]) => asn1.create(U, T.SEQUENCE, true, v);
const set = (v: forge.asn1.Asn1[]) => asn1.create(U, T.SET, true, v);
const oid = (o: string) => asn1.create(U, T.OID, false, asn1.oidToDer(o).getBytes());
const octets = (b: Buffer) => asn1.create(U, T.OCTETSTRING, false, b.toString('binary'));
const algId = (o: string) => seq([oid(o), asn1.create(U, T.NULL, false, '')]);
const der = (a: forge.asn1.Asn1) => Buffer.from(asn1.toDer(a).getBytes(), 'binary');
const attr = (type: string, value: forge.asn1.Asn1) => seq([oid(type), set([value])]);

function certAsn1(pem: string): { asn: forge.asn1.Asn1; der: Buffer; issuer: forge.asn1.Asn1; serial: forge.asn1.Asn1 } {
  const msg = forge.pem.decode(pem)[0];
  if (!msg) throw new Error('not a PEM certificate');
  const bytes = Buffer.from(msg.body, 'binary');
  const root = asn1.fromDer(msg.body);
  const tbs = (root.value as forge.asn1.Asn1[])[0]!;
  const fields = tbs.value as forge.asn1.Asn1[];
  const o = fields[0]!.tagClass === asn1.Class.CONTEXT_SPECIFIC ? 1 : 0;
  return { asn: root, der: bytes, serial: fields[o]!, issuer: fields[o + 2]! };
}

/** Builds a detached CMS SignedData (CAdES-BES) over `content` with the given credentials. */
export function cmsSign(content: Buffer, credentials: Pick<SigningCredentials, 'certPem' | 'keyPem' | 'chainPem'>, opts: { signingTime?: Date; subFilter?: SubFilter } = {}): Buffer {
  const signer = certAsn1(credentials.certPem);
  const chain = credentials.chainPem.map((p) => certAsn1(p));
  const digest = createHash('sha256').update(content).digest();
  const attrs = [
    attr(OID_CONTENT_TYPE, oid(OID_DATA)),
    attr(OID_MESSAGE_DIGEST, octets(digest)),
    // SigningCertificateV2 { certs SEQUENCE OF ESSCertIDv2 { hashAlgorithm DEFAULT sha256 (omitted), certHash } }
    attr(OID_SIGNING_CERT_V2, seq([seq([seq([octets(createHash('sha256').update(signer.der).digest())])])])),
  ];
  if ((opts.subFilter ?? SUBFILTER_ETSI_CADES_DETACHED) === SUBFILTER_ADOBE_PKCS7_DETACHED) {
    attrs.push(attr(OID_SIGNING_TIME, asn1.create(U, T.UTCTIME, false, asn1.dateToUtcTime(opts.signingTime ?? new Date()))));
  }
  // DER: a SET OF is sorted by the encodings of its elements.
  const sorted = attrs.map((a) => ({ a, d: der(a) })).sort((x, y) => Buffer.compare(x.d, y.d));
  const signedAttrsSet = set(sorted.map((s) => s.a));
  const signature = rsaSign('sha256', der(signedAttrsSet), credentials.keyPem);
  const signedAttrsImplicit = asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, sorted.map((s) => s.a));
  const signerInfo = seq([
    asn1.create(U, T.INTEGER, false, asn1.integerToDer(1).getBytes()),
    seq([signer.issuer, signer.serial]),
    algId(OID_SHA256),
    signedAttrsImplicit,
    algId(OID_RSA),
    octets(signature),
  ]);
  const signedData = seq([
    asn1.create(U, T.INTEGER, false, asn1.integerToDer(1).getBytes()),
    set([algId(OID_SHA256)]),
    seq([oid(OID_DATA)]),
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [signer.asn, ...chain.map((c) => c.asn)]),
    set([signerInfo]),
  ]);
  return der(seq([oid(OID_SIGNED_DATA), asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [signedData])]));
}

/** A @signpdf Signer that makes our CAdES CMS. */
export class CadesSigner extends Signer {
  constructor(
    private readonly credentials: Pick<SigningCredentials, 'certPem' | 'keyPem' | 'chainPem'>,
    private readonly subFilter: SubFilter = SUBFILTER_ETSI_CADES_DETACHED,
  ) {
    super();
  }
  override async sign(pdfBuffer: Buffer, signingTime?: Date): Promise<Buffer> {
    return cmsSign(pdfBuffer, this.credentials, { subFilter: this.subFilter, ...(signingTime ? { signingTime } : {}) });
  }
}

function existingFieldNames(doc: PDFDocument): Set<string> {
  const names = new Set<string>();
  const form = doc.catalog.lookupMaybe(PDFName.of('AcroForm'), PDFDict);
  const fields = form?.lookupMaybe(PDFName.of('Fields'), PDFArray);
  if (!fields) return names;
  for (let i = 0; i < fields.size(); i++) {
    const f = fields.lookupMaybe(i, PDFDict);
    const t = f?.lookupMaybe(PDFName.of('T'), PDFString, PDFHexString);
    if (t) names.add(t.decodeText());
  }
  return names;
}

/** Adds a signature field whose /V holds a placeholder /ByteRange and /Contents (what @signpdf fills in). */
async function addPlaceholder(doc: PDFDocument, o: SignPdfOptions, subFilter: SubFilter): Promise<void> {
  const ctx = doc.context;
  const pages = doc.getPages();
  const slot = o.visibleSeal ? findSealSlot(doc) : null;
  const page = slot ? slot.page : pages[o.pageIndex ?? pages.length - 1];
  if (!page) throw new Error('signPdf: no such page');
  const taken = existingFieldNames(doc);
  let fieldName = o.fieldName;
  if (fieldName && taken.has(fieldName)) throw new Error(`signPdf: field ${fieldName} exists`);
  for (let n = taken.size + 1; !fieldName; n++) if (!taken.has(`Sig${n}`)) fieldName = `Sig${n}`;

  const ph = PDFName.of(DEFAULT_BYTE_RANGE_PLACEHOLDER);
  const sigDict = ctx.obj({
    Type: 'Sig',
    Filter: 'Adobe.PPKLite',
    SubFilter: subFilter,
    ByteRange: [PDFNumber.of(0), ph, ph, ph],
    Contents: PDFHexString.of('0'.repeat(SIGNATURE_BYTES * 2)),
    Reason: PDFHexString.fromText(o.reason),
    M: PDFString.fromDate(o.signingTime ?? new Date()),
    Name: PDFHexString.fromText(o.name),
    Location: PDFHexString.fromText(o.location),
    ...(o.contactInfo ? { ContactInfo: PDFHexString.fromText(o.contactInfo) } : {}),
    Prop_Build: { App: { Name: PDFName.of('Concord') } },
  });
  // Written as raw bytes so pdf-lib never moves it into an object stream or re-encodes it.
  const buf = new Uint8Array(sigDict.sizeInBytes());
  sigDict.copyBytesInto(buf, 0);
  const sigRef = ctx.register(PDFInvalidObject.of(buf));

  let rect = [0, 0, 0, 0];
  let apRef = ctx.register(ctx.formXObject([], { BBox: [0, 0, 0, 0], Resources: {} }));
  if (slot) {
    const [x, y, w, h] = slot.rect;
    rect = [x, y, x + w, y + h];
    const date = (o.signingTime ?? new Date()).toISOString().slice(0, 10);
    apRef = await sealAppearance(doc, w, h, { name: o.name, caption: '电子印章 E-SEAL', date });
  }
  const widget = ctx.obj({
    Type: 'Annot',
    Subtype: 'Widget',
    FT: 'Sig',
    Rect: rect,
    V: sigRef,
    T: PDFHexString.fromText(fieldName),
    F: 132, // Print + Locked
    P: page.ref,
    AP: { N: apRef },
  });
  const widgetRef = ctx.register(widget);
  const annots = page.node.lookupMaybe(PDFName.of('Annots'), PDFArray);
  if (annots) annots.push(widgetRef);
  else page.node.set(PDFName.of('Annots'), ctx.obj([widgetRef]));

  let form = doc.catalog.lookupMaybe(PDFName.of('AcroForm'), PDFDict);
  if (!form) {
    form = ctx.obj({ Fields: [] });
    doc.catalog.set(PDFName.of('AcroForm'), ctx.register(form));
  }
  form.set(PDFName.of('SigFlags'), PDFNumber.of(3)); // SignaturesExist | AppendOnly
  const fields = form.lookupMaybe(PDFName.of('Fields'), PDFArray);
  if (fields) fields.push(widgetRef);
  else form.set(PDFName.of('Fields'), ctx.obj([widgetRef]));
}

type SignPdfLike = { sign(pdf: Buffer, signer: Signer, signingTime?: Date): Promise<Buffer> };
const signpdf: SignPdfLike = ((signpdfModule as unknown as { default?: SignPdfLike }).default ?? signpdfModule) as SignPdfLike;

/**
 * Signs `pdf` with one PAdES signature, appended as an incremental update (the input's bytes are a prefix of the
 * output, so signatures already in it stay valid). The input must end with a classic xref table (our renderers'
 * output and anything this function returned).
 */
export async function signPdf(pdf: Uint8Array, input: SignPdfOptions): Promise<Uint8Array> {
  const subFilter = input.subFilter ?? SUBFILTER_ETSI_CADES_DETACHED;
  let opts = input;
  if (input.signingTime && input.signingTime.getTime() < new Date(new X509Certificate(input.credentials.certPem).validFrom).getTime()) {
    const { signingTime, ...rest } = input;
    opts = { ...rest, reason: `${input.reason} (signed ${signingTime.toISOString()})` };
  }
  const session = await beginUpdate(pdf);
  await addPlaceholder(session.doc, opts, subFilter);
  const withPlaceholder = await finishUpdate(session);
  const signed = await signpdf.sign(Buffer.from(withPlaceholder.buffer, withPlaceholder.byteOffset, withPlaceholder.byteLength), new CadesSigner(opts.credentials, subFilter), opts.signingTime);
  // Ends at "%%EOF" without a newline: @signpdf strips it before computing the byte range, and anything after the range
  // would make the signature cover less than the whole file.
  return new Uint8Array(signed.buffer, signed.byteOffset, signed.byteLength);
}
