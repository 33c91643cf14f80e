import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { caseBody, DEMO_PASSWORD, type TestServer } from './server.js';
import { verifyLink } from './hearing.js';

/** A case with every kind of person on it, each with a live session, and one recorded hearing with a caucus. */
export interface CaucusCase {
  caseId: string; hearingId: string; recordingId: string; caucusId: string;
  /** Staff sessions (console): mediator, clerk, HK arbitrator and judge are assigned to the case; admin is the org's. */
  staff: Record<'mediator' | 'clerk' | 'arbitrator' | 'court' | 'admin', string>;
  /** Participant sessions (hearing links, after their identity checks). */
  people: Record<'mediator' | 'applicant' | 'respondent' | 'clerk' | 'arbitrator' | 'court', { id: string; token: string }>;
  joint: { trackId: string; fileId: string };
  caucus: { trackId: string; fileId: string };
}

const USERNAMES = { mediator: 'demo.mediator', clerk: 'demo.clerk', arbitrator: 'demo.arbitrator.hk', court: 'demo.judge', admin: 'demo.admin' } as const;

async function ok<T>(p: Promise<{ status: number; body: T }>, want: number, what: string): Promise<T> {
  const r = await p;
  if (r.status !== want) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/**
 * The case and its hearing go through the real API; the recorded material (a joint-session track and a caucus track of
 * the applicant with the mediator, their transcript lines and chat lines, the audit entry of the caucus) is written
 * as the recorder and the live hearing write it, without running a hearing: these tests are about who reads it.
 */
export async function caucusCase(s: TestServer, n: number): Promise<CaucusCase> {
  const staff = Object.fromEntries(await Promise.all(Object.entries(USERNAMES).map(async ([k, u]) => [k, await s.login(u)]))) as CaucusCase['staff'];
  const body = caseBody(n);
  const c = await ok(s.api<any>('POST', '/api/cases', { token: staff.mediator, body }), 201, 'create case');
  const party = (side: string) => c.parties.find((p: { side: string }) => p.side === side).id as string;
  const h = await ok(s.api<any>('POST', `/api/cases/${c.id}/hearings`, {
    token: staff.mediator,
    body: {
      startsAt: new Date(Date.now() + 86_400_000).toISOString(), durationMinutes: 90, site: 'guangzhou',
      participants: [
        { role: 'mediator', staffId: s.staff.mediator.id }, { role: 'clerk', staffId: s.staff.clerk.id },
        { role: 'arbitrator', staffId: s.staff.arbitrator.id }, { role: 'court', staffId: s.staff.court.id },
        { role: 'applicant', partyId: party('applicant') }, { role: 'respondent', partyId: party('respondent') },
      ],
    },
  }), 201, 'schedule hearing');
  const people = {} as CaucusCase['people'];
  for (const p of h.participants as { id: string; role: keyof CaucusCase['people'] }[]) {
    const link = await ok(s.api<any>('POST', `/api/cases/${c.id}/hearings/${h.id}/links`, { token: staff.mediator, body: { participantId: p.id } }), 201, 'issue link');
    const linkToken = (link.url as string).slice((link.url as string).indexOf('#') + 1);
    const i = p.role === 'applicant' ? 0 : 1;
    const answers = p.role === 'applicant' || p.role === 'respondent'
      ? { name: body.parties[i]!.name, idNumber: body.parties[i]!.idNumber }
      : { username: USERNAMES[p.role], password: DEMO_PASSWORD };
    people[p.role] = { id: p.id, token: await verifyLink(s, linkToken, answers) };
  }
  const seeded = await seedMaterial(s, c.id, h.id, people);
  return { caseId: c.id, hearingId: h.id, staff, people, ...seeded };
}

async function seedMaterial(s: TestServer, caseId: string, hearingId: string, people: CaucusCase['people']) {
  const { db } = s.services.store;
  const svc = s.services.recordings.service;
  const at = new Date().toISOString();
  const caucusId = `cau_${caseId}`;
  const recordingId = `rec_${caseId}`;
  await s.services.audit.record(caseId, {
    actor: `participant:${people.mediator.id}`, action: 'hearing.caucus_started',
    data: { hearingId, caucusId, memberIds: [people.mediator.id, people.applicant.id] },
  });
  await db.insertInto('recordings').values({
    id: recordingId, case_id: caseId, hearing_id: hearingId, site: 'guangzhou', status: 'stopped', partial: 0, started_by: `participant:${people.mediator.id}`,
    requested_at: at, started_at: at, stopped_at: at, compose_status: 'idle', compose_progress: 0, compose_error: null, created_at: at,
  }).execute();
  const track = async (kind: 'joint' | 'caucus') => {
    const trackId = `trk_${kind}_${caseId}`;
    const fileId = `fil_${kind}_${caseId}`;
    const rel = `${caseId}/${recordingId}/${kind}.webm`;
    const abs = svc.absolute('guangzhou', rel);
    await mkdir(dirname(abs), { recursive: true });
    await writeFile(abs, `${kind} media bytes`);
    await db.insertInto('recording_tracks').values({
      id: trackId, recording_id: recordingId, case_id: caseId, participant_id: people.applicant.id, display_name: 'applicant', role: 'applicant',
      kind: 'audio', room_id: kind === 'joint' ? 'joint' : caucusId, private: kind === 'joint' ? 0 : 1, codec: 'opus', offset_ms: 0,
      started_at: at, stopped_at: at, status: 'finished', end_reason: null,
    }).execute();
    await db.insertInto('recording_files').values({
      id: fileId, recording_id: recordingId, case_id: caseId, track_id: trackId, kind: 'segment', seq: 0, path: rel, start_ms: 0, duration_ms: 1000,
      bytes: 20, sha256: '0'.repeat(64), created_at: at,
    }).execute();
    await db.insertInto('hearing_chat').values({
      id: `msg_${kind}_${caseId}`, case_id: caseId, hearing_id: hearingId, room_id: kind === 'joint' ? 'joint' : caucusId, in_caucus: kind === 'joint' ? 0 : 1,
      from_participant_id: people.applicant.id, from_name: 'applicant', recipient: 'all', text: `${kind.toUpperCase()} CHAT LINE`, at,
    }).execute();
    return { trackId, fileId };
  };
  const joint = await track('joint');
  const caucus = await track('caucus');
  const transcriptId = `trn_${caseId}`;
  await db.insertInto('transcripts').values({
    id: transcriptId, recording_id: recordingId, case_id: caseId, engine: 'test', status: 'done', progress: 100, error: null, sha256: null, created_at: at, finished_at: at,
  }).execute();
  for (const [seq, t] of [joint, caucus].entries()) {
    await db.insertInto('transcript_segments').values({
      id: `seg_${seq}_${caseId}`, transcript_id: transcriptId, track_id: t.trackId, participant_id: people.applicant.id, speaker: 'applicant', seq,
      start_ms: seq * 1000, end_ms: seq * 1000 + 900, text: seq === 0 ? 'JOINT TRANSCRIPT LINE' : 'CAUCUS CONCESSION LINE', words: '[]',
    }).execute();
  }
  return { recordingId, caucusId, joint, caucus };
}
