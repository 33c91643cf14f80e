import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseView, HearingView } from '../../signaling/protocol/api.js';
import type { ExportManifest } from '../../signaling/protocol/privacy.js';
import { newId } from '../../server/lib/ids.js';
import { startTestServer, type DbKind, type TestServer } from '../helpers/server.js';
import {
  createCase, expectError, issueLink, participantByRole, partyIdentity, scheduleHearing, standardParticipants, tokenOf, transition,
} from '../helpers/fixtures.js';

/**
 * Personal data and retention (issue 12 part 4), against a real server, real files on disk, the real CLIs as
 * subprocesses and the real `unzip`: the organisation's schedule, a person's export (exactly their tracks, words and
 * messages, hashes as the manifest says), and a retention run that deletes what expired on a closed case and nothing
 * else, after which `npm run audit:verify` still passes and lists the deletions.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const DAY = 86_400_000;
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

function cli(s: TestServer, script: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...s.env };
  if (!('DATABASE_URL' in s.env)) delete env.DATABASE_URL;
  return new Promise((resolve) => {
    execFile(TSX, [script, ...args], { cwd: ROOT, env, timeout: 240_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

interface Seeded { c: CaseView; h: HearingView; applicant: string; respondent: string; appToken: string; files: Record<'applicant' | 'respondent', { id: string; abs: string; bytes: Buffer }[]> }

describe.each<DbKind>(['sqlite', 'postgres'])('personal data and retention (%s)', (dbKind) => {
  let s: TestServer;
  let mediator: string;
  let admin: string;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-retention-'));

  beforeAll(async () => {
    s = await startTestServer(dbKind);
    [mediator, admin] = [await s.login('demo.mediator'), await s.login('demo.admin')];
  });
  afterAll(async () => {
    await s?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** A case with a hearing, a recording (two tracks of real files, hashed into the case file and the chain), a transcript and chat. */
  async function seeded(n: number): Promise<Seeded> {
    const c = await createCase(s, mediator, n);
    const h = await scheduleHearing(s, mediator, c.id, standardParticipants(s, c));
    const applicant = participantByRole(h, 'applicant').id;
    const respondent = participantByRole(h, 'respondent').id;
    const link = await issueLink(s, mediator, c.id, h.id, applicant);
    const v = await s.api<{ token: string }>('POST', '/api/join/verify', { body: { token: tokenOf(link.url), ...partyIdentity(n).applicant } });
    expect(v.status).toBe(200);
    const { db } = s.services.store;
    const audit = s.services.audit;
    const rec = newId('rec');
    const at = new Date().toISOString();
    await db.insertInto('recordings').values({
      id: rec, case_id: c.id, hearing_id: h.id, site: c.site, status: 'stopped', partial: 0, started_by: 'system', requested_at: at,
      started_at: at, stopped_at: at, compose_status: 'idle', compose_progress: 0, compose_error: null, created_at: at,
    }).execute();
    const files: Seeded['files'] = { applicant: [], respondent: [] };
    const root = s.services.recordings.service.rootFor(c.site);
    const tid = newId('trn');
    await db.insertInto('transcripts').values({ id: tid, recording_id: rec, case_id: c.id, engine: 'test', status: 'done', progress: 100, error: null, sha256: 'f'.repeat(64), created_at: at, finished_at: at }).execute();
    for (const [who, pid] of [['applicant', applicant], ['respondent', respondent]] as const) {
      const track = newId('trk');
      await db.insertInto('recording_tracks').values({
        id: track, recording_id: rec, case_id: c.id, participant_id: pid, display_name: who, role: who, kind: 'audio', room_id: 'joint',
        private: 0, codec: 'opus', offset_ms: 0, started_at: at, stopped_at: at, status: 'finished', end_reason: null,
      }).execute();
      for (const seq of [0, 1]) {
        const rel = `${c.id}/${rec}/${track}-audio-${seq}.webm`;
        const abs = path.join(root, rel);
        const bytes = randomBytes(50_000 + seq);
        fs.mkdirSync(path.dirname(abs), { recursive: true });
        fs.writeFileSync(abs, bytes);
        const id = newId('rfl');
        await db.transaction().execute(async (trx) => {
          await trx.insertInto('recording_files').values({
            id, recording_id: rec, case_id: c.id, track_id: track, kind: 'segment', seq, path: rel, start_ms: seq * 1000, duration_ms: 1000,
            bytes: bytes.length, sha256: sha(bytes), created_at: at,
          }).execute();
          await audit.append(trx, c.id, { actor: 'system', action: 'recording.file', data: { recordingId: rec, trackId: track, fileId: id, path: rel, sha256: sha(bytes), bytes: bytes.length } });
        });
        files[who].push({ id, abs, bytes });
      }
      await db.insertInto('transcript_segments').values({
        id: newId('tsg'), transcript_id: tid, track_id: track, participant_id: pid, speaker: who, seq: who === 'applicant' ? 0 : 1,
        start_ms: 0, end_ms: 900, text: `${who} words ${n}`, words: '[]',
      }).execute();
      await s.services.hearingRoom.saveChat({
        id: newId('msg'), caseId: c.id, hearingId: h.id, roomId: 'joint', inCaucus: false, fromId: pid, fromName: who, to: 'all', text: `${who} says ${n}`, at,
      });
    }
    return { c, h, applicant, respondent, appToken: v.body.token, files };
  }

  async function download(p: string, token: string): Promise<{ status: number; file: string; body: Buffer }> {
    const res = await fetch(`${s.url}${p}`, { headers: { authorization: `Bearer ${token}` } });
    const body = Buffer.from(await res.arrayBuffer());
    const file = path.join(tmp, `${randomBytes(4).toString('hex')}.zip`);
    fs.writeFileSync(file, body);
    return { status: res.status, file, body };
  }
  const unzip = (file: string, ...args: string[]) => new Promise<Buffer>((resolve, reject) => {
    execFile('unzip', [...args, file], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });
  const member = (file: string, name: string) => new Promise<Buffer>((resolve, reject) => {
    execFile('unzip', ['-p', file, name], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });

  it('the retention schedule: defaults, set by the org admin (audited), refused to others, bad input changes nothing', async () => {
    const orgId = s.staff.admin.orgId;
    const def = await s.api('GET', `/api/orgs/${orgId}/retention`, { token: admin });
    expect(def.status).toBe(200);
    expect(def.body).toMatchObject({ orgId, isDefault: true, recordingsDays: 365, transcriptsDays: 365, chatDays: 365, identityDays: 1095 });
    expectError(await s.api('GET', `/api/orgs/${orgId}/retention`, { token: mediator }), 403, 'PERMISSION_DENIED');
    expectError(await s.api('GET', `/api/orgs/${s.staff.court.orgId}/retention`, { token: admin }), 404, 'NOT_FOUND');
    expectError(await s.api('PUT', `/api/orgs/${orgId}/retention`, { token: admin, body: { recordingsDays: 5, transcriptsDays: 30, chatDays: 30, identityDays: 30 } }), 400, 'VALIDATION_FAILED');
    expectError(await s.api('PUT', `/api/orgs/${orgId}/retention`, { token: admin, body: { recordingsDays: 30, transcriptsDays: 30, chatDays: 30, identityDays: 30, extra: 1 } }), 400, 'VALIDATION_FAILED');
    expect((await s.api('GET', `/api/orgs/${orgId}/retention`, { token: admin })).body.isDefault).toBe(true);
    const put = await s.api('PUT', `/api/orgs/${orgId}/retention`, { token: admin, body: { recordingsDays: 30, transcriptsDays: 30, chatDays: 60, identityDays: 90 } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ isDefault: false, recordingsDays: 30, transcriptsDays: 30, chatDays: 60, identityDays: 90, updatedBy: `staff:${s.staff.admin.id}` });
    const org = await s.services.audit.entries(`org:${orgId}`);
    expect(org.filter((e) => e.action === 'retention.schedule_changed')).toHaveLength(1);
  });

  it('a participant exports exactly their own data: their tracks, words and messages, hashes as the manifest says; other cases get 404', async () => {
    const a = await seeded(41);
    const b = await seeded(42);
    const mine = await download(`/api/cases/${a.c.id}/my-data.zip`, a.appToken);
    expect(mine.status, mine.body.toString().slice(0, 200)).toBe(200);
    const listing = (await unzip(mine.file, '-l')).toString();
    const manifest = JSON.parse((await member(mine.file, 'manifest.json')).toString()) as ExportManifest;
    expect(manifest.subject.participantIds).toEqual([a.applicant]);
    // Every file of the zip is in the manifest with its real SHA-256, and nothing else is in the zip.
    for (const f of manifest.files) {
      expect(listing).toContain(f.path);
      expect(sha(await member(mine.file, f.path)), f.path).toBe(f.sha256);
    }
    const recordings = manifest.files.filter((f) => f.kind === 'recording');
    expect(recordings.map((f) => f.sha256).sort()).toEqual(a.files.applicant.map((f) => sha(f.bytes)).sort());
    for (const f of a.files.respondent) expect(manifest.files.map((x) => x.sha256)).not.toContain(sha(f.bytes));
    const transcript = JSON.parse((await member(mine.file, manifest.files.find((f) => f.kind === 'transcript')!.path)).toString());
    expect(transcript.segments.map((x: { text: string }) => x.text)).toEqual(['applicant words 41']);
    const chat = JSON.parse((await member(mine.file, 'chat.json')).toString());
    expect(chat.map((m: { text: string }) => m.text)).toEqual(['applicant says 41']);
    expect(JSON.parse((await member(mine.file, 'identity.json')).toString())).toMatchObject({ name: partyIdentity(41).applicant.name });
    expect((await s.services.audit.entries(a.c.id)).some((e) => e.action === 'data.exported')).toBe(true);

    // The same session on another case's URL, and the org admin naming another case's participant: 404, nothing revealed.
    expectError(await s.api('GET', `/api/cases/${b.c.id}/my-data.zip`, { token: a.appToken }), 404, 'NOT_FOUND');
    expectError(await s.api('GET', `/api/cases/${a.c.id}/participants/${b.respondent}/export.zip`, { token: admin }), 404, 'NOT_FOUND');
    expectError(await s.api('GET', `/api/cases/${a.c.id}/participants/${a.respondent}/export.zip`, { token: mediator }), 403, 'PERMISSION_DENIED');
    const theirs = await download(`/api/cases/${a.c.id}/participants/${a.respondent}/export.zip`, admin);
    expect(theirs.status).toBe(200);
    const m2 = JSON.parse((await member(theirs.file, 'manifest.json')).toString()) as ExportManifest;
    expect(m2.files.filter((f) => f.kind === 'recording').map((f) => f.sha256).sort()).toEqual(a.files.respondent.map((f) => sha(f.bytes)).sort());
  });

  it('a retention run deletes what expired on a closed case, keeps rows and hashes, and audit:verify passes and lists the deletions', async () => {
    const expired = await seeded(51);
    const later = await seeded(52);
    const open = await seeded(53);
    for (const x of [expired, later]) {
      expect((await transition(s, mediator, x.c.id, 'withdrawn', 'the applicant withdrew')).status).toBe(200);
      expect((await transition(s, mediator, x.c.id, 'archived')).status).toBe(200);
    }
    const { db } = s.services.store;
    const closedAt = (await db.selectFrom('cases').select('closed_at').where('id', '=', expired.c.id).executeTakeFirstOrThrow()).closed_at!;
    // The second case closed 80 days after the first: at the run (day 100), none of its categories has expired yet.
    await db.updateTable('cases').set({ closed_at: new Date(Date.parse(closedAt) + 80 * DAY).toISOString() }).where('id', '=', later.c.id).execute();
    const hashesBefore = await db.selectFrom('audit_entries').select(['seq', 'hash']).where('chain_id', '=', expired.c.id).orderBy('seq').execute();
    const filesBefore = await db.selectFrom('recording_files').select(['id', 'sha256']).where('case_id', '=', expired.c.id).orderBy('id').execute();

    // Schedule of the first test: recordings and transcripts 30 days, chat 60, identity 90. Run at day 100.
    const runAt = new Date(Date.parse(closedAt) + 100 * DAY).toISOString();
    const run = await cli(s, 'server/cli/retention-run.ts', '--now', runAt);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    const report = JSON.parse(run.stdout.slice(0, run.stdout.lastIndexOf('}') + 1)) as { deletions: { caseId: string; category: string }[] };
    expect(report.deletions.filter((d) => d.caseId === expired.c.id).map((d) => d.category).sort()).toEqual(['chat', 'identity', 'recordings', 'transcripts']);
    expect(report.deletions.filter((d) => d.caseId !== expired.c.id)).toEqual([]);

    // The expired case: files gone, rows kept with their hashes and the marker; texts and identity data cleared.
    for (const f of [...expired.files.applicant, ...expired.files.respondent]) expect(fs.existsSync(f.abs)).toBe(false);
    const filesAfter = await db.selectFrom('recording_files').select(['id', 'sha256', 'deleted_by_policy']).where('case_id', '=', expired.c.id).orderBy('id').execute();
    expect(filesAfter.map((f) => ({ id: f.id, sha256: f.sha256 }))).toEqual(filesBefore);
    expect(filesAfter.every((f) => f.deleted_by_policy === runAt)).toBe(true);
    const segs = await db.selectFrom('transcript_segments').innerJoin('transcripts', 'transcripts.id', 'transcript_segments.transcript_id').select(['text', 'speaker']).where('transcripts.case_id', '=', expired.c.id).execute();
    expect(segs.map((x) => x.text)).toEqual(['', '']);
    const chat = await db.selectFrom('hearing_chat').select(['text', 'from_name', 'deleted_by_policy']).where('case_id', '=', expired.c.id).execute();
    expect(chat.every((m) => m.text === '' && m.from_name === '' && m.deleted_by_policy === runAt)).toBe(true);
    const parties = await db.selectFrom('parties').selectAll().where('case_id', '=', expired.c.id).execute();
    expect(parties.every((p) => p.name === '' && p.id_number_hash === '' && p.id_number_last4 === '')).toBe(true);
    // Identity data is gone from the audit payloads too, while every entry keeps its hash.
    const chain = await db.selectFrom('audit_entries').selectAll().where('chain_id', '=', expired.c.id).orderBy('seq').execute();
    expect(chain.slice(0, hashesBefore.length).map((e) => ({ seq: e.seq, hash: e.hash }))).toEqual(hashesBefore);
    expect(JSON.stringify(chain.map((e) => e.data))).not.toContain(partyIdentity(51).applicant.name);
    expect(chain.find((e) => e.action === 'case.registered')!.redacted_at).toBe(runAt);
    expect((await s.services.audit.verify(expired.c.id)).ok).toBe(true);

    // Not expired yet, and still open: untouched.
    for (const x of [later, open]) {
      for (const f of [...x.files.applicant, ...x.files.respondent]) expect(sha(fs.readFileSync(f.abs))).toBe(sha(f.bytes));
      const texts = await db.selectFrom('hearing_chat').select('text').where('case_id', '=', x.c.id).execute();
      expect(texts.every((t) => t.text.length > 0)).toBe(true);
      expect((await db.selectFrom('parties').select('name').where('case_id', '=', x.c.id).execute()).every((p) => p.name.length > 0)).toBe(true);
      expect((await s.services.audit.entries(x.c.id)).some((e) => e.action.startsWith('retention.'))).toBe(false);
    }

    const verify = await cli(s, 'server/cli/audit-verify.ts', expired.c.id);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(new RegExp(`audit chain ${expired.c.id}: intact`));
    for (const a of ['retention.recordings_deleted', 'retention.transcripts_deleted', 'retention.chat_deleted', 'retention.identity_deleted']) {
      expect(verify.stdout).toContain(`deleted by policy: ${a}`);
    }
    expect(verify.stdout).toContain('redacted by policy');
    expect(verify.stdout).toContain('(4 deleted by policy, rows and hashes kept)');

    // Running again deletes nothing more; the export no longer carries the deleted recordings.
    const again = await s.services.privacy.retention.run(new Date(runAt));
    expect(again.deletions.filter((d) => d.caseId === expired.c.id)).toEqual([]);

    // A redaction that no retention entry names is an alteration.
    const registered = chain.find((e) => e.action === 'hearing.scheduled')!;
    await db.updateTable('audit_entries').set({ redacted_at: runAt, data: '{"forged":true}' }).where('chain_id', '=', later.c.id).where('seq', '=', registered.seq).execute();
    expect((await s.services.audit.verify(later.c.id)).firstBroken).toMatchObject({ seq: registered.seq, reason: expect.stringMatching(/no retention entry/) });
  });
});
