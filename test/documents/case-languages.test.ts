import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseBody, startTestServer, type TestServer } from '../helpers/server.js';
import { createCase, expectError, snapshot } from '../helpers/fixtures.js';
import { demoWithSessions, download, lock, pdfsig, run, signAs, type Demo } from '../signing/helpers.js';
import { deriveCaseLanguages } from '../../server/cases/languages.js';
import { docLabels } from '../../server/documents/bilingual.js';
import { labelsFor } from '../../server/documents/labels.js';
import { renderAgreementPdf, renderPerformanceNotice } from '../../server/documents/pdf.js';
import type { DocLanguage } from '../../server/documents/types.js';
import type { DemoCaseOptions } from '../../server/demo.js';
import type { SigningStatusView } from '../../signaling/protocol/signing.js';
import { CASE_INFO, PARTIES, sampleAgreement } from './samples.js';

/**
 * Issue 17: generated documents in the case's languages. The frame (headings, labels, parties' block, footer) is
 * bilingual zh-Hans + pt for a case with a Macau party, zh-Hant + en with a Hong Kong party, zh-Hans alone otherwise;
 * checked in the real PDFs with pdftotext, and the signatures still verify with pdfsig.
 */

async function pdfText(bytes: Uint8Array | Buffer, name = 'doc.pdf'): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-lang-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  const { stdout } = await run('pdftotext', ['-enc', 'UTF-8', file, '-']);
  fs.rmSync(dir, { recursive: true, force: true });
  return stdout;
}

/** pdftotext keeps a label's words but may lay out spaces differently: compare without whitespace. */
const squash = (s: string) => s.replace(/\s+/g, '');
function expectLabels(text: string, labels: string[]): void {
  const flat = squash(text);
  for (const l of labels) expect(flat, `missing "${l}"`).toContain(squash(l));
}
function expectNoLabels(text: string, labels: string[]): void {
  const flat = squash(text);
  for (const l of labels) expect(flat, `unexpected "${l}"`).not.toContain(squash(l));
}

const L = (lang: DocLanguage) => labelsFor(lang);

describe('case languages: derivation and bilingual labels', () => {
  it('derives zh-Hans + pt for Macau, zh-Hant + en for Hong Kong, zh-Hans alone otherwise', () => {
    expect(deriveCaseLanguages('guangzhou', ['prc_id', 'uscc'])).toEqual(['zh-Hans']);
    expect(deriveCaseLanguages('guangzhou', ['macau_id', 'uscc'])).toEqual(['zh-Hans', 'pt']);
    expect(deriveCaseLanguages('macau', ['prc_id', 'uscc'])).toEqual(['zh-Hans', 'pt']);
    expect(deriveCaseLanguages('shenzhen', ['prc_id', 'hk_id'])).toEqual(['zh-Hant', 'en']);
    expect(deriveCaseLanguages('hong_kong', ['prc_id', 'uscc'])).toEqual(['zh-Hant', 'en']);
  });

  it('every label of a two-language frame carries both languages where they differ', () => {
    const both = docLabels(['zh-Hans', 'pt']);
    const a = L('zh-Hans');
    const b = L('pt');
    for (const key of ['caseNo', 'parties', 'signaturePage', 'sealBlock', 'noticeTitle', 'rulingTitle', 'certTitle', 'manifest', 'none'] as const) {
      expect(both[key]).toContain(a[key]);
      expect(both[key]).toContain(b[key]);
    }
    expect(both.roles.applicant).toBe(`${a.roles.applicant} / ${b.roles.applicant}`);
    expect(both.noticeRights).toHaveLength(a.noticeRights.length);
    both.noticeRights.forEach((r, i) => expect(r).toBe(`${a.noticeRights[i]}\n${b.noticeRights[i]}`));
    // Each sentence of the payment obligation takes its own language's word for the method.
    const pay = both.payment('100.00', 'MOP', '2026-12-31', both.paymentMethods.bank_transfer!);
    expect(pay).toBe(`${a.payment('100.00', 'MOP', '2026-12-31', '银行转账')}\n${b.payment('100.00', 'MOP', '2026-12-31', 'transferência bancária')}`);
    // One language: exactly the old table.
    expect(docLabels(['zh-Hant'])).toBe(L('zh-Hant'));
  });

  it('renders the agreement and the notice frame in both languages (pdftotext), and in one when the case has one', async () => {
    const agreement = sampleAgreement({ pages: 1 });
    const macau = { ...CASE_INFO, site: 'macau', languages: ['zh-Hans', 'pt'] as DocLanguage[] };
    const text = await pdfText(await renderAgreementPdf({ agreement, caseInfo: macau, parties: PARTIES }));
    expectLabels(text, [L('zh-Hans').parties, L('pt').parties, L('zh-Hans').signaturePage, L('pt').signaturePage, L('pt').sealBlock, '澳门', 'Macau']);
    expect(squash(text)).toMatch(/第1页\/共\d+页\/Página1de\d+/);
    const notice = await pdfText(await renderPerformanceNotice({ agreement, caseInfo: macau, parties: PARTIES, effectiveAt: '2026-11-30T00:00:00Z' }));
    expectLabels(notice, [L('zh-Hans').noticeTitle, L('pt').noticeTitle, L('zh-Hans').noticeRights[2]!, L('pt').noticeRights[2]!, L('pt').obligations]);
    // The Portuguese sentence names the organisation in English, the Chinese one in Chinese.
    expectLabels(notice, [L('pt').noticeBody(agreement.title, CASE_INFO.orgNameEn)[0]!, L('zh-Hans').noticeBody(agreement.title, CASE_INFO.orgName)[0]!]);

    const mainland = await pdfText(await renderAgreementPdf({ agreement, caseInfo: { ...CASE_INFO, languages: ['zh-Hans'] }, parties: PARTIES }));
    expectLabels(mainland, [L('zh-Hans').parties, L('zh-Hans').signaturePage]);
    expectNoLabels(mainland, [L('pt').signaturePage, L('en').signaturePage, L('pt').sealBlock]);
  });
});

describe('case languages over HTTP and in the sealed case file', () => {
  let s: TestServer;
  let mediator: string;
  beforeAll(async () => {
    s = await startTestServer('sqlite');
    mediator = await s.login('demo.mediator');
  });
  afterAll(async () => {
    await s?.close();
  });

  it('a case registered with explicit languages keeps them; bad languages are refused and change nothing', async () => {
    const chosen = await createCase(s, mediator, 701, { languages: ['zh-Hant', 'pt'] });
    expect(await s.services.cases.languages(chosen.id)).toEqual(['zh-Hant', 'pt']);
    const view = await s.api('GET', `/api/cases/${chosen.id}`, { token: mediator });
    expect(view.body.languages).toEqual(['zh-Hant', 'pt']);
    const derived = await createCase(s, mediator, 702);
    expect(await s.services.cases.languages(derived.id)).toEqual(['zh-Hans']);
    const before = await snapshot(s);
    for (const languages of [['fr'], ['zh-Hans', 'pt', 'en'], ['pt', 'pt'], []]) {
      const r = await s.api('POST', '/api/cases', { token: mediator, body: { ...caseBody(703), languages } });
      expectError(r, 400, 'VALIDATION_FAILED');
    }
    expect(await snapshot(s)).toEqual(before);
  });

  /** The whole ceremony and the court's confirmation; returns the texts of the three documents and pdfsig's verdicts. */
  async function sealAndConfirm(opts: DemoCaseOptions) {
    const d: Demo = await demoWithSessions(s, opts);
    await lock(s, d.mediator, d.demo.agreementId);
    let status: SigningStatusView | undefined;
    for (const [token, role] of [[d.respondent, 'respondent'], [d.mediator, 'mediator'], [d.applicant, 'applicant']] as const) {
      const r = await signAs(s, token, d.demo.agreementId, role);
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      status = r.body.status as SigningStatusView;
    }
    expect(status!.effective).toBe(true);
    const agreement = await download(s, status!.documents.find((x) => x.kind === 'agreement')!.url, 'agreement.pdf');
    const notice = await download(s, status!.documents.find((x) => x.kind === 'performance_notice')!.url, 'notice.pdf');
    const req = await s.api('POST', `/api/signing/cases/${d.demo.caseId}/confirmation`, { token: d.applicant, body: {} });
    expect(req.status, JSON.stringify(req.body)).toBe(201);
    const ok = await s.api('POST', `/api/court/requests/${req.body.id}/confirm`, { token: d.judge, body: {} });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    const ruling = await download(s, ok.body.ruling.url, 'ruling.pdf');
    return {
      languages: await s.services.cases.languages(d.demo.caseId),
      agreement: { text: await pdfText(agreement.bytes), sig: await pdfsig(agreement.file) },
      notice: { text: await pdfText(notice.bytes), sig: await pdfsig(notice.file) },
      ruling: { text: await pdfText(ruling.bytes), sig: await pdfsig(ruling.file) },
    };
  }

  function expectAllValid(v: { out: string; signatures: { valid: boolean }[] }, n: number) {
    expect(v.signatures, v.out).toHaveLength(n);
    expect(v.signatures.every((x) => x.valid), v.out).toBe(true);
    expect(v.out).toMatch(/Total document signed/);
  }

  it('a Macau party: agreement frame, certificate, notice and ruling in Chinese and Portuguese; every signature valid', async () => {
    const r = await sealAndConfirm({ applicant: { name: 'Maria Lei 李瑪莉', idType: 'macau_id', idNumber: '1234567(8)' } });
    expect(r.languages).toEqual(['zh-Hans', 'pt']);
    const [zh, pt] = [L('zh-Hans'), L('pt')];
    expectLabels(r.agreement.text, [zh.parties, pt.parties, zh.signaturePage, pt.signaturePage, zh.roles.applicant!, pt.roles.applicant!, pt.sealBlock, zh.certTitle, pt.certTitle, pt.certEvents]);
    // The agreement's own text stays what was drafted (the zh-Hans template).
    expectLabels(r.agreement.text, ['调解协议书', 'Maria Lei']);
    expectAllValid(r.agreement.sig, 4);
    expectLabels(r.notice.text, [zh.noticeTitle, pt.noticeTitle, zh.noticeRights[0]!, pt.noticeRights[0]!, pt.issuedBy]);
    expectAllValid(r.notice.sig, 1);
    expectLabels(r.ruling.text, [zh.rulingTitle, pt.rulingTitle, zh.rulingConfirmedReason, pt.rulingConfirmedReason, pt.judge]);
    expectAllValid(r.ruling.sig, 1);
  });

  it('a Hong Kong party: Traditional Chinese and English; every signature valid', async () => {
    const r = await sealAndConfirm({ applicant: { name: '陳大明 Chan Tai Ming', idType: 'hk_id', idNumber: 'A123456(7)' }, agreementLanguage: 'zh-Hant' });
    expect(r.languages).toEqual(['zh-Hant', 'en']);
    const [hant, en, hans] = [L('zh-Hant'), L('en'), L('zh-Hans')];
    expectLabels(r.agreement.text, [hant.parties, en.parties, hant.signaturePage, en.signaturePage, en.sealBlock, hant.certTitle, en.certTitle]);
    expectNoLabels(r.agreement.text, [hans.signaturePage, L('pt').signaturePage]);
    expectAllValid(r.agreement.sig, 4);
    expectLabels(r.notice.text, [hant.noticeTitle, en.noticeTitle, en.noticeRights[2]!]);
    expectAllValid(r.notice.sig, 1);
    expectLabels(r.ruling.text, [hant.rulingTitle, en.rulingTitle, en.rulingConfirmedOrder('x')[1]!]);
    expectAllValid(r.ruling.sig, 1);
  });
});
