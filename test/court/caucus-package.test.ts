import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { expectError, snapshot } from '../helpers/fixtures.js';
import type { CourtPackageView } from '../../signaling/protocol/signing.js';
import { chatHash, type ChatRecord } from '../../server/cases/hearing-room.js';
import { demoWithSessions, download, lock, run, sha256, signAs, type Demo } from '../signing/helpers.js';
import { feedUntilWritten, opusTrack } from '../recordings/helpers/rtp.js';
import { englishContext, launchChromium, signInStaff } from '../helpers/browser.js';
import { DEMO_PASSWORD } from '../helpers/server.js';

const SECRET = '我方底线其实是两万五 our real floor is 25,000';
const JOINT = 'joint session remark';

/**
 * Confidential caucus material and the court (issue 12): a case with a caucus (recorded, encrypted caucus audio and
 * caucus chat) goes all the way to judicial confirmation; the court's package (JSON and every PDF the court gets,
 * uncompressed) holds none of the caucus's content nor any of its hashes. Releasing a caucus item needs the mediator
 * who held it and the party in it; nobody else even learns that the item exists.
 */
describe('caucus material and the court package', { timeout: 120_000 }, () => {
  let s: TestServer;
  let d: Demo;
  let caucusId: string;
  let caucusChat: ChatRecord;
  const caucusHashes: string[] = [];
  const jointHashes: string[] = [];

  beforeAll(async () => {
    s = await startTestServer('sqlite', { CONCORD_RECORDINGS_SEGMENT_SECONDS: '2', CONCORD_TRANSCRIBE_ENGINE: 'none' });
    d = await demoWithSessions(s);
    const { caseId, hearingId } = d.demo;
    const people = await s.services.hearings.participants([hearingId]);
    const med = people.find((p) => p.role === 'mediator')!;
    const app = people.find((p) => p.role === 'applicant')!;
    const at = () => new Date().toISOString();
    // The caucus as the live hearing stores it, its chat and a joint message.
    caucusId = `cau_${sha256(String(Math.random())).slice(0, 16)}`;
    await s.services.hearingRoom.caucusStarted({ caucusId, caseId, hearingId, heldBy: med.id, heldByStaff: s.staff.mediator.id, memberIds: [med.id, app.id], at: at() }, `participant:${med.id}`);
    caucusChat = { id: `msg_c${caucusId.slice(4)}`, caseId, hearingId, roomId: caucusId, inCaucus: true, fromId: app.id, fromName: app.display_name, to: 'all', text: SECRET, at: at() };
    await s.services.hearingRoom.saveChat(caucusChat);
    caucusHashes.push(chatHash(caucusChat));
    await s.services.hearingRoom.saveChat({ ...caucusChat, id: `msg_j${caucusId.slice(4)}`, roomId: 'joint', inCaucus: false, text: JOINT });
    // A recording with a caucus track (encrypted) and a joint track, through the real recorders.
    const svc = s.services.recordings.service;
    const { recordingId } = await svc.begin({ caseId, hearingId }, { participantId: med.id, role: 'mediator' });
    await svc.started(recordingId, new Date());
    const cau = await svc.openTrack(recordingId, opusTrack({ id: app.id, displayName: app.display_name }, caucusId, true));
    const joint = await svc.openTrack(recordingId, opusTrack({ id: app.id, displayName: app.display_name }, 'joint', false));
    const site = (await svc.recording(recordingId)).site;
    await feedUntilWritten(cau, `${svc.rootFor(site)}/caucus/${caseId}/${recordingId}`);
    await feedUntilWritten(joint, `${svc.rootFor(site)}/${caseId}/${recordingId}`);
    await svc.stop(recordingId, med.id);
    await s.services.recordings.jobs.idle();
    const files = await svc.db.selectFrom('recording_files').selectAll().where('recording_id', '=', recordingId).execute();
    for (const f of files) {
      if (f.path.startsWith('caucus/')) {
        caucusHashes.push(f.sha256, f.id, f.path);
        caucusHashes.push(sha256(await svc.vault.decryptBuffer(caseId, svc.absolute(site, f.path))));
      } else jointHashes.push(f.sha256);
    }
    expect(files.filter((f) => f.path.startsWith('caucus/')).length).toBeGreaterThan(0);
    expect(jointHashes.length).toBeGreaterThan(0);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('the court package built from a case with a caucus holds no caucus bytes, hashes or text', async () => {
    await lock(s, d.mediator, d.demo.agreementId);
    for (const [token, role] of [[d.applicant, 'applicant'], [d.respondent, 'respondent'], [d.mediator, 'mediator']] as const) {
      const r = await signAs(s, token, d.demo.agreementId, role);
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    const req = await s.api('POST', `/api/signing/cases/${d.demo.caseId}/confirmation`, { token: d.applicant, body: {} });
    expect(req.status, JSON.stringify(req.body)).toBe(201);
    const pkgRes = await s.api<CourtPackageView>('GET', `/api/court/requests/${req.body.id}`, { token: d.judge });
    expect(pkgRes.status).toBe(200);
    const pkg = pkgRes.body;
    const json = JSON.stringify(pkg);

    // What the court gets: the JSON package, and every PDF in it as stored and with all its streams uncompressed
    // (the certificate of completion and the signature manifest are embedded files), and its text.
    const haystacks: { name: string; bytes: Buffer }[] = [{ name: 'package.json', bytes: Buffer.from(json) }];
    expect(pkg.documents.length).toBeGreaterThan(0);
    for (const doc of pkg.documents) {
      const { file, bytes } = await download(s, doc.url, `${doc.kind}.pdf`);
      haystacks.push({ name: doc.kind, bytes });
      await run('qpdf', ['--qdf', '--object-streams=disable', file, `${file}.qdf`]).catch((e: { code?: number }) => {
        if (e.code !== 3) throw e; // 3: warnings only
      });
      haystacks.push({ name: `${doc.kind} (uncompressed)`, bytes: readFileSync(`${file}.qdf`) });
      await run('pdftotext', [file, `${file}.txt`]);
      haystacks.push({ name: `${doc.kind} (text)`, bytes: readFileSync(`${file}.txt`) });
    }
    const needles = [...caucusHashes, SECRET, '两万五', '25,000', caucusChat.id];
    for (const h of haystacks) for (const n of needles) expect(h.bytes.includes(Buffer.from(n)), `${n} found in ${h.name}`).toBe(false);

    // The joint session is there: its recording hashes and its chat (counted and hashed, caucus chat left out).
    for (const j of jointHashes) expect(json).toContain(j);
    expect(pkg.recordings.map((r) => r.sha256).sort()).toEqual([...jointHashes].sort());
    expect(pkg.hearingRecord[0]!.chatMessages).toBe(1);
    // The trail keeps every entry (the chain stays whole and verified), caucus entries without their data.
    expect(pkg.audit.verification.ok).toBe(true);
    const chat = pkg.audit.entries.filter((e) => e.action === 'hearing.chat');
    expect(chat.map((e) => e.data)).toEqual([{ redacted: 'caucus' }, expect.objectContaining({ inCaucus: false })]);
    expect(pkg.audit.entries.find((e) => e.action === 'hearing.caucus_started')?.data).toMatchObject({ caucusId });
    expect(pkg.audit.entries.length).toBe((await s.services.audit.entries(d.demo.caseId)).length);
  });

  it('pages: the mediator who held the caucus releases it on the case page; clerk, judge and arbitrator see no caucus; the court review page says caucus material is never in the package', { timeout: 300_000 }, async () => {
    // A hang guard, not a speed check: three browser sign-ins took 97 s beside other engineers' suites (load ~40).
    const browser = await launchChromium();
    try {
      const ctx = await englishContext(browser);
      const page = await ctx.newPage();
      page.setDefaultTimeout(30_000);
      await signInStaff(page, s.url, 'demo.mediator', DEMO_PASSWORD);
      await page.goto(`${s.url}/cases/${d.demo.caseId}#recordings`);
      const item = page.locator(`[data-testid="caucus-item"][data-item-id="${caucusId}"]`);
      await item.waitFor();
      expect(await item.getAttribute('data-released')).toBe('false');
      await item.getByTestId('caucus-release').click();
      await item.getByTestId('caucus-release').waitFor({ state: 'detached' });
      expect(await item.getByTestId('caucus-release-state').textContent()).toBe('Released by the mediator; the party has not released it');
      // The mediator who held it sees the caucus tracks (so the counts below can tell).
      expect(await page.locator('[data-testid="recording-tracks"] li[data-private="true"]').count()).toBeGreaterThan(0);
      // Other staff (the clerk, the judge, the Hong Kong arbitrator) see the joint recording, never the caucus (the policy).
      const clerk = await (await englishContext(browser)).newPage();
      await signInStaff(clerk, s.url, 'demo.clerk', DEMO_PASSWORD);
      const judge = await (await englishContext(browser)).newPage();
      await signInStaff(judge, s.url, 'demo.judge', DEMO_PASSWORD);
      const arbitrator = await (await englishContext(browser)).newPage();
      await signInStaff(arbitrator, s.url, 'demo.arbitrator.hk', DEMO_PASSWORD);
      for (const other of [clerk, judge, arbitrator]) {
        await other.goto(`${s.url}/cases/${d.demo.caseId}#recordings`);
        await other.getByTestId('recording').first().waitFor();
        expect(await other.locator(`[data-testid="caucus-item"][data-item-id="${caucusId}"]`).count()).toBe(0);
        expect(await other.locator('[data-testid="recording-tracks"] li[data-private="true"]').count()).toBe(0);
      }
      // The judge's review page.
      await judge.goto(`${s.url}/cases/${d.demo.caseId}#documents`);
      await judge.getByTestId('court-review-link').click();
      await judge.getByTestId('court-review').waitFor();
      expect(await judge.getByTestId('court-no-caucus').textContent()).toMatch(/^Caucus material is never part of this package/);
    } finally {
      await browser.close();
    }
  });

  it('a caucus item is released only by the mediator who held it and the party in it, each audited; others learn nothing', async () => {
    const url = (item: string) => `/api/cases/${d.demo.caseId}/caucus-items/${item}/release`;
    const admin = await s.login('demo.admin');
    const clerk = await s.login('demo.clerk');
    const snap = await snapshot(s);
    // The other party, the court, the clerk, an administrator: as if there were no such item.
    for (const token of [d.respondent, d.judge, clerk, admin]) expectError(await s.api('POST', url(caucusId), { token, body: {} }), 404, 'NOT_FOUND');
    expectError(await s.api('POST', url('cau_nosuchcaucus'), { token: d.mediator, body: {} }), 404, 'NOT_FOUND');
    expectError(await s.api('POST', url(caucusId), { token: d.mediator, body: { side: 'party' } }), 400, 'VALIDATION_FAILED');
    expectError(await s.api('POST', url(caucusId), { body: {} }), 401, 'UNAUTHENTICATED');
    expect(await snapshot(s)).toEqual(snap);

    // The mediator released the recording on the case page (previous test); once is enough.
    expectError(await s.api('POST', url(caucusId), { token: d.mediator, body: {} }), 409, 'CONFLICT');
    const m = await s.services.recordings.caucusItems.facts(d.demo.caseId, caucusId);
    expect(m).toMatchObject({ kind: 'caucus', itemKind: 'recording', caucusId, released: false, heldBy: { staffId: s.staff.mediator.id } });
    const a = await s.api('POST', url(caucusId), { token: d.applicant, body: {} });
    expect(a.status, JSON.stringify(a.body)).toBe(200);
    expect(a.body.item).toMatchObject({ released: true });
    expect(a.body.item.releases.map((r: { side: string }) => r.side)).toEqual(['mediator', 'party']);

    // The chat message: the party alone does not release it.
    const c = await s.api('POST', url(caucusChat.id), { token: d.applicant, body: {} });
    expect(c.body.item).toMatchObject({ itemKind: 'chat', released: false });
    const facts = await s.services.recordings.caucusItems.facts(d.demo.caseId, caucusChat.id);
    expect(facts.parties.map((p) => p.role)).toEqual(['applicant']);
    const trail = (await s.services.audit.entries(d.demo.caseId)).filter((e) => e.action === 'caucus.item_released');
    expect(trail.map((e) => [e.actor.split(':')[0], (e.data as { side: string }).side, (e.data as { released: boolean }).released])).toEqual([
      ['staff', 'mediator', false], ['participant', 'party', true], ['participant', 'party', false],
    ]);
    expect((await s.services.audit.verify(d.demo.caseId)).ok).toBe(true);
  });
});
