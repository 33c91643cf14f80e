import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import { PDFArray, PDFDocument, PDFHexString, PDFName, PDFNumber, PDFDict, PDFRawStream, rgb, StandardFonts, decodePDFRawStream } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../server/store/db.js';
import {
  appendCompletionCertificate, completionCertificateJson, OrgCredentialStore, renderAgreementPdf, renderPerformanceNotice, renderRulingPdf,
  signPdf, verifyPdf, type OrgCredentials,
} from '../../server/documents/index.js';
import { beginUpdate, finishUpdate } from '../../server/documents/incremental.js';
import { CASE_INFO, PARTIES, sampleAgreement, sampleCertificate, sampleSignatures, sha256, signaturePng } from './samples.js';

/**
 * The documents layer end to end on real tools: render the agreement, sign it per signer (PAdES, incremental), append
 * the certificate of completion, seal it; then poppler's pdfsig / pdftotext / pdffonts, qpdf --check, our verifier,
 * and three kinds of tampering.
 */

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-doc-'));
let store: Store;
let creds: OrgCredentialStore;
let org: OrgCredentials;
let court: OrgCredentials;
let anchors: string[];
const agreement = sampleAgreement({ pages: 2 });
const sigs = sampleSignatures(agreement);
const cert = sampleCertificate(agreement, sigs);
let unsigned: Uint8Array;
let sealed: Uint8Array;
let sealedFile: string;

const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8' });
const write = (name: string, b: Uint8Array) => {
  const f = path.join(dir, name);
  fs.writeFileSync(f, b);
  return f;
};

/** pdfsig's per-signature blocks: validation line and whether it covers the whole document. */
function pdfsig(file: string): { valid: boolean; total: boolean; cert: string }[] {
  const out = run('pdfsig', [file]).stdout;
  return out.split(/Signature #\d+:/).slice(1).map((b) => ({
    valid: /Signature Validation: Signature is Valid\./.test(b),
    total: /Total document signed/.test(b) && !/Not total document signed/.test(b),
    cert: /Certificate Validation: (.*)/.exec(b)?.[1] ?? '',
  }));
}

beforeAll(async () => {
  store = await openStore({ kind: 'sqlite', file: ':memory:' });
  const now = new Date().toISOString();
  await store.db.insertInto('organisations').values([
    { id: 'org_med', name: CASE_INFO.orgName, name_en: CASE_INFO.orgNameEn, site: 'guangzhou', kind: 'mediation', created_at: now },
    { id: 'org_court', name: '广州市天河区人民法院', name_en: 'Tianhe District People\'s Court', site: 'guangzhou', kind: 'court', created_at: now },
  ]).execute();
  creds = new OrgCredentialStore(store.db, 'documents-test-secret');
  org = await creds.forOrg('org_med');
  court = await creds.forOrg('org_court');
  anchors = (await creds.trustAnchors()).map((a) => a.caPem);

  unsigned = await renderAgreementPdf({ agreement, caseInfo: CASE_INFO, parties: PARTIES, signatures: sigs });
  let pdf = unsigned;
  for (const s of sigs) {
    const c = await creds.forSigner('org_med', { name: s.name, role: s.role, caseNumber: CASE_INFO.number });
    pdf = await signPdf(pdf, { credentials: c, name: s.name, reason: `${s.role} signs agreement sha256 ${agreement.sha256}`, location: 'Guangzhou' });
  }
  pdf = await appendCompletionCertificate(pdf, cert);
  sealed = await signPdf(pdf, { credentials: org, name: org.subjectName, reason: 'Seal of the mediation organisation', location: 'Guangzhou', visibleSeal: true });
  sealedFile = write('sealed.pdf', sealed);
}, 120_000);

afterAll(async () => {
  await store?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('agreement PDF, signed and sealed', () => {
  it('pdfsig: every signature valid, the seal covers the whole document; the self-issued CA is reported as not trusted', () => {
    const r = pdfsig(sealedFile);
    expect(r).toHaveLength(4);
    expect(r.every((s) => s.valid)).toBe(true);
    expect(r.map((s) => s.total)).toEqual([false, false, false, true]);
    // Our organisation CA is self-issued and not in poppler's NSS store: pdfsig says so, the signatures are still valid.
    expect(r[3]!.cert).toMatch(/isn't Trusted|unknown/);
  });

  it('qpdf --check finds no structural error', () => {
    const r = run('qpdf', ['--check', sealedFile]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('No syntax or stream encoding errors');
  });

  it('pdftotext extracts the Simplified and Traditional Chinese, English and Portuguese text', () => {
    const text = run('pdftotext', ['-enc', 'UTF-8', sealedFile, '-']).stdout;
    expect(text).toContain('劳动争议调解协议书');
    expect(text).toContain('广州市劳动人事争议调解中心');
    expect(text).toContain('雙方確認申請人自二〇二一年三月一日起在被申請人處工作');
    expect(text).toContain('one payment no later');
    expect(text).toContain('Maria da Conceição');
    expect(text).toMatch(/confirmação da transferência/);
    expect(text).toContain('签署页');
    expect(text).toContain(agreement.sha256);
    // The certificate of completion is the last page and carries its JSON twin's hash.
    const pages = Number(/Pages:\s+(\d+)/.exec(run('pdfinfo', [sealedFile]).stdout)![1]);
    const last = run('pdftotext', ['-enc', 'UTF-8', '-f', String(pages), '-l', String(pages), sealedFile, '-']).stdout;
    expect(last).toContain('完成证明书');
    expect(last).toContain(sha256(Buffer.from(completionCertificateJson(cert), 'utf8')));
    expect(last).toContain(cert.auditChainHead.hash);
  });

  it('fonts are embedded as tagged subsets, far smaller than the faces', () => {
    const out = run('pdffonts', [sealedFile]).stdout.split('\n').slice(2).filter(Boolean);
    expect(out.length).toBeGreaterThan(0);
    for (const line of out) {
      expect(line).toMatch(/^[A-Z]{6}\+/);
      expect(line).toMatch(/yes\s+yes\s+yes/); // emb sub uni
    }
    expect(unsigned.length).toBeLessThan(400_000); // the CJK face alone is 4 MB
  });

  it('the embedded CJK subset has intact glyphs (regression: fontkit wrote odd-length glyphs into a short loca)', async () => {
    const doc = await PDFDocument.load(unsigned);
    let checked = 0;
    for (const [, obj] of doc.context.enumerateIndirectObjects()) {
      if (!(obj instanceof PDFDict) || obj.get(PDFName.of('Type')) !== PDFName.of('FontDescriptor')) continue;
      if (!String(obj.get(PDFName.of('FontName'))).includes('DroidSansFallback')) continue;
      const stream = obj.lookup(PDFName.of('FontFile2')) as PDFRawStream;
      const bytes = decodePDFRawStream(stream).decode();
      const font = fontkit.create(Buffer.from(bytes)) as unknown as { numGlyphs: number; getGlyph(i: number): { path: { commands: unknown[] }; bbox: { minX: number; maxX: number } } };
      let drawn = 0;
      for (let g = 1; g < font.numGlyphs; g++) {
        const glyph = font.getGlyph(g);
        if (glyph.path.commands.length > 0 && glyph.bbox.maxX > glyph.bbox.minX) drawn++;
      }
      // Every glyph but spaces has an outline; corrupted offsets leave most of them empty.
      expect(drawn / (font.numGlyphs - 1)).toBeGreaterThan(0.9);
      checked++;
    }
    expect(checked).toBe(1);
  });

  it('the seal is visible on the signature page, as the appearance of its own signature widget', async () => {
    const doc = await PDFDocument.load(sealed);
    const pages = doc.getPages();
    const sigPage = pages[pages.length - 2]!; // the certificate of completion comes after it
    const annots = sigPage.node.lookup(PDFName.of('Annots'), PDFArray);
    const seal = Array.from({ length: annots.size() }, (_, i) => annots.lookup(i, PDFDict)).find((a) => {
      const r = a.lookup(PDFName.of('Rect'), PDFArray);
      return (r.lookup(2) as PDFNumber).asNumber() > (r.lookup(0) as PDFNumber).asNumber();
    });
    expect(seal).toBeDefined();
    const ap = seal!.lookup(PDFName.of('AP'), PDFDict).lookup(PDFName.of('N')) as PDFRawStream;
    expect(ap.dict.lookup(PDFName.of('Resources'), PDFDict).lookup(PDFName.of('Font'), PDFDict).keys().length).toBeGreaterThan(0);
    // Signer signatures stay invisible (zero rectangle) on the last page they were given.
    const r = await verifyPdf(sealed);
    expect(r.ok).toBe(true);
  });

  it('our verifier: four valid signatures, trusted with our CAs, nothing changed after signing', async () => {
    const r = await verifyPdf(sealed, { trustAnchors: anchors });
    expect(r.ok, JSON.stringify(r.problems)).toBe(true);
    expect(r.modifiedAfterSigning).toBe(false);
    expect(r.signatures.map((s) => s.signerName)).toEqual([...PARTIES.map((p) => p.name), CASE_INFO.orgName]);
    for (const s of r.signatures) {
      expect(s.valid, JSON.stringify(s.problems)).toBe(true);
      expect(s.trusted).toBe(true);
      expect(s.certificateBound).toBe(true);
      expect(s.subFilter).toBe('ETSI.CAdES.detached');
    }
    expect(r.signatures[0]!.certificate!.subject).toContain('CN=陈小明');
    expect(r.signatures[0]!.changesAfter).toMatchObject({ signaturesAdded: 3, certificatePagesAdded: [r.pages - 1], pagesChanged: [], contentChanged: false });
    expect(r.signatures[3]!.coversWholeDocument).toBe(true);
    // Without trust anchors the signatures are still valid, just not trusted.
    const untrusted = await verifyPdf(sealed);
    expect(untrusted.ok).toBe(true);
    expect(untrusted.signatures.every((s) => !s.trusted)).toBe(true);
  });
});

describe('tampering is caught', () => {
  it('one flipped byte of signed content: our verifier and pdfsig', async () => {
    const bad = Buffer.from(sealed);
    // A byte inside the first page's content stream (covered by every signature).
    const doc = await PDFDocument.load(unsigned);
    const contents = doc.getPages()[0]!.node.Contents()!;
    expect(contents).toBeDefined();
    const at = bad.indexOf('stream\n', bad.indexOf('/Filter /FlateDecode')) + 40;
    bad[at] = bad[at]! ^ 0x01;
    const r = await verifyPdf(bad);
    expect(r.ok).toBe(false);
    expect(r.signatures.every((s) => !s.digestValid && !s.valid)).toBe(true);
    expect(r.modifiedAfterSigning).toBe(true);
    const ps = pdfsig(write('flipped.pdf', bad));
    expect(ps.length).toBe(4);
    expect(ps.every((s) => !s.valid)).toBe(true);
  });

  it('an incremental update that changes text after the seal: our verifier and pdfsig', async () => {
    const s = await beginUpdate(sealed);
    const page = s.doc.getPages()[0]!;
    const font = await s.doc.embedFont(StandardFonts.Helvetica);
    page.drawRectangle({ x: 60, y: 600, width: 300, height: 40, color: rgb(1, 1, 1) });
    page.drawText('CNY 99,999.00', { x: 64, y: 610, size: 14, font });
    const changed = await finishUpdate(s);
    expect(Buffer.from(changed.subarray(0, sealed.length)).equals(Buffer.from(sealed))).toBe(true);
    const r = await verifyPdf(changed);
    expect(r.ok).toBe(false);
    expect(r.modifiedAfterSigning).toBe(true);
    const seal = r.signatures[3]!;
    expect(seal.digestValid && seal.signatureValid).toBe(true); // the sealed bytes themselves are intact
    expect(seal.coversWholeDocument).toBe(false);
    expect(seal.changesAfter.pagesChanged).toContain(0);
    expect(seal.valid).toBe(false);
    const ps = pdfsig(write('updated.pdf', changed));
    // pdfsig: the signature still verifies over its range, and it reports that it no longer covers the document.
    expect(ps[3]).toMatchObject({ valid: true, total: false });
    expect(run('pdfsig', [path.join(dir, 'updated.pdf')]).stdout).toContain('Not total document signed');
  });

  it('the signature image replaced in an update, or in place', async () => {
    // In an incremental update: the signature page now draws another image.
    const s = await beginUpdate(sealed);
    const pages = s.doc.getPages();
    const sigPage = pages[pages.length - 2]!; // the last page is the certificate of completion
    const xobjects = sigPage.node.Resources()!.lookup(PDFName.of('XObject'), PDFDict);
    const imageKey = xobjects.keys().find((k) => k.asString().startsWith('/Image'))!;
    const forged = await s.doc.embedPng(signaturePng(9));
    await s.doc.flush();
    xobjects.set(imageKey, forged.ref);
    const swapped = await finishUpdate(s);
    const r = await verifyPdf(swapped);
    expect(r.ok).toBe(false);
    expect(r.signatures[3]!.changesAfter.pagesChanged).toContain(pages.length - 2);
    expect(r.signatures[0]!.changesAfter.contentChanged).toBe(true);

    // In place: the image stream's bytes edited inside the signed range.
    const bad = Buffer.from(sealed);
    const doc = await PDFDocument.load(unsigned);
    const img = doc.context.lookup(doc.getPages()[doc.getPageCount() - 1]!.node.Resources()!.lookup(PDFName.of('XObject'), PDFDict).get(imageKey)) as PDFRawStream;
    const needle = Buffer.from(img.contents.subarray(0, 32));
    const at = bad.indexOf(needle);
    expect(at).toBeGreaterThan(0);
    bad[at + 10] = bad[at + 10]! ^ 0xff;
    const r2 = await verifyPdf(bad);
    expect(r2.ok).toBe(false);
    expect(r2.signatures.every((x) => !x.digestValid)).toBe(true);
  });

  it('an update that adds an open action (JavaScript) or a non-signature annotation', async () => {
    const s = await beginUpdate(sealed);
    s.doc.catalog.set(PDFName.of('OpenAction'), s.doc.context.obj({ S: 'JavaScript', JS: PDFHexString.fromText('app.alert(1)') }));
    const r = await verifyPdf(await finishUpdate(s));
    expect(r.ok).toBe(false);
    expect(r.signatures[3]!.changesAfter.catalogChanged).toEqual(['/OpenAction']);

    const s2 = await beginUpdate(sealed);
    const page = s2.doc.getPages()[0]!;
    const note = s2.doc.context.register(s2.doc.context.obj({ Type: 'Annot', Subtype: 'FreeText', Rect: [60, 600, 360, 640], Contents: PDFHexString.fromText('CNY 99,999.00'), DA: '/Helv 12 Tf 0 g' }));
    page.node.set(PDFName.of('Annots'), s2.doc.context.obj([note]));
    const r2 = await verifyPdf(await finishUpdate(s2));
    expect(r2.ok).toBe(false);
    expect(r2.signatures[3]!.changesAfter.annotationsAdded).toEqual(['FreeText']);
  });

  it('refuses what it cannot honestly produce or check', async () => {
    await expect(renderAgreementPdf({ agreement: { ...agreement, text: `${agreement.text}x\n` }, caseInfo: CASE_INFO, parties: PARTIES })).rejects.toThrow(/sha256/);
    await expect(renderAgreementPdf({ agreement, caseInfo: CASE_INFO, parties: PARTIES, signatures: [{ ...sigs[0]!, documentSha256: '0'.repeat(64) }] })).rejects.toThrow(/hash mismatch/);
    await expect(renderAgreementPdf({ agreement, caseInfo: CASE_INFO, parties: PARTIES, signatures: [{ ...sigs[0]!, imageSha256: '0'.repeat(64) }] })).rejects.toThrow(/recorded hash/);
    // A PDF ending in a cross-reference stream cannot take an incremental update from us.
    const xrefStream = await (await PDFDocument.load(unsigned)).save({ useObjectStreams: true });
    await expect(signPdf(xrefStream, { credentials: org, name: 'x', reason: 'x', location: 'x' })).rejects.toThrow(/classic xref/);
    expect((await verifyPdf(unsigned)).problems).toContain('the PDF has no signature');
    expect((await verifyPdf(Buffer.from('hello'))).problems).toContain('not a PDF file');
  });
});

describe('performance notice and court ruling', () => {
  it('render, seal (court certificate for the ruling) and check with pdfsig and pdftotext', async () => {
    const notice = await signPdf(await renderPerformanceNotice({ agreement, caseInfo: CASE_INFO, parties: PARTIES, effectiveAt: cert.sealedAt }), {
      credentials: org, name: org.subjectName, reason: 'Performance notice', location: 'Guangzhou',
    });
    const nf = write('notice.pdf', notice);
    expect(pdfsig(nf)).toEqual([expect.objectContaining({ valid: true, total: true })]);
    const nt = run('pdftotext', ['-enc', 'UTF-8', nf, '-']).stdout;
    expect(nt).toContain('履行告知书');
    expect(nt).toContain('支付令');

    for (const decision of ['confirmed', 'rejected'] as const) {
      const ruling = await signPdf(await renderRulingPdf({
        caseInfo: CASE_INFO, courtName: '广州市天河区人民法院', courtNameEn: 'Tianhe District People\'s Court', judgeName: '王审判', rulingNumber: '(2026)粤0106民特123号',
        agreement, agreementPdfSha256: sha256(sealed), parties: PARTIES.slice(0, 2), decidedAt: '2026-12-02T09:00:00Z', decision,
        note: decision === 'rejected' ? '协议第三条约定的支付期限超出法定期限。' : null,
      }), { credentials: court, name: court.subjectName, reason: 'Judicial confirmation ruling', location: 'Guangzhou' });
      const rf = write(`ruling-${decision}.pdf`, ruling);
      expect(pdfsig(rf)).toEqual([expect.objectContaining({ valid: true, total: true })]);
      const rt = run('pdftotext', ['-enc', 'UTF-8', rf, '-']).stdout;
      expect(rt).toContain('民事裁定书');
      expect(rt).toContain(decision === 'confirmed' ? '有效' : '驳回');
      const v = await verifyPdf(ruling, { trustAnchors: anchors });
      expect(v.ok).toBe(true);
      expect(v.signatures[0]!.certificate!.commonName).toBe('广州市天河区人民法院');
    }
    await expect(renderRulingPdf({
      caseInfo: CASE_INFO, courtName: 'c', judgeName: 'j', rulingNumber: 'n', agreement, agreementPdfSha256: 'x', parties: [], decidedAt: cert.sealedAt, decision: 'rejected', note: ' ',
    })).rejects.toThrow(/reasons/);
  });
});

describe('organisation credentials', () => {
  it('keys are encrypted at rest, bound to the organisation, readable only with the service secret', async () => {
    const row = await (store.db as any).selectFrom('org_credentials').selectAll().where('org_id', '=', 'org_med').executeTakeFirstOrThrow();
    expect(row.key_enc).toMatch(/^v1\./);
    expect(row.key_enc).not.toContain('PRIVATE KEY');
    expect(row.ca_key_enc).not.toContain('PRIVATE KEY');
    expect(row.cert_pem).toBe(org.certPem);
    // Same secret, new process: same certificate. Other secret: the key does not open.
    const again = await new OrgCredentialStore(store.db, 'documents-test-secret').forOrg('org_med');
    expect(again.certSha256).toBe(org.certSha256);
    expect(again.keyPem).toBe(org.keyPem);
    await expect(new OrgCredentialStore(store.db, 'another-secret').forOrg('org_med')).rejects.toThrow();
    // A key box moved to another organisation's row does not open either (the org id is authenticated data).
    await (store.db as any).updateTable('org_credentials').set({ key_enc: row.key_enc }).where('org_id', '=', 'org_court').execute();
    await expect(new OrgCredentialStore(store.db, 'documents-test-secret').forOrg('org_court')).rejects.toThrow();
    await expect(creds.forOrg('org_nope')).rejects.toThrow(/not found/);
    // The PKCS#12 export opens with its password and holds the seal key and chain.
    const forge = (await import('node-forge')).default;
    const p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(org.p12.toString('binary')), org.p12Password);
    expect(p12.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!]!.length).toBe(2);
  });

  it('concurrent first uses create one set of credentials', async () => {
    const now = new Date().toISOString();
    await store.db.insertInto('organisations').values({ id: 'org_race', name: '珠海横琴调解中心', name_en: 'Hengqin Mediation Centre', site: 'zhuhai', kind: 'mediation', created_at: now }).execute();
    const [a, b] = await Promise.all([
      new OrgCredentialStore(store.db, 'documents-test-secret').forOrg('org_race'),
      new OrgCredentialStore(store.db, 'documents-test-secret').forOrg('org_race'),
    ]);
    expect(a.certSha256).toBe(b.certSha256);
    expect(await (store.db as any).selectFrom('org_credentials').select('org_id').where('org_id', '=', 'org_race').execute()).toHaveLength(1);
  });

  it('a signing time before the signer certificate goes to the reason, not to /M', async () => {
    const c = await creds.forSigner('org_med', { name: '陈小明', role: 'applicant', caseNumber: CASE_INFO.number });
    const earlier = new Date(Date.now() - 3 * 3600_000);
    const pdf = await signPdf(unsigned, { credentials: c, name: '陈小明', reason: 'applicant signs', location: 'Guangzhou', signingTime: earlier });
    const r = await verifyPdf(pdf, { trustAnchors: anchors });
    expect(r.ok, JSON.stringify(r.signatures[0]?.problems)).toBe(true);
    expect(r.signatures[0]!.reason).toBe(`applicant signs (signed ${earlier.toISOString()})`);
    expect(new Date(r.signatures[0]!.signingTime!).getTime()).toBeGreaterThan(earlier.getTime());
    // A signing time inside the certificate's validity is written as /M (to the second).
    const later = new Date(Date.now() + 1000);
    const pdf2 = await signPdf(unsigned, { credentials: org, name: 'seal', reason: 'seal', location: 'Guangzhou', signingTime: later });
    expect((await verifyPdf(pdf2)).signatures[0]!.signingTime).toBe(new Date(Math.floor(later.getTime() / 1000) * 1000).toISOString());
  });

  it('openssl reads the seal certificate: issued by the self-issued organisation CA, for signing', () => {
    const f = write('seal.pem', Buffer.from(org.certPem));
    const ca = write('ca.pem', Buffer.from(org.caPem));
    const out = execFileSync('openssl', ['verify', '-CAfile', ca, f], { encoding: 'utf8' });
    expect(out).toContain(': OK');
    const text = execFileSync('openssl', ['x509', '-in', f, '-noout', '-text'], { encoding: 'utf8' });
    expect(text).toMatch(/Digital Signature, Non Repudiation/);
  });
});
