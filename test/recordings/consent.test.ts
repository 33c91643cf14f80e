import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { ClientPool, must, request, sleep, setupHearing, type HearingFixture } from '../helpers/hearing.js';
import { ffprobe, sha256File } from '../../recordings/media.js';
import { HearingBot } from './helpers/bot.js';
import { oggOpusPackets, speechOgg, testPatternIvf } from './helpers/speech.js';

/**
 * Consent and caucus rules against the real gateway, the werift SFU in a worker process and real ffmpeg recorders:
 * four werift bots (mediator, clerk, applicant, respondent). The respondent refuses: nothing of theirs is recorded.
 * A caucus nobody asked to record leaves no file; a caucus whose members all consent is recorded and marked private.
 * Someone admitted later is asked before anything of theirs is recorded.
 */
describe('recording consent', { timeout: 120_000 }, () => {
  let s: TestServer;
  let f: HearingFixture;
  const pool = () => new ClientPool(s);
  let clients: ClientPool;
  const bots: Record<string, HearingBot> = {};

  beforeAll(async () => {
    s = await startTestServer('sqlite', { CONCORD_MEDIA_WORKERS: '1', CONCORD_RECORDINGS_SEGMENT_SECONDS: '2', CONCORD_TRANSCRIBE_ENGINE: 'none' });
    f = await setupHearing(s, 61);
    clients = pool();
  });
  afterAll(async () => {
    for (const b of Object.values(bots)) await b.close().catch(() => undefined);
    clients?.closeAll();
    await s?.close();
  });

  it('records only who consented, asks late joiners, keeps caucuses out unless all of them consent', async () => {
    const P = f.participants;
    for (const role of ['mediator', 'clerk', 'applicant'] as const) bots[role] = await HearingBot.join(clients, P[role].token, P[role].id);
    await must(bots.mediator!.c, 'lobby.admit', { participantId: P.applicant.id });
    const packets = oggOpusPackets(speechOgg(`${s.env.CONCORD_DATA_DIR}/fixtures`));
    const ivf = testPatternIvf(`${s.env.CONCORD_DATA_DIR}/fixtures`);
    for (const role of ['mediator', 'clerk', 'applicant'] as const) await bots[role]!.publish(ivf, role === 'applicant' ? packets : undefined);

    // Nobody but the clerk and mediator may start it.
    const refusedStart = await request(bots.applicant!.c, 'recording.start', {});
    expect(refusedStart.ok ? null : refusedStart.error.code).toBe('PERMISSION_DENIED');
    const started = await must(bots.clerk!.c, 'recording.start', {});
    expect(started.status).toBe('awaiting_consent');
    const asked = await bots.applicant!.waitRecording((r) => r.ask === 'hearing');
    expect(asked.status).toBe('awaiting_consent');
    await must(bots.mediator!.c, 'recording.consent', { scope: 'hearing', accept: true });
    await must(bots.clerk!.c, 'recording.consent', { scope: 'hearing', accept: true });
    await sleep(1500);
    // One answer missing: nothing recorded yet.
    expect(s.services.recordings.service.recorders()).toHaveLength(0);
    await must(bots.applicant!.c, 'recording.consent', { scope: 'hearing', accept: true });
    await bots.applicant!.waitRecording((r) => r.status === 'recording' && r.recordingMe, 60_000); // a hang guard: recorders start slowly on a starved machine

    // A late joiner: admitted while recording runs, asked, refuses.
    bots.respondent = await HearingBot.join(clients, P.respondent.token, P.respondent.id);
    await must(bots.mediator!.c, 'lobby.admit', { participantId: P.respondent.id });
    await bots.respondent.publish(ivf);
    const ask = await bots.respondent.waitRecording((r) => r.ask === 'hearing');
    expect(ask.status).toBe('recording');
    expect(ask.recordingMe).toBe(false);
    await must(bots.respondent.c, 'recording.consent', { scope: 'hearing', accept: false });
    bots.applicant!.speech!.play();
    await sleep(3000);

    // A caucus with the respondent, never asked: nothing of it is recorded.
    const c1 = await must(bots.mediator!.c, 'caucus.start', { participantIds: [P.respondent.id] });
    await sleep(2500);
    await must(bots.mediator!.c, 'caucus.end', { caucusId: c1.caucusId });
    // A caucus with the applicant: the mediator asks, both accept -> recorded, private.
    const c2 = await must(bots.mediator!.c, 'caucus.start', { participantIds: [P.applicant.id] });
    await must(bots.mediator!.c, 'recording.caucus', { caucusId: c2.caucusId });
    await bots.applicant!.waitRecording((r) => r.ask === c2.caucusId && r.private);
    await must(bots.applicant!.c, 'recording.consent', { scope: c2.caucusId, accept: true });
    await must(bots.mediator!.c, 'recording.consent', { scope: c2.caucusId, accept: true });
    await bots.applicant!.waitRecording((r) => r.status === 'recording' && r.private && r.recordingMe, 60_000);
    await sleep(3000);
    await must(bots.mediator!.c, 'caucus.end', { caucusId: c2.caucusId });
    while (bots.applicant!.speech!.playing) await sleep(200);
    await sleep(1000);
    // The stop ends the copying at once and shows 'off'; the recorders then close their files outside the hearing's
    // queue, so the hearing answers other requests meanwhile (the stop is acknowledged once the files are closed).
    const acks: string[] = [];
    const stopping = request(bots.clerk!.c, 'recording.stop', {}, 30_000).then((r) => (acks.push('stop'), r));
    await bots.clerk!.waitRecording((r) => r.status === 'off');
    await must(bots.applicant!.c, 'chat.send', { to: 'all', text: 'still here' });
    acks.push('chat');
    const stopped = await stopping;
    expect(stopped.ok).toBe(true);
    expect(acks).toEqual(['chat', 'stop']);
    await s.services.recordings.jobs.idle();

    const db = s.services.recordings.service.db;
    const rec = await db.selectFrom('recordings').selectAll().where('id', '=', started.recordingId).executeTakeFirstOrThrow();
    expect(rec.status).toBe('stopped');
    if (rec.partial) console.log(JSON.stringify((await s.services.audit.entries(f.caseId)).filter((e) => e.action.startsWith('recording.track')).map((e) => [e.action, e.data])));
    expect(rec.partial).toBe(0);
    const tracks = await db.selectFrom('recording_tracks').selectAll().where('recording_id', '=', rec.id).execute();
    const files = await db.selectFrom('recording_files').selectAll().where('recording_id', '=', rec.id).execute();
    // The refusing respondent is in no track and no file.
    expect(tracks.filter((t) => t.participant_id === P.respondent.id)).toEqual([]);
    expect(new Set(tracks.map((t) => t.participant_id))).toEqual(new Set([P.mediator.id, P.clerk.id, P.applicant.id]));
    // The first caucus left nothing; the second one's tracks are private, in its room.
    expect(tracks.filter((t) => t.room_id === c1.caucusId)).toEqual([]);
    const priv = tracks.filter((t) => t.room_id === c2.caucusId);
    expect(priv.map((t) => `${t.participant_id}:${t.kind}`).sort()).toEqual([`${P.applicant.id}:audio`, `${P.applicant.id}:video`, `${P.mediator.id}:audio`, `${P.mediator.id}:video`].sort());
    expect(priv.every((t) => t.private === 1)).toBe(true);
    for (const t of priv) expect(files.filter((x) => x.track_id === t.id).length).toBeGreaterThan(0);
    // Caucus files are kept apart and encrypted (issue 12): not a media file on disk, a WebM once decrypted.
    for (const x of files.filter((y) => priv.some((t) => t.id === y.track_id))) {
      expect(x.path.startsWith(`caucus/${f.caseId}/`)).toBe(true);
      const abs = s.services.recordings.service.absolute(rec.site, x.path);
      await expect(ffprobe(abs)).rejects.toThrow();
      expect((await s.services.recordings.service.vault.decryptBuffer(f.caseId, abs)).subarray(0, 4).toString('hex')).toBe('1a45dfa3');
    }
    // Every file is there with the hash the case file holds; its codec is what the track says.
    for (const x of files.filter((x) => x.kind === 'segment')) {
      const abs = s.services.recordings.service.absolute(rec.site, x.path);
      expect((await sha256File(abs)).sha256).toBe(x.sha256);
    }
    const appVideo = tracks.find((t) => t.participant_id === P.applicant.id && t.kind === 'video' && t.room_id === 'joint')!;
    const first = files.find((x) => x.track_id === appVideo.id)!;
    expect((await ffprobe(s.services.recordings.service.absolute(rec.site, first.path))).streams.map((x) => x.codec)).toEqual(['vp8']);
    // The composed file leaves the private caucus out and lasts as long as the recording.
    const composed = files.find((x) => x.kind === 'composed')!;
    const probe = await ffprobe(s.services.recordings.service.absolute(rec.site, composed.path));
    expect(probe.streams.map((x) => x.codec).sort()).toEqual(['opus', 'vp8']);
    const hearingSeconds = (Date.parse(rec.stopped_at!) - Date.parse(rec.started_at!)) / 1000;
    // Several times the usual gap (~0.2 s): on a loaded machine ffmpeg and the recorder start a moment late.
    expect(Math.abs(probe.duration - hearingSeconds)).toBeLessThan(3);
    // Consents and refusals are in the case file and the audit chain.
    const consents = await db.selectFrom('recording_consents').selectAll().where('hearing_id', '=', f.hearingId).execute();
    expect(consents.find((c) => c.participant_id === P.respondent.id)?.decision).toBe('refused');
    const actions = (await s.services.audit.entries(f.caseId)).map((e) => e.action);
    expect(actions).toContain('recording.consent_refused');
    expect(actions.filter((a) => a === 'recording.file').length).toBe(files.filter((x) => x.kind === 'segment').length);
  });
});
