import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { openStore } from '../server/store/db.js';
import {
  appendCompletionCertificate, OrgCredentialStore, renderAgreementPdf, signPdf, verifyPdf,
} from '../server/documents/index.js';
import { fontFileSize } from '../server/documents/layout.js';
import { CASE_INFO, PARTIES, sampleAgreement, sampleCertificate, sampleSignatures } from '../test/documents/samples.js';
import { fmt, machine } from './lib.js';

/**
 * `npm run bench:sign`: a 10-page bilingual agreement (Simplified + Traditional Chinese, English, Portuguese) rendered,
 * signed by three signers (PAdES, incremental), given its certificate-of-completion page, sealed by the organisation,
 * sealed with the visible stamp, then verified by our verifier. Each step's time (median of the runs after a cold first one) and the PDF size, with
 * the size of the same agreement embedding whole fonts: what subsetting saves, measured in the same run.
 * Flags: --runs N (default 5).
 */
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

async function main() {
  console.log(`machine: ${machine()}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-bench-sign-'));
  const store = await openStore({ kind: 'sqlite', file: path.join(dir, 'bench.sqlite') });
  try {
    await store.db.insertInto('organisations').values({ id: 'org_bench', name: CASE_INFO.orgName, name_en: CASE_INFO.orgNameEn, site: 'guangzhou', kind: 'mediation', created_at: new Date().toISOString() }).execute();
    const creds = new OrgCredentialStore(store.db, 'bench-secret');
    let t = process.hrtime.bigint();
    const org = await creds.forOrg('org_bench');
    const credsMs = ms(t);

    // Find the size of input that makes exactly 10 pages (the signature page included).
    let units = 4;
    let agreement = sampleAgreement({ pages: units });
    const pagesOf = async (b: Uint8Array) => (await PDFDocument.load(b)).getPageCount();
    let pages = await pagesOf(await renderAgreementPdf({ agreement, caseInfo: CASE_INFO, parties: PARTIES, signatures: sampleSignatures(agreement) }));
    while (pages !== 10 && units < 20) {
      units += pages < 10 ? 1 : -1;
      agreement = sampleAgreement({ pages: units });
      const next = await pagesOf(await renderAgreementPdf({ agreement, caseInfo: CASE_INFO, parties: PARTIES, signatures: sampleSignatures(agreement) }));
      if ((pages < 10 && next > 10) || (pages > 10 && next < 10)) break;
      pages = next;
    }
    const sigs = sampleSignatures(agreement);
    const cert = sampleCertificate(agreement, sigs);
    const input = { agreement, caseInfo: CASE_INFO, parties: PARTIES, signatures: sigs };

    const rows: Record<string, number[]> = { render: [], signerCerts: [], sign3: [], certificatePage: [], seal: [], verify: [] };
    let sealed: Uint8Array = new Uint8Array();
    let rendered: Uint8Array = new Uint8Array();
    let cold: Record<string, number> = {};
    for (let run = 0; run <= RUNS; run++) {
      const one: Record<string, number> = {};
      t = process.hrtime.bigint();
      rendered = await renderAgreementPdf(input);
      one.render = ms(t);
      t = process.hrtime.bigint();
      const signerCreds = [];
      for (const s of sigs) signerCreds.push(await creds.forSigner('org_bench', { name: s.name, role: s.role, caseNumber: CASE_INFO.number }));
      one.signerCerts = ms(t);
      t = process.hrtime.bigint();
      let pdf = rendered;
      for (const [i, s] of sigs.entries()) pdf = await signPdf(pdf, { credentials: signerCreds[i]!, name: s.name, reason: `${s.role} signs ${agreement.sha256}`, location: 'Guangzhou' });
      one.sign3 = ms(t);
      t = process.hrtime.bigint();
      pdf = await appendCompletionCertificate(pdf, cert);
      one.certificatePage = ms(t);
      t = process.hrtime.bigint();
      sealed = await signPdf(pdf, { credentials: org, name: org.subjectName, reason: 'seal', location: 'Guangzhou', visibleSeal: true });
      one.seal = ms(t);
      t = process.hrtime.bigint();
      const report = await verifyPdf(sealed, { trustAnchors: [org.caPem] });
      one.verify = ms(t);
      if (!report.ok) throw new Error(`sealed PDF did not verify: ${JSON.stringify(report.problems)}`);
      if (run === 0) cold = one;
      else for (const k of Object.keys(rows)) rows[k]!.push(one[k]!);
    }
    t = process.hrtime.bigint();
    const whole = await renderAgreementPdf({ ...input, fontSubset: false });
    const wholeMs = ms(t);

    const total = (o: Record<string, number>) => o.render! + o.signerCerts! + o.sign3! + o.certificatePage! + o.seal!;
    const warm = Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, median(v)]));
    console.log(`\n## Agreement PDF: ${await pagesOf(rendered)} pages rendered (+1 certificate page), 3 signer signatures, seal, verify`);
    console.log(`organisation credentials, first use (CA + seal certificate, RSA-2048 keys): ${fmt(credsMs, 0)} ms`);
    console.log('| step | cold (first run) ms | warm median ms |');
    console.log('|---|---:|---:|');
    for (const k of Object.keys(rows)) console.log(`| ${k} | ${fmt(cold[k]!, 0)} | ${fmt(warm[k]!, 0)} |`);
    console.log(`| render + sign + certificate + seal | ${fmt(total(cold), 0)} | ${fmt(total(warm), 0)} |`);
    console.log('\n| PDF | bytes |');
    console.log('|---|---:|');
    console.log(`| rendered, font subsets | ${rendered.length} |`);
    console.log(`| sealed (3 signatures + certificate page + seal) | ${sealed.length} |`);
    console.log(`| rendered, whole fonts embedded (render ${fmt(wholeMs, 0)} ms) | ${whole.length} |`);
    console.log(`| font files: Droid Sans Fallback ${fontFileSize('cjk')}, DejaVu Sans ${fontFileSize('latin')}, Bold ${fontFileSize('latinBold')}, Mono ${fontFileSize('mono')} | |`);
    console.log(`\nsubsetting saves ${fmt((1 - rendered.length / whole.length) * 100, 1)} % (${whole.length - rendered.length} bytes) of the rendered PDF`);
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
