import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoCase } from '../../server/demo.js';
import { canonicalize } from '../../server/pad/canonical.js';
import { diffTexts } from '../../server/pad/diff.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { allSaved, createAgreement, padClient, padFixture, synced, type PadFixture } from './helpers.js';

describe('canonical text and diffs (unit)', () => {
  it('canonical content: NFC, LF, no trailing spaces, single blank lines, exactly one final LF', () => {
    const raw = '\n\n# 标题  \r\n\r\n\r\n\r\ne\u0301 line\t \rsecond\u0007\n\n\n';
    expect(canonicalize(raw)).toBe('# 标题\n\n\u00e9 line\nsecond\n');
    expect(canonicalize(canonicalize(raw))).toBe(canonicalize(raw));
    expect(canonicalize('')).toBe('\n');
  });
  it('diffs rebuild both sides and mark a changed amount as that amount', () => {
    const a = '一、被申请人支付人民币36,800.00元。\n二、支付方式：银行转账。\n';
    const b = '一、被申请人支付人民币38,800.00元。\n二、支付方式：银行转账。\n三、新增条款。\n';
    const ops = diffTexts(a, b);
    expect(ops.filter((o) => o.op !== 'ins').map((o) => o.text).join('')).toBe(a);
    expect(ops.filter((o) => o.op !== 'del').map((o) => o.text).join('')).toBe(b);
    expect(ops.find((o) => o.op === 'del')?.text).toBe('6');
    expect(ops.some((o) => o.op === 'ins' && o.text.includes('三、新增条款。'))).toBe(true);
  });
});

describe.each(['sqlite', 'postgres'] as const)('agreements API on %s', (db) => {
  let s: TestServer;
  let f: PadFixture;
  beforeAll(async () => {
    s = await startTestServer(db);
    f = await padFixture(s, 1);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('templates in four languages with the standard parts, clauses for every dispute type and typed fields', async () => {
    for (const [lang, title] of [['zh-Hans', '劳动人事争议调解协议书'], ['zh-Hant', '勞動人事爭議調解協議書'], ['en', 'Labour Dispute Mediation Agreement'], ['pt', 'Acordo de Mediação de Litígio Laboral']]) {
      const t = await s.api('GET', `/api/agreements/templates/${lang}`);
      expect(t.status).toBe(200);
      expect(t.body.title).toBe(title);
      expect(t.body.parts.map((p: { key: string }) => p.key)).toEqual(['parties', 'facts', 'terms', 'performance', 'effect']);
      expect(t.body.clauses.map((c: { disputeType: string }) => c.disputeType).sort()).toEqual(['dismissal', 'economic_compensation', 'labour_relationship', 'social_insurance', 'unpaid_wages', 'working_hours']);
      expect(t.body.fields.find((x: { key: string }) => x.key === 'amount').type).toBe('amount');
      const id = await createAgreement(s, f.staffToken, f.caseId, { language: lang, clauses: ['dismissal', 'social_insurance'] });
      const a = await s.api('GET', `/api/agreements/${id}`, { token: f.participants.respondent.token });
      expect(a.status).toBe(200);
      expect(a.body.text.body.startsWith(`# ${title}\n`)).toBe(true);
      expect(a.body.text.body).toContain('{{terminationDate}}');
      expect(a.body.agreement.fields).toMatchObject({ caseNumber: f.caseNumber, currency: 'CNY' });
      expect(a.body.access).toMatchObject({ canEdit: true, canManage: false });
    }
    expect((await s.api('GET', '/api/agreements/templates/fr')).status).toBe(400);
    // Parties draft but do not open agreements.
    expect((await s.api('POST', `/api/cases/${f.caseId}/agreements`, { token: f.participants.applicant.token, body: { language: 'en' } })).status).toBe(403);
    expect((await s.api('POST', `/api/cases/${f.caseId}/agreements`, { token: f.staffToken, body: { language: 'fr' } })).status).toBe(400);
  });

  it('typed fields are validated by type; a bad value changes nothing', async () => {
    const id = await createAgreement(s, f.staffToken, f.caseId);
    const before = (await s.api('GET', `/api/agreements/${id}`, { token: f.staffToken })).body.agreement;
    for (const fields of [{ amount: '12,000' }, { amount: '1.234' }, { paymentDate: '2026-02-30' }, { currency: 'USD' }, { paymentMethod: 'gold' }, { nope: 'x' }, { amount: '100.00', paymentDate: '31/12/2026' }]) {
      const r = await s.api('POST', `/api/agreements/${id}/fields`, { token: f.participants.applicant.token, body: { fields } });
      expect(r.status, JSON.stringify(fields)).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect((await s.api('POST', `/api/agreements/${id}/fields`, { token: f.observerToken, body: { fields: { amount: '1.00' } } })).status).toBe(403);
    expect((await s.api('GET', `/api/agreements/${id}`, { token: f.staffToken })).body.agreement).toEqual(before);
    const ok = await s.api('POST', `/api/agreements/${id}/fields`, { token: f.participants.applicant.token, body: { fields: { amount: '12000.5', paymentDate: '2026-12-31', currency: 'HKD' } } });
    expect(ok.status).toBe(200);
    expect(ok.body.agreement.fields).toMatchObject({ amount: '12000.5', paymentDate: '2026-12-31', currency: 'HKD' });
  });

  it('locking needs every field the text uses; the canonical text and its SHA-256 go into the audit chain; each lock counts', async () => {
    const id = await createAgreement(s, f.staffToken, f.caseId);
    const refused = await s.api('POST', `/api/agreements/${id}/lock`, { token: f.staffToken, body: {} });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.issues.map((i: { path: string[] }) => i.path[1])).toEqual(expect.arrayContaining(['amount', 'paymentDate', 'paymentMethod', 'wagePeriod']));
    expect((await s.services.agreements.get(id))?.status).toBe('drafting');
    await s.api('POST', `/api/agreements/${id}/fields`, { token: f.staffToken, body: { fields: { amount: '36800', paymentDate: '2026-10-15', paymentMethod: 'bank_transfer', wagePeriod: '2026年7月至9月' } } });
    const r = await s.api('POST', `/api/agreements/${id}/lock`, { token: f.staffToken, body: { reason: '双方同意' } });
    expect(r.status).toBe(200);
    const locked = r.body.locked;
    expect(locked.text).not.toContain('{{');
    expect(locked.text).toContain('人民币36,800.00元，于2026年10月15日前一次性付清');
    expect(locked.text).toContain('支付方式：银行转账。');
    expect(locked.text).toBe(canonicalize(locked.text));
    expect(locked.text.normalize('NFC')).toBe(locked.text);
    expect(locked.sha256).toBe(createHash('sha256').update(Buffer.from(locked.text, 'utf8')).digest('hex'));
    expect(locked.fields).toMatchObject({ amount: '36800', currency: 'CNY', applicantName: expect.any(String) });
    const row = await s.services.agreements.get(id);
    expect(row).toMatchObject({ id, caseId: f.caseId, status: 'locked', lockSeq: 1, lockedSha256: locked.sha256, lockedBy: `staff:${s.staff.mediator.id}` });
    expect(await s.services.agreements.lockedContent(id)).toEqual(locked);
    expect((await s.services.agreements.listForCase(f.caseId)).map((a) => a.id)).toContain(id);
    const audit = await s.services.audit.entries(f.caseId);
    expect(audit.filter((e) => e.action === 'agreement.locked').at(-1)?.data).toMatchObject({ agreementId: id, lockSeq: 1, sha256: locked.sha256 });
    expect((await s.api('POST', `/api/agreements/${id}/lock`, { token: f.staffToken, body: {} })).status).toBe(409);
    expect((await s.api('POST', `/api/agreements/${id}/unlock`, { token: f.staffToken, body: { reason: '修改' } })).status).toBe(200);
    expect((await s.api('POST', `/api/agreements/${id}/unlock`, { token: f.staffToken, body: {} })).status).toBe(409);
    const again = await s.api('POST', `/api/agreements/${id}/lock`, { token: f.staffToken, body: {} });
    expect(again.body.locked.lockSeq).toBe(2);
    expect(again.body.locked.sha256).toBe(locked.sha256);
    expect((await s.services.audit.verify(f.caseId)).ok).toBe(true);
  });

  it('named versions, differences between any two, the change log and who wrote what', async () => {
    const id = await createAgreement(s, f.staffToken, f.caseId);
    const v1 = await s.api('POST', `/api/agreements/${id}/versions`, { token: f.participants.applicant.token, body: { name: '初稿' } });
    expect(v1.status).toBe(201);
    const a = padClient(s, f.participants.applicant.token, id);
    const b = padClient(s, f.participants.respondent.token, id);
    await Promise.all([synced(a), synced(b)]);
    a.text.insert(a.text.toString().indexOf('## 四'), '申请人新增：被申请人另付交通补贴。\n\n');
    b.text.insert(b.text.length, '被申请人补充说明。\n');
    await allSaved([a, b]);
    const v2 = await s.api('POST', `/api/agreements/${id}/versions`, { token: f.staffToken, body: { name: '第二稿' } });
    expect((await s.api('POST', `/api/agreements/${id}/versions`, { token: f.observerToken, body: { name: 'x' } })).status).toBe(403);
    const diff = await s.api('GET', `/api/agreements/${id}/diff?from=${v1.body.id}&to=${v2.body.id}`, { token: f.observerToken });
    expect(diff.status).toBe(200);
    const ins = diff.body.ops.filter((o: { op: string }) => o.op === 'ins').map((o: { text: string }) => o.text).join('');
    expect(ins).toContain('申请人新增：被申请人另付交通补贴。');
    expect(ins).toContain('被申请人补充说明。');
    expect(diff.body.ops.some((o: { op: string }) => o.op === 'del')).toBe(false);
    const back = await s.api('GET', `/api/agreements/${id}/diff?from=${v2.body.id}&to=${v1.body.id}`, { token: f.staffToken });
    expect(back.body.stats).toEqual({ inserted: 0, deleted: diff.body.stats.inserted });
    const cur = await s.api('GET', `/api/agreements/${id}/diff?from=${v2.body.id}&to=current`, { token: f.staffToken });
    expect(cur.body.stats).toEqual({ inserted: 0, deleted: 0 });
    expect((await s.api('GET', `/api/agreements/${id}/diff?from=nope&to=current`, { token: f.staffToken })).status).toBe(404);
    const versions = await s.api('GET', `/api/agreements/${id}/versions`, { token: f.staffToken });
    expect(versions.body.items.map((v: { name: string }) => v.name)).toEqual(['第二稿', '初稿']);
    const changes = await s.api('GET', `/api/agreements/${id}/changes`, { token: f.staffToken });
    const kinds = changes.body.items.map((c: { kind: string }) => c.kind);
    expect(kinds).toEqual(expect.arrayContaining(['created', 'version', 'edit']));
    expect(changes.body.items.filter((c: { kind: string }) => c.kind === 'edit').map((c: { authorName: string }) => c.authorName)).toEqual(
      expect.arrayContaining([f.participants.applicant.displayName, f.participants.respondent.displayName]),
    );
    const attr = await s.api('GET', `/api/agreements/${id}/attribution`, { token: f.staffToken });
    const who = Object.fromEntries(attr.body.authors.map((x: { author: string; chars: number }) => [x.author, x.chars]));
    expect(who[`participant:${f.participants.applicant.id}`]).toBe('申请人新增：被申请人另付交通补贴。\n\n'.length);
    expect(who[`participant:${f.participants.respondent.id}`]).toBe('被申请人补充说明。\n'.length);
    expect(who[`staff:${s.staff.mediator.id}`]).toBeGreaterThan(300);
    expect(attr.body.spans.map((x: { text: string }) => x.text).join('')).toBe(a.text.toString());
    a.destroy();
    b.destroy();
    // The edit summaries reach the case's audit chain when the document is compacted (here: at close of the server).
    await s.services.agreements.live.compact(await s.services.agreements.live.get(id));
    const edited = (await s.services.audit.entries(f.caseId)).filter((e) => e.action === 'agreement.edited' && (e.data as { agreementId: string }).agreementId === id);
    expect(edited.length).toBeGreaterThan(0);
    expect((edited.at(-1)!.data as { authors: { author: string }[] }).authors.map((x) => x.author)).toEqual(
      expect.arrayContaining([`participant:${f.participants.applicant.id}`, `participant:${f.participants.respondent.id}`]),
    );
  });

  it('the demo case has an agreement from the zh-Hans template with its fields filled, ready to lock', async () => {
    const demo = await createDemoCase(s.services, s.url);
    const mediator = await s.login('demo.mediator');
    const r = await s.api('POST', `/api/agreements/${demo.agreementId}/lock`, { token: mediator, body: {} });
    expect(r.status).toBe(200);
    expect(r.body.locked.language).toBe('zh-Hans');
    expect(r.body.locked.text).toContain('人民币36,800.00元');
    expect(r.body.locked.text).toContain('2026年7月至9月');
    expect(r.body.locked.text).toContain('广州示例制造有限公司');
  });
});
