import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordingJobs } from '../../server/recordings/jobs.js';
import { trackResults } from '../../server/recordings/transcription.js';
import { caseBody, startTestServer, type TestServer } from '../helpers/server.js';
import { DATA } from './helpers/speech.js';

/**
 * Issue 17: the transcription job with real files and the real engines of this machine (pocketsphinx; no SenseVoice
 * model). Each track is transcribed in its language: the track's own (an interpreter's channel), else the
 * participant's, else the case's default (Mandarin for a Guangzhou case), and a track no engine takes is a stored
 * "no model for cmn" result beside the others, never a silent gap. The timeline carries speaker, role and language;
 * the hearing record is drafted from it in the case's language.
 */
describe('transcripts per language (job, case file, record draft)', () => {
  let s: TestServer;
  let caseId: string;
  let hearingId: string;
  let clerk: string;
  const people: Record<string, string> = {};
  let n = 0;

  beforeAll(async () => {
    s = await startTestServer('sqlite', { CONCORD_TRANSCRIBE_ENGINE: 'pocketsphinx' });
    const mediator = await s.login('demo.mediator');
    clerk = await s.login('demo.clerk');
    const body = caseBody(1);
    const c = (await s.api<any>('POST', '/api/cases', { token: mediator, body })).body;
    caseId = c.id;
    const party = (side: string) => c.parties.find((p: { side: string }) => p.side === side).id as string;
    const h = await s.api<any>('POST', `/api/cases/${caseId}/hearings`, {
      token: mediator,
      body: {
        startsAt: new Date(Date.now() + 86_400_000).toISOString(), durationMinutes: 60, site: 'guangzhou',
        participants: [{ role: 'mediator', staffId: s.staff.mediator.id }, { role: 'clerk', staffId: s.staff.clerk.id }, { role: 'applicant', partyId: party('applicant') }, { role: 'respondent', partyId: party('respondent') }],
      },
    });
    expect(h.status, JSON.stringify(h.body)).toBe(201);
    hearingId = h.body.id;
    for (const p of h.body.participants as { id: string; role: string }[]) people[p.role] = p.id;
  });
  afterAll(async () => {
    await s?.close();
  });

  /** A stopped recording with one audio track per entry; `speech` tracks hold real English speech (1 s in). */
  async function recording(tracks: { role: 'applicant' | 'respondent'; language: string | null; offsetMs: number }[]): Promise<{ id: string; trackIds: string[] }> {
    const { db } = s.services.store;
    const svc = s.services.recordings.service;
    const id = `rec_lang_${++n}`;
    const at = new Date().toISOString();
    await db.insertInto('recordings').values({
      id, case_id: caseId, hearing_id: hearingId, site: 'guangzhou', status: 'stopped', partial: 0, started_by: 'system', requested_at: at, started_at: at,
      stopped_at: at, compose_status: 'idle', compose_progress: 0, compose_error: null, created_at: at,
    }).execute();
    const trackIds: string[] = [];
    for (const [i, t] of tracks.entries()) {
      const trackId = `${id}_t${i}`;
      const rel = `${caseId}/${id}/${trackId}-audio-00000.webm`;
      const abs = svc.absolute('guangzhou', rel);
      mkdirSync(dirname(abs), { recursive: true });
      execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'anullsrc=r=16000:cl=mono:d=1', '-f', 's16le', '-ar', '16000', '-ac', '1',
        '-i', `${DATA}/goforward.raw`, '-f', 'lavfi', '-i', 'anullsrc=r=16000:cl=mono:d=1', '-filter_complex', '[0][1][2]concat=n=3:v=0:a=1', '-ar', '48000',
        '-c:a', 'libopus', '-b:a', '32k', abs]);
      await db.insertInto('recording_tracks').values({
        id: trackId, recording_id: id, case_id: caseId, participant_id: people[t.role]!, display_name: t.role === 'applicant' ? '张三' : '示例公司', role: t.role,
        kind: 'audio', room_id: 'joint', private: 0, codec: 'opus', offset_ms: t.offsetMs, started_at: at, stopped_at: at, status: 'finished', end_reason: null,
        language: t.language,
      }).execute();
      await db.insertInto('recording_files').values({
        id: `${trackId}_f`, recording_id: id, case_id: caseId, track_id: trackId, kind: 'segment', seq: 0, path: rel, start_ms: 0, duration_ms: 4800, bytes: 1,
        sha256: '0'.repeat(64), created_at: at,
      }).execute();
      trackIds.push(trackId);
    }
    return { id, trackIds };
  }

  const row = (id: string) => s.services.store.db.selectFrom('transcripts').selectAll().where('recording_id', '=', id).orderBy('created_at', 'desc').executeTakeFirstOrThrow();

  it('each track in its language; the one without a model is a stored "no model for cmn"; the timeline and the draft', async () => {
    // The applicant's track names English (as an interpreter's channel would); the respondent's names nothing and the
    // participant has no language, so the case's default applies: Mandarin, for which no model is configured here.
    const rec = await recording([{ role: 'applicant', language: 'en', offsetMs: 2000 }, { role: 'respondent', language: null, offsetMs: 0 }]);
    await s.services.recordings.jobs.transcribe(rec.id);
    const t = await row(rec.id);
    expect(t.status).toBe('done');
    expect(t.engine).toBe('pocketsphinx');
    expect(t.error).toMatch(/示例公司 \(cmn\): no model for cmn: set CONCORD_SHERPA_MODEL_DIR/);
    const results = trackResults(t.tracks ?? null);
    expect(results.map((r) => [r.trackId, r.language, r.languageFrom, r.status, r.engine])).toEqual([
      [rec.trackIds[0], 'en', 'track', 'done', 'pocketsphinx'],
      [rec.trackIds[1], 'cmn', 'case', 'no_model', null],
    ]);
    expect(results[0]!.windows).toBeGreaterThanOrEqual(1);
    expect(results[0]!.longestWindowMs).toBeLessThanOrEqual(30_000);
    expect(results[0]!.vad).toBe('energy');

    // The timeline: speaker, role, language; word times on the recording (track offset 2 s + 1 s lead-in + 0.65 s).
    const view = await s.services.recordings.casefile.transcript(caseId, rec.id, { actor: 'test', sees: () => true });
    expect(view.tracks.map((x) => x.status)).toEqual(['done', 'no_model']);
    expect(view.segments.length).toBeGreaterThan(0);
    for (const seg of view.segments) expect([seg.speaker, seg.role, seg.language]).toEqual(['张三', 'applicant', 'en']);
    const forward = view.segments.flatMap((x) => x.words).find((w) => w.w === 'forward');
    expect(forward, JSON.stringify(view.segments)).toBeDefined();
    expect(Math.abs(forward!.s - 3650)).toBeLessThan(1000);

    // The hearing record drafted in the case's language (a Guangzhou case: Simplified Chinese), and in Portuguese.
    const zh = await s.api<any>('GET', `/api/cases/${caseId}/recordings/${rec.id}/record-draft`, { token: clerk });
    expect(zh.status, JSON.stringify(zh.body)).toBe(200);
    expect(zh.body.language).toBe('zh-Hans');
    expect(zh.body.lines[0].text).toMatch(/^申请人 张三（英语）：go forward/);
    expect(Math.abs(zh.body.lines[0].atMs - 3500)).toBeLessThan(1000);
    const pt = await s.api<any>('GET', `/api/cases/${caseId}/recordings/${rec.id}/record-draft?language=pt`, { token: clerk });
    expect(pt.body.lines[0].text).toMatch(/^Requerente 张三 \(inglês\): go forward/);
    const bad = await s.api<any>('GET', `/api/cases/${caseId}/recordings/${rec.id}/record-draft?language=fr`, { token: clerk });
    expect(bad.status).toBe(400);
  });

  it("the participant's language when the track names none; only tracks without a model: failed, with the reason", async () => {
    const rec = await recording([{ role: 'respondent', language: null, offsetMs: 0 }]);
    // The participant's own language, as the hearings service gives it (issue 17 adds the field to participants).
    const jobs = new RecordingJobs(s.services.recordings.service, undefined, async (h) => new Map(h === hearingId ? [[people.respondent!, 'en-GB']] : []));
    await jobs.transcribe(rec.id);
    const t = await row(rec.id);
    expect(t.status).toBe('done');
    expect(trackResults(t.tracks ?? null).map((r) => [r.language, r.languageFrom, r.status])).toEqual([['en', 'participant', 'done']]);

    const none = await recording([{ role: 'respondent', language: 'yue', offsetMs: 0 }]);
    await s.services.recordings.jobs.transcribe(none.id);
    const f = await row(none.id);
    expect(f.status).toBe('failed');
    expect(f.error).toMatch(/no model for yue/);
    const view = await s.services.recordings.casefile.transcript(caseId, none.id, { actor: 'test', sees: () => true });
    expect(view.status).toBe('failed');
    expect(view.segments).toEqual([]);
    expect(view.tracks[0]).toMatchObject({ language: 'yue', status: 'no_model' });
  });
});
