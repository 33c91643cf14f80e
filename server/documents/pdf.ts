import { createHash, randomBytes } from 'node:crypto';
import { PDFDocument, PDFHexString, PDFName, rgb, type PDFImage } from 'pdf-lib';
import { listNumber, parseAgreement } from '../../signaling/document/agreement.js';
import { ValidationError } from '../lib/errors.js';
import { beginUpdate, finishUpdate } from './incremental.js';
import type { DocLabels } from './labels.js';
import { docLabels } from './bilingual.js';
import { A4, embedFonts, markPage, Writer } from './layout.js';
import { markSealSlot } from './stamp.js';
import type { CaseInfo, CompletionCertificate, DocLanguage, LockedAgreement, PartyLine, SignatureBlock } from './types.js';

/**
 * PDF rendering with pdf-lib: the locked agreement (header, parties, clauses, key terms, signature page), the
 * performance notice (履行告知书), the court's confirmation ruling, and the certificate of completion appended as the
 * last page (as an incremental update, so signatures already in the file stay valid).
 *
 * "PDF/A-style", not PDF/A: fonts embedded as tagged subsets, document information and an XMP metadata stream that say
 * the same, a document /ID, /Lang, no encryption, no JavaScript, classic xref tables. There is no OutputIntent (no ICC
 * profile is installed here), so the files do not claim PDF/A conformance (no pdfaid entry in the XMP).
 */

const sha256hex = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');
const xmlEscape = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

interface DocMeta {
  title: string;
  author: string;
  subject: string;
  keywords: string[];
  /** The document's languages, first language first (/Lang is the first; XMP dc:language lists them all). */
  languages: readonly DocLanguage[];
  created: Date;
}

function xmp(m: DocMeta, docId: string): string {
  const iso = m.created.toISOString();
  return `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">${xmlEscape(m.title)}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>${xmlEscape(m.author)}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">${xmlEscape(m.subject)}</rdf:li></rdf:Alt></dc:description>
   <dc:language><rdf:Bag>${m.languages.map((x) => `<rdf:li>${xmlEscape(x)}</rdf:li>`).join('')}</rdf:Bag></dc:language>
   <xmp:CreateDate>${iso}</xmp:CreateDate>
   <xmp:ModifyDate>${iso}</xmp:ModifyDate>
   <xmp:MetadataDate>${iso}</xmp:MetadataDate>
   <xmp:CreatorTool>Concord</xmp:CreatorTool>
   <pdf:Producer>Concord (pdf-lib)</pdf:Producer>
   <pdf:Keywords>${xmlEscape(m.keywords.join('; '))}</pdf:Keywords>
   <xmpMM:DocumentID>uuid:${docId}</xmpMM:DocumentID>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>`;
}

/** Document information, XMP metadata (uncompressed, as PDF/A wants it), /Lang and the trailer /ID. */
function applyMetadata(doc: PDFDocument, m: DocMeta): void {
  doc.setTitle(m.title, { showInWindowTitleBar: true });
  doc.setAuthor(m.author);
  doc.setSubject(m.subject);
  doc.setKeywords(m.keywords);
  doc.setCreator('Concord');
  doc.setProducer('Concord (pdf-lib)');
  doc.setCreationDate(m.created);
  doc.setModificationDate(m.created);
  doc.setLanguage(m.languages[0] ?? 'zh-Hans');
  const idBytes = randomBytes(16);
  const hex = idBytes.toString('hex');
  const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  const ctx = doc.context;
  const meta = ctx.stream(Buffer.from(xmp(m, uuid), 'utf8'), { Type: 'Metadata', Subtype: 'XML' });
  doc.catalog.set(PDFName.of('Metadata'), ctx.register(meta));
  ctx.trailerInfo.ID = ctx.obj([PDFHexString.of(hex), PDFHexString.of(hex)]);
}

async function save(doc: PDFDocument): Promise<Uint8Array> {
  // Classic xref table, no object streams: what incremental signing (incremental.ts) appends to.
  return doc.save({ useObjectStreams: false, addDefaultPage: false, updateFieldAppearances: false });
}

function roleLabel(l: DocLabels, role: string): string {
  return l.roles[role] ?? role;
}

function siteLabel(l: DocLabels, site: string): string {
  return l.sites[site] ?? site;
}

/** Date-time as printed: ISO-8601 in UTC without milliseconds ("2026-11-28 16:54:30 UTC"). */
export function printedTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function printedDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().slice(0, 10);
}

/** The frame's languages: the case's (caseInfo.languages), else the agreement's own. */
function frameLanguages(caseInfo: CaseInfo, agreementLanguage: DocLanguage): readonly DocLanguage[] {
  return caseInfo.languages?.length ? caseInfo.languages : [agreementLanguage];
}

function titleBlock(w: Writer, caseInfo: CaseInfo, title: string, sub: string): void {
  w.ensure(120);
  w.text(caseInfo.orgName, { size: 12, align: 'center' });
  w.muted(caseInfo.orgNameEn, { align: 'center', after: 10 });
  w.text(title, { size: 18, align: 'center', style: 'bold', after: 4 });
  w.muted(sub, { align: 'center', after: 8 });
  w.rule(12);
}

function partyBlock(w: Writer, l: DocLabels, parties: PartyLine[]): void {
  if (parties.length === 0) return;
  w.text(l.parties, { size: 12, style: 'bold', keepWithNext: 20, after: 2 });
  for (const p of parties) {
    w.text(`${roleLabel(l, p.role)}${l.colon}${p.name}`, { indent: 12 });
    if (p.detail) w.muted(p.detail, { indent: 28 });
  }
  w.space(8);
}

/**
 * Renders the agreement's canonical text from its one Markdown parse (signaling/document/agreement.ts, the same blocks
 * the browser shows): "# " headings, "## " sub-headings, numbered clauses with their numbers, paragraphs line by line.
 * The first heading, when it is the title, is already in the title block.
 */
function clauses(w: Writer, agreement: LockedAgreement): void {
  let skippedTitle = false;
  for (const b of parseAgreement(agreement.text)) {
    if (b.kind === 'heading') {
      if (!skippedTitle && b.level === 1 && b.text === agreement.title.trim()) {
        skippedTitle = true;
        continue;
      }
      if (b.level === 1) w.text(b.text, { size: 14, style: 'bold', keepWithNext: 24, after: 4 });
      else w.text(b.text, { size: 12, style: 'bold', keepWithNext: 22, after: 2 });
    } else if (b.kind === 'paragraph') {
      for (const line of b.lines) w.text(line, { size: 10.5 });
      w.space(6);
    } else {
      b.items.forEach((lines, i) => {
        const mark = b.ordered ? listNumber(b, i) : '•';
        lines.forEach((line, j) => w.text(j === 0 ? `${mark} ${line}` : line, { size: 10.5, indent: j === 0 ? 0 : 16 }));
        w.space(6);
      });
    }
  }
}

function fieldValue(l: DocLabels, key: string, value: string): string {
  return key === 'paymentMethod' ? (l.paymentMethods[value] ?? value) : value;
}

function fieldsBlock(w: Writer, l: DocLabels, fields: Record<string, string>): void {
  const entries = Object.entries(fields).filter(([, v]) => v !== '');
  if (entries.length === 0) return;
  w.space(4);
  w.text(l.keyTerms, { size: 12, style: 'bold', keepWithNext: 20, after: 2 });
  for (const [k, v] of entries) w.text(`${l.fields[k] ?? k}${l.colon}${fieldValue(l, k, v)}`, { size: 9.5, indent: 12 });
  w.space(6);
}

async function embedSignatureImage(doc: PDFDocument, s: SignatureBlock): Promise<PDFImage | undefined> {
  if (!s.imagePng) return undefined;
  const actual = sha256hex(s.imagePng);
  if (s.imageSha256 && s.imageSha256 !== actual) throw new ValidationError(`signature image of ${s.role} does not match its recorded hash`);
  try {
    return await doc.embedPng(s.imagePng);
  } catch {
    throw new ValidationError(`signature image of ${s.role} is not a PNG`);
  }
}

/** The signature page: the text hash, one block per signer (image, name, time, method, image hash), the seal block. */
async function signaturePage(w: Writer, l: DocLabels, input: AgreementPdfInput): Promise<void> {
  const { agreement } = input;
  w.newPage();
  w.text(l.signaturePage, { size: 16, style: 'bold', align: 'center', after: 6 });
  w.muted(l.signaturePageNote, { after: 4 });
  w.text(`${l.docHash}: ${agreement.sha256}`, { size: 8, style: 'mono', after: 2 });
  w.muted(`${l.version}: ${agreement.lockSeq} · ${printedTime(agreement.lockedAt)}`, { after: 10 });

  const sigs = input.signatures ?? [];
  const signers: PartyLine[] = [...input.parties];
  for (const s of sigs) if (!signers.some((p) => p.role === s.role && p.name === s.name)) signers.push({ role: s.role, name: s.name });

  const boxW = 170;
  const boxH = 62;
  for (const p of signers) {
    const sig = sigs.find((s) => s.role === p.role && s.name === p.name);
    w.ensure(boxH + 30);
    const top = w.y;
    const x0 = w.margin.left;
    w.text(`${roleLabel(l, p.role)}${l.colon}${p.name}`, { size: 11, style: 'bold' });
    const boxX = A4[0] - w.margin.right - boxW;
    w.page.drawRectangle({ x: boxX, y: top - boxH, width: boxW, height: boxH, borderColor: rgb(0.6, 0.6, 0.65), borderWidth: 0.6 });
    if (sig) {
      const img = await embedSignatureImage(w.doc, sig);
      if (img) w.imageInBox(img, boxX + 4, top - 4, boxW - 8, boxH - 8);
      else if (sig.typedName) w.drawLine(w.page, sig.typedName, boxX + 10, top - boxH / 2 - 6, 16, 'regular');
      const lines = [
        `${l.signedAt}: ${printedTime(sig.signedAt)}`,
        `${l.method}: ${sig.method === 'drawn' ? l.drawn : l.typed} · ${l.hashConfirmed}`,
      ];
      for (const line of lines) w.text(line, { size: 8.5, indent: 12 });
      const imgHash = sig.imageSha256 ?? (sig.imagePng ? sha256hex(sig.imagePng) : '');
      if (imgHash) w.text(`${l.imageHash}: ${imgHash.slice(0, 32)}…`, { size: 7.5, style: 'mono', indent: 12 });
    } else {
      w.muted(l.notSigned, { indent: 12 });
    }
    w.y = Math.min(w.y, top - boxH) - 14;
    w.page.drawLine({ start: { x: x0, y: w.y + 6 }, end: { x: A4[0] - w.margin.right, y: w.y + 6 }, thickness: 0.3, color: rgb(0.85, 0.85, 0.88) });
  }
  w.ensure(150);
  w.space(6);
  const sealTop = w.y;
  w.text(`${l.sealBlock}${l.colon}${input.caseInfo.orgName}`, { size: 11, style: 'bold' });
  w.muted(l.sealNote);
  // The visible seal (drawn when the seal is applied with visibleSeal) goes to the right of the seal block.
  markSealSlot(w.page, [A4[0] - w.margin.right - 120, sealTop - 125, 120, 120]);
  w.y = Math.min(w.y, sealTop - 130);
}

export interface AgreementPdfInput {
  agreement: LockedAgreement;
  caseInfo: CaseInfo;
  /** Party and signer lines (applicant, respondent, mediator, arbitrator...), in the order they are printed. */
  parties: PartyLine[];
  /** Signatures collected so far; drawn on the signature page. */
  signatures?: SignatureBlock[];
  /** Creation time written into the metadata (default now). */
  createdAt?: Date;
  /** Embed font subsets (default). false embeds the whole faces: only for measuring what subsetting saves. */
  fontSubset?: boolean;
}

/**
 * Renders the locked agreement. Refuses (ValidationError) when `agreement.sha256` is not the SHA-256 of its text, when
 * a signature block confirms another hash, or when a signature image is not a PNG or does not match its hash.
 */
export async function renderAgreementPdf(input: AgreementPdfInput): Promise<Uint8Array> {
  const { agreement, caseInfo } = input;
  if (sha256hex(Buffer.from(agreement.text, 'utf8')) !== agreement.sha256) throw new ValidationError('agreement text does not match its sha256');
  for (const s of input.signatures ?? []) {
    if (s.documentSha256 !== agreement.sha256) throw new ValidationError(`signature of ${s.role} confirms another text (hash mismatch)`);
  }
  const languages = frameLanguages(caseInfo, agreement.language);
  const l = docLabels(languages, caseInfo);
  const doc = await PDFDocument.create({ updateMetadata: false });
  const fonts = await embedFonts(doc, { subset: input.fontSubset ?? true });
  const short = agreement.sha256.slice(0, 16);
  const w = new Writer(doc, fonts, {
    header: { left: `${caseInfo.orgName} · ${caseInfo.orgNameEn}`, right: `${l.caseNo} ${caseInfo.number}` },
    footer: (i, n) => `${agreement.title} · v${agreement.lockSeq} · SHA-256 ${short}… · ${l.page(i, n)}`,
  });
  w.newPage();
  titleBlock(w, caseInfo, agreement.title, `${l.caseNo}${l.colon}${caseInfo.number}${l.gap}${l.site}${l.colon}${siteLabel(l, caseInfo.site)}${l.gap}${l.version}${l.colon}${agreement.lockSeq}`);
  partyBlock(w, l, input.parties.filter((p) => p.role === 'applicant' || p.role === 'respondent'));
  clauses(w, agreement);
  fieldsBlock(w, l, agreement.fields);
  await signaturePage(w, l, input);
  w.finish();
  applyMetadata(doc, {
    title: agreement.title, author: caseInfo.orgName, subject: `${caseInfo.number} ${agreement.title}`,
    keywords: [caseInfo.number, `agreement:${agreement.agreementId}`, `lockSeq:${agreement.lockSeq}`, `sha256:${agreement.sha256}`],
    languages, created: input.createdAt ?? new Date(),
  });
  return save(doc);
}

export interface PerformanceNoticeInput {
  agreement: Pick<LockedAgreement, 'agreementId' | 'title' | 'language' | 'lockSeq' | 'sha256' | 'fields'>;
  caseInfo: CaseInfo;
  /** Addressees (the parties). */
  parties: PartyLine[];
  /** When the agreement took effect (the seal), ISO-8601. */
  effectiveAt: string;
  /** Obligations to perform, one per line; default: the payment fields of the agreement (amount, currency, date, method...). */
  obligations?: string[];
  createdAt?: Date;
}

/** The performance notice (履行告知书) given to the parties after the agreement took effect. */
export async function renderPerformanceNotice(input: PerformanceNoticeInput): Promise<Uint8Array> {
  const { agreement, caseInfo } = input;
  const languages = frameLanguages(caseInfo, agreement.language);
  const l = docLabels(languages, caseInfo);
  const doc = await PDFDocument.create({ updateMetadata: false });
  const fonts = await embedFonts(doc);
  const w = new Writer(doc, fonts, {
    header: { left: `${caseInfo.orgName} · ${caseInfo.orgNameEn}`, right: `${l.caseNo} ${caseInfo.number}` },
    footer: (i, n) => `${l.noticeTitle} · ${caseInfo.number} · ${l.page(i, n)}`,
  });
  w.newPage();
  titleBlock(w, caseInfo, l.noticeTitle, `${l.caseNo}${l.colon}${caseInfo.number}${l.gap}${l.site}${l.colon}${siteLabel(l, caseInfo.site)}`);
  const to = input.parties.filter((p) => p.role === 'applicant' || p.role === 'respondent');
  w.text(`${l.noticeTo}${l.colon}${to.map((p) => `${roleLabel(l, p.role)} ${p.name}`).join(l.listSep)}`, { size: 11, after: 8 });
  for (const para of l.noticeBody(agreement.title, caseInfo.orgName)) w.text(para, { size: 10.5, after: 6 });
  const f = agreement.fields;
  const obligations =
    input.obligations ??
    (f.amount && f.paymentDate ? [l.payment(f.amount, f.currency ?? '', f.paymentDate, f.paymentMethod ? fieldValue(l, 'paymentMethod', f.paymentMethod) : null)] : []);
  if (obligations.length) {
    w.text(l.obligations, { size: 11.5, style: 'bold', keepWithNext: 20, after: 2 });
    obligations.forEach((o, i) => w.text(`${i + 1}. ${o}`, { size: 10.5, indent: 12 }));
    w.space(8);
  }
  l.noticeRights.forEach((r, i) => w.text(`${l.item(i)}${r}`, { size: 10.5, after: 4 }));
  w.space(10);
  w.text(`${l.docHash}: ${agreement.sha256}`, { size: 7.5, style: 'mono', after: 10 });
  w.ensure(130);
  markSealSlot(w.page, [A4[0] - w.margin.right - 150, w.y - 110, 110, 110]);
  w.text(`${l.issuedBy}${l.colon}${caseInfo.orgName}`, { size: 11, align: 'right' });
  w.text(`${l.issuedAt}${l.colon}${printedDate(input.effectiveAt)}`, { size: 11, align: 'right' });
  w.muted(l.sealNote, { after: 0 });
  w.finish();
  applyMetadata(doc, {
    title: `${l.noticeTitle} ${caseInfo.number}`, author: caseInfo.orgName, subject: `${l.noticeTitle}: ${agreement.title}`,
    keywords: [caseInfo.number, `agreement:${agreement.agreementId}`, `sha256:${agreement.sha256}`], languages,
    created: input.createdAt ?? new Date(),
  });
  return save(doc);
}

export interface RulingPdfInput {
  caseInfo: CaseInfo;
  courtName: string;
  courtNameEn?: string;
  judgeName: string;
  clerkName?: string;
  rulingNumber: string;
  agreement: Pick<LockedAgreement, 'agreementId' | 'title' | 'language' | 'sha256'>;
  /** SHA-256 of the sealed agreement PDF the court reviewed. */
  agreementPdfSha256: string;
  /** The applicants (parties) of the confirmation. */
  parties: PartyLine[];
  requestedAt?: string;
  decidedAt: string;
  /** Default 'confirmed'. */
  decision?: 'confirmed' | 'rejected';
  /** The court's note, or the reasons of a rejection. */
  note: string | null;
  createdAt?: Date;
}

/** The court's ruling on judicial confirmation (司法确认): confirmed (default) or rejected with reasons. */
export async function renderRulingPdf(input: RulingPdfInput): Promise<Uint8Array> {
  const { caseInfo, agreement } = input;
  const languages = frameLanguages(caseInfo, agreement.language);
  const l = docLabels(languages, caseInfo);
  const decision = input.decision ?? 'confirmed';
  if (decision === 'rejected' && !input.note?.trim()) throw new ValidationError('a rejection needs its reasons');
  const doc = await PDFDocument.create({ updateMetadata: false });
  const fonts = await embedFonts(doc);
  const courtEn = input.courtNameEn ?? '';
  const w = new Writer(doc, fonts, {
    header: { left: courtEn ? `${input.courtName} · ${courtEn}` : input.courtName, right: `${l.rulingNo} ${input.rulingNumber}` },
    footer: (i, n) => `${l.rulingTitle} ${input.rulingNumber} · ${l.page(i, n)}`,
  });
  w.newPage();
  titleBlock(w, { ...caseInfo, orgName: input.courtName, orgNameEn: courtEn }, l.rulingTitle, `${l.rulingNo}${l.colon}${input.rulingNumber}${l.gap}${l.caseNo}${l.colon}${caseInfo.number}`);
  w.text(l.applicants, { size: 12, style: 'bold', keepWithNext: 20, after: 2 });
  for (const p of input.parties) w.text(`${roleLabel(l, p.role)}${l.colon}${p.name}`, { indent: 12 });
  w.space(8);
  w.text(l.rulingFacts(caseInfo.orgName, agreement.title, printedDate(input.requestedAt ?? input.decidedAt)), { after: 6 });
  w.text(`${l.docHash}: ${agreement.sha256}`, { size: 7.5, style: 'mono' });
  w.text(`PDF SHA-256: ${input.agreementPdfSha256}`, { size: 7.5, style: 'mono', after: 8 });
  if (decision === 'confirmed') {
    w.text(l.rulingConfirmedReason, { after: 6 });
    if (input.note?.trim()) w.text(input.note.trim(), { after: 6 });
    for (const o of l.rulingConfirmedOrder(agreement.title)) w.text(o, { after: 6 });
  } else {
    w.text(l.rulingRejectedReason, { after: 4 });
    for (const line of input.note!.trim().split('\n')) w.text(line, { indent: 12 });
    w.space(6);
    for (const o of l.rulingRejectedOrder) w.text(o, { after: 6 });
  }
  w.space(18);
  w.ensure(130);
  markSealSlot(w.page, [A4[0] - w.margin.right - 170, w.y - 110, 110, 110]);
  w.text(`${l.judge}${l.colon}${input.judgeName}`, { size: 11, align: 'right' });
  if (input.clerkName) w.text(`${l.clerk}${l.colon}${input.clerkName}`, { size: 11, align: 'right' });
  w.text(`${l.decidedAt}${l.colon}${printedDate(input.decidedAt)}`, { size: 11, align: 'right', after: 10 });
  w.muted(l.courtSealNote);
  w.finish();
  applyMetadata(doc, {
    title: `${l.rulingTitle} ${input.rulingNumber}`, author: input.courtName, subject: `${caseInfo.number} ${agreement.title}`,
    keywords: [caseInfo.number, input.rulingNumber, `agreement:${agreement.agreementId}`, `sha256:${agreement.sha256}`, `decision:${decision}`],
    languages, created: input.createdAt ?? new Date(),
  });
  return save(doc);
}

/**
 * The certificate's JSON twin: the object with keys in a fixed order, two-space indented, UTF-8. Its SHA-256 is printed
 * on the certificate page (so the page and the JSON kept in the case file are bound to each other).
 */
export function completionCertificateJson(cert: CompletionCertificate): string {
  const c = {
    kind: 'concord.completion-certificate/v1',
    agreementId: cert.agreementId, title: cert.title, caseNumber: cert.caseNumber, organisation: cert.organisation,
    lockSeq: cert.lockSeq, documentSha256: cert.documentSha256,
    signingEvents: cert.signingEvents.map((e) => ({
      role: e.role, name: e.name, signedAt: e.signedAt, ip: e.ip, userAgent: e.userAgent, method: e.method,
      imageSha256: e.imageSha256, documentSha256: e.documentSha256, auditSeq: e.auditSeq, auditHash: e.auditHash,
      ...(e.identityCheck ? { identityCheck: e.identityCheck } : {}),
    })),
    draftingHistorySha256: cert.draftingHistorySha256, hearingRecordSha256: cert.hearingRecordSha256,
    recordings: cert.recordings.map((r) => ({ id: r.id, sha256: r.sha256, ...(r.name ? { name: r.name } : {}) })),
    auditChainHead: { seq: cert.auditChainHead.seq, hash: cert.auditChainHead.hash },
    ...(cert.manifestSha256 ? { manifestSha256: cert.manifestSha256 } : {}),
    sealedAt: cert.sealedAt,
  };
  return `${JSON.stringify(c, null, 2)}\n`;
}

/**
 * Appends the certificate of completion as the last page, as an incremental update: the input's bytes stay a prefix
 * of the output, so signatures already applied stay valid (the verifier reports the added page as a certificate page,
 * and the organisation's seal, applied after it, covers it). The page is marked `/ConcordPage /CompletionCertificate`.
 */
export async function appendCompletionCertificate(pdf: Uint8Array, cert: CompletionCertificate): Promise<Uint8Array> {
  const l = docLabels(cert.languages ?? [cert.language ?? 'zh-Hans']);
  const session = await beginUpdate(pdf);
  const doc = session.doc;
  const fonts = await embedFonts(doc);
  const w = new Writer(doc, fonts, {
    header: { left: cert.organisation, right: `${l.caseNo} ${cert.caseNumber}` },
    footer: () => `${l.certTitle} · ${cert.caseNumber} · SHA-256 ${cert.documentSha256.slice(0, 16)}…`,
  });
  w.newPage();
  markPage(w.page, 'CompletionCertificate');
  w.text(l.certTitle, { size: 16, style: 'bold', align: 'center', after: 2 });
  w.muted(`${cert.title} · ${l.caseNo} ${cert.caseNumber} · ${l.version} ${cert.lockSeq}`, { align: 'center', after: 6 });
  w.muted(l.certIntro, { after: 4 });
  w.text(`${l.docHash}: ${cert.documentSha256}`, { size: 7.5, style: 'mono', after: 8 });
  w.text(l.certEvents, { size: 11.5, style: 'bold', keepWithNext: 20, after: 2 });
  cert.signingEvents.forEach((e, i) => {
    w.text(`${i + 1}. ${roleLabel(l, e.role)} ${e.name} · ${printedTime(e.signedAt)} · ${e.method === 'drawn' ? l.drawn : l.typed}`, { size: 9, keepWithNext: 40 });
    w.text(`${l.ip} ${e.ip} · ${l.userAgent} ${e.userAgent.slice(0, 90)}`, { size: 7.5, indent: 14 });
    if (e.identityCheck) w.text(`${l.identity}: ${e.identityCheck}`, { size: 7.5, indent: 14 });
    w.text(`doc ${e.documentSha256} · img ${e.imageSha256.slice(0, 24)}… · audit #${e.auditSeq} ${e.auditHash.slice(0, 16)}…`, { size: 6.5, style: 'mono', indent: 14, after: 3 });
  });
  w.space(6);
  w.text(l.certHashes, { size: 11.5, style: 'bold', keepWithNext: 20, after: 2 });
  const mono = { size: 7, style: 'mono' as const, indent: 14 };
  w.text(`${l.draftingHistory}:`, { size: 9 });
  w.text(cert.draftingHistorySha256, mono);
  w.text(`${l.hearingRecord}:`, { size: 9 });
  w.text(cert.hearingRecordSha256 ?? l.none, mono);
  w.text(`${l.recordings}:`, { size: 9 });
  if (cert.recordings.length === 0) w.text(l.none, mono);
  for (const r of cert.recordings) w.text(`${r.name ?? r.id}  ${r.sha256}`, mono);
  w.text(`${l.auditHead}:`, { size: 9 });
  w.text(`#${cert.auditChainHead.seq}  ${cert.auditChainHead.hash}`, mono);
  if (cert.manifestSha256) {
    w.text(`${l.manifest}:`, { size: 9 });
    w.text(cert.manifestSha256, mono);
  }
  w.space(6);
  w.text(`${l.sealedAt}: ${printedTime(cert.sealedAt)}`, { size: 9.5 });
  w.text(`${l.jsonTwin}: ${sha256hex(Buffer.from(completionCertificateJson(cert), 'utf8'))}`, { size: 7.5, style: 'mono' });
  w.finish();
  // Keep the document information in step (a new ModDate); the original Info object is replaced in the update.
  doc.setModificationDate(new Date(cert.sealedAt));
  return finishUpdate(session);
}
