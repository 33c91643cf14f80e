import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { caucusCase, type CaucusCase } from '../helpers/caucus.js';

/**
 * Issue 12: caucus recordings, their transcript lines and caucus chat are readable only by the mediator who held the
 * caucus and by that party side, over the API. The judge, the HK arbitrator (both assigned), the clerk, the
 * organisation admin and the other party get no caucus item: not in the list, 404 on direct fetch, no lines in the
 * transcript or the timeline. Joint-session material stays readable for them.
 */
describe('caucus material over the API', () => {
  let s: TestServer;
  let f: CaucusCase;

  beforeAll(async () => {
    s = await startTestServer('sqlite', { CONCORD_TRANSCRIBE_ENGINE: 'none' });
    f = await caucusCase(s, 1201);
  });
  afterAll(async () => {
    await s?.close();
  });

  const base = () => `/api/cases/${f.caseId}/recordings`;
  async function whatTheySee(token: string) {
    const list = await s.api<any>('GET', base(), { token });
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    const rec = list.body.recordings.find((r: { id: string }) => r.id === f.recordingId);
    const file = (id: string) => s.api('GET', `${base()}/${f.recordingId}/files/${id}`, { token });
    const transcript = await s.api<any>('GET', `${base()}/${f.recordingId}/transcript`, { token });
    const vtt = await s.api<any>('GET', `${base()}/${f.recordingId}/transcript.vtt`, { token });
    const timeline = await s.api<any>('GET', `${base()}/${f.recordingId}/timeline`, { token });
    return {
      listedTracks: (rec.tracks as { id: string }[]).map((t) => t.id).sort(),
      listedFiles: (rec.files as { id: string }[]).map((x) => x.id).sort(),
      jointFile: (await file(f.joint.fileId)).status,
      caucusFile: (await file(f.caucus.fileId)).status,
      transcript: transcript.status === 200 ? (transcript.body.segments as { text: string }[]).map((x) => x.text) : transcript.status,
      vttHasCaucus: String(vtt.body ?? '').includes('CAUCUS') || JSON.stringify(vtt.body ?? '').includes('CAUCUS'),
      chat: (timeline.body.events as { kind: string; data: { text?: string } }[]).filter((e) => e.kind === 'chat').map((e) => e.data.text),
    };
  }

  const allowed = { jointFile: 200, caucusFile: 200, transcript: ['JOINT TRANSCRIPT LINE', 'CAUCUS CONCESSION LINE'], chat: ['JOINT CHAT LINE', 'CAUCUS CHAT LINE'] };
  const refused = { jointFile: 200, caucusFile: 404, transcript: ['JOINT TRANSCRIPT LINE'], chat: ['JOINT CHAT LINE'] };

  it('the mediator who held the caucus (console and hearing link) and the party in it read everything', async () => {
    for (const token of [f.staff.mediator, f.people.mediator.token, f.people.applicant.token]) {
      const seen = await whatTheySee(token);
      expect(seen).toMatchObject(allowed);
      expect(seen.listedTracks).toEqual([f.caucus.trackId, f.joint.trackId].sort());
      expect(seen.vttHasCaucus).toBe(true);
    }
  });

  it.each([
    ['the assigned judge (console)', (x: CaucusCase) => x.staff.court],
    ['the assigned HK arbitrator (console)', (x: CaucusCase) => x.staff.arbitrator],
    ['the clerk (console)', (x: CaucusCase) => x.staff.clerk],
    ['the organisation admin', (x: CaucusCase) => x.staff.admin],
    ['the other party', (x: CaucusCase) => x.people.respondent.token],
    ['the judge by hearing link', (x: CaucusCase) => x.people.court.token],
    ['the arbitrator by hearing link', (x: CaucusCase) => x.people.arbitrator.token],
  ])('%s gets the joint session only: caucus file 404, no caucus transcript or chat line', async (_who, tokenOf) => {
    const seen = await whatTheySee(tokenOf(f));
    expect(seen).toMatchObject(refused);
    expect(seen.listedTracks).toEqual([f.joint.trackId]);
    expect(seen.listedFiles).toEqual([f.joint.fileId]);
    expect(seen.vttHasCaucus).toBe(false);
  });

  it('a recording that is all caucus answers 404 for its transcript to those who may not read it', async () => {
    await s.services.store.db.deleteFrom('recording_files').where('id', '=', f.joint.fileId).execute();
    await s.services.store.db.deleteFrom('transcript_segments').where('track_id', '=', f.joint.trackId).execute();
    await s.services.store.db.deleteFrom('recording_tracks').where('id', '=', f.joint.trackId).execute();
    for (const token of [f.staff.court, f.staff.arbitrator, f.people.respondent.token]) {
      expect((await s.api('GET', `${base()}/${f.recordingId}/transcript`, { token })).status).toBe(404);
    }
    expect((await s.api('GET', `${base()}/${f.recordingId}/transcript`, { token: f.people.applicant.token })).status).toBe(200);
  });
});
