import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import type { SigningStatusView } from '../../signaling/protocol/signing.js';
import { demoWithSessions, download, lock, pdfsig, run, sha256, signAs, type Demo } from './helpers.js';

/**
 * The sealed agreement checked by tools that are not ours: pdfsig (every signature valid, the last one covering the
 * whole file), pdftotext (the Chinese text), qpdf --check (structure), pdfdetach + openssl (the signed manifest binds
 * every signer to the text's hash); and the audit chain's tampering reported by `npm run audit:verify`.
 */
describe('sealed agreement PDF and audit chain', () => {
  let s: TestServer;
  let d: Demo;
  let sealed: SigningStatusView;
  let pdf: { file: string; bytes: Buffer };
  beforeAll(async () => {
    s = await startTestServer('sqlite');
    d = await demoWithSessions(s);
    await lock(s, d.mediator, d.demo.agreementId);
    await signAs(s, d.respondent, d.demo.agreementId, 'respondent', { seed: 4 });
    await signAs(s, d.mediator, d.demo.agreementId, 'mediator', { seed: 5 });
    const last = await signAs(s, d.applicant, d.demo.agreementId, 'applicant', { seed: 6 });
    sealed = last.body.status;
    pdf = await download(s, sealed.documents.find((x) => x.kind === 'agreement')!.url, 'agreement.pdf');
  });
  afterAll(async () => {
    await s?.close();
  });

  it('pdfsig: one signature per signer plus the seal, all valid, the seal covering the whole document', async () => {
    expect(sealed.effective).toBe(true);
    expect(sha256(pdf.bytes)).toBe(sealed.documents.find((x) => x.kind === 'agreement')!.sha256);
    const v = await pdfsig(pdf.file);
    expect(v.signatures, v.out).toHaveLength(4);
    expect(v.signatures.every((x) => x.valid), v.out).toBe(true);
    const blocks = v.out.split(/^Signature #\d+:/m).slice(1);
    expect(blocks.at(-1), v.out).toMatch(/Total document signed/);
    expect(v.out).toContain('广州市劳动人事争议调解中心');
    for (const name of ['陈小明', '广州示例制造有限公司', '李调解']) expect(v.out).toContain(name);
  });

  it('our verifier (the /verify page and POST /api/verify) reports every signature valid and nothing changed after sealing', async () => {
    const report = await s.services.documents.verify(pdf.bytes);
    expect(report.problems, JSON.stringify(report.problems)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.modifiedAfterSigning).toBe(false);
    expect(report.signatures).toHaveLength(4);
  });

  it('pdftotext extracts the Chinese text; qpdf finds no structural error', async () => {
    const { stdout } = await run('pdftotext', ['-enc', 'UTF-8', pdf.file, '-']);
    expect(stdout).toContain('调解协议书');
    expect(stdout).toContain('陈小明');
    expect(stdout).toContain(d.demo.caseNumber);
    const q = await run('qpdf', ['--check', pdf.file]).catch((e: { stdout: string; stderr: string; code: number }) => e);
    expect((q as { stdout: string }).stdout).toMatch(/No syntax or stream encoding errors found/);
  });

  it('the embedded manifest is signed by the organisation and binds every signature to the text hash', async () => {
    const dir = path.join(path.dirname(pdf.file), 'detached');
    fs.mkdirSync(dir);
    await run('pdfdetach', ['-saveall', '-o', dir, pdf.file]);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'signature-manifest.json'), 'utf8'));
    const text = fs.readFileSync(path.join(dir, 'agreement.txt'));
    expect(sha256(text)).toBe(sealed.sha256);
    expect(manifest.documentSha256).toBe(sealed.sha256);
    expect(manifest.signatures.map((x: { role: string }) => x.role).sort()).toEqual(['applicant', 'mediator', 'respondent']);
    const rows = await s.services.store.db.selectFrom('signatures').select(['role', 'image_sha256']).where('agreement_id', '=', d.demo.agreementId).execute();
    for (const r of rows) expect(manifest.signatures.find((x: { role: string }) => x.role === r.role).imageSha256).toBe(r.image_sha256);
    fs.writeFileSync(path.join(dir, 'sig.bin'), Buffer.from(fs.readFileSync(path.join(dir, 'signature-manifest.sig'), 'utf8').trim(), 'base64'));
    const { stdout: pub } = await run('openssl', ['x509', '-pubkey', '-noout', '-in', path.join(dir, 'organisation-certificate.pem')]);
    fs.writeFileSync(path.join(dir, 'pub.pem'), pub);
    const ok = await run('openssl', ['dgst', '-sha256', '-verify', path.join(dir, 'pub.pem'), '-signature', path.join(dir, 'sig.bin'), path.join(dir, 'signature-manifest.json')]);
    expect(ok.stdout).toMatch(/Verified OK/);
    // A changed manifest does not verify.
    fs.writeFileSync(path.join(dir, 'signature-manifest.json'), JSON.stringify({ ...manifest, documentSha256: '0'.repeat(64) }));
    const bad = await run('openssl', ['dgst', '-sha256', '-verify', path.join(dir, 'pub.pem'), '-signature', path.join(dir, 'sig.bin'), path.join(dir, 'signature-manifest.json')])
      .then(() => 'verified', () => 'failed');
    expect(bad).toBe('failed');
  });

  it('a flipped byte in the sealed file is reported by pdfsig', async () => {
    const bytes = Buffer.from(pdf.bytes);
    const at = bytes.indexOf(Buffer.from('/ConcordPage'));
    const i = at > 0 ? at + 2 : Math.floor(bytes.length / 3);
    bytes[i] = bytes[i]! ^ 0x01;
    const file = path.join(path.dirname(pdf.file), 'tampered.pdf');
    fs.writeFileSync(file, bytes);
    const v = await pdfsig(file);
    expect(v.signatures.some((x) => !x.valid), v.out).toBe(true);
  });

  it('editing a signature entry of the audit chain is reported by npm run audit:verify', async () => {
    const ok = await run('npx', ['tsx', 'server/cli/audit-verify.ts', d.demo.caseId], { env: { ...process.env, ...s.env } });
    expect(ok.stdout).toMatch(/intact/);
    const entry = await s.services.store.db.selectFrom('audit_entries').selectAll()
      .where('chain_id', '=', d.demo.caseId).where('action', '=', 'signature.signed').orderBy('seq').executeTakeFirstOrThrow();
    const data = JSON.parse(entry.data);
    await s.services.store.db.updateTable('audit_entries').set({ data: JSON.stringify({ ...data, ip: '203.0.113.9' }) })
      .where('chain_id', '=', d.demo.caseId).where('seq', '=', entry.seq).execute();
    const broken = await run('npx', ['tsx', 'server/cli/audit-verify.ts', d.demo.caseId], { env: { ...process.env, ...s.env } })
      .then((r) => ({ code: 0, stdout: r.stdout }), (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }));
    expect(broken.code).toBe(2);
    expect(broken.stdout).toContain(`BROKEN at entry ${entry.seq}`);
    // The court's package shows it too.
    const trail = await s.api('GET', `/api/cases/${d.demo.caseId}/audit/verify`, { token: d.mediator });
    expect(trail.body).toMatchObject({ ok: false, firstBroken: { seq: Number(entry.seq) } });
  });
});
