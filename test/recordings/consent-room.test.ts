import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { ClientPool, must, request, setupHearing, type HearingFixture } from '../helpers/hearing.js';
import { HearingBot } from './helpers/bot.js';
import { testPatternIvf } from './helpers/speech.js';

/** Withdrawal is honoured within this (issue 12), on the server's and the media worker's clock (one host). */
const WITHDRAWAL_BOUND_MS = 1000;

/**
 * Consent asked in the room (issue 12), against the real gateway, the werift SFU in a worker process and ffmpeg
 * recorders, with werift bots: the join page's tick is not consent; nobody is recorded before agreeing in the room;
 * a withdrawal closes the person's taps before it is acknowledged, measured on the tap's own record of its last packet
 * against the withdrawal's time in the server's clock; agreeing again records new tracks; a new recording asks
 * everyone again; the `pause_recording` rule; hostile messages.
 */
describe('recording consent asked in the room', { timeout: 120_000 }, () => {
  let s: TestServer;
  let f: HearingFixture;
  let clients: ClientPool;
  const bots: Record<string, HearingBot> = {};

  beforeAll(async () => {
    s = await startTestServer('sqlite', { CONCORD_MEDIA_WORKERS: '1', CONCORD_RECORDINGS_SEGMENT_SECONDS: '2', CONCORD_TRANSCRIBE_ENGINE: 'none' });
    f = await setupHearing(s, 71);
    clients = new ClientPool(s);
  });
  afterAll(async () => {
    for (const b of Object.values(bots)) await b.close().catch(() => undefined);
    clients?.closeAll();
    await s?.close();
  });

  it('records nobody before they agree in the room, stops a withdrawal within 1 s, resumes on agreeing again', async () => {
    const P = f.participants;
    const svc = s.services.recordings.service;
    for (const role of ['mediator', 'clerk', 'applicant'] as const) {
      bots[role] = await HearingBot.join(clients, P[role].token, P[role].id);
      // The pre-join page's box: "I have read the rules and the recording notice".
      await must(bots[role]!.c, 'consent.set', { recording: 'accepted' });
    }
    await must(bots.mediator!.c, 'lobby.admit', { participantId: P.applicant.id });
    const ivf = testPatternIvf(`${s.env.CONCORD_DATA_DIR}/fixtures`);
    for (const role of ['mediator', 'clerk', 'applicant'] as const) await bots[role]!.publish(ivf);

    // Hostile and malformed answers: clear errors, nothing stored.
    const off = await request(bots.applicant!.c, 'recording.consent', { scope: 'hearing', accept: true });
    expect(off.ok ? null : off.error.code).toBe('INVALID_STATE');
    const started = await must(bots.clerk!.c, 'recording.start', {});
    expect(await request(bots.applicant!.c, 'recording.consent', { scope: 'hearing', accept: 'yes' } as never)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await request(bots.applicant!.c, 'recording.consent', { scope: 'hearing', accept: true, participantId: P.respondent.id } as never)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await request(bots.applicant!.c, 'recording.consent', { scope: 'caucus_of_someone_else', accept: true })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await request(bots.applicant!.c, 'recording.start', { onRefusal: 'stop_everything' } as never)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });

    // Everyone ticked the join box, yet everyone is asked, and the mediator sees who is not recorded.
    for (const role of ['mediator', 'clerk', 'applicant'] as const) {
      const asked = await bots[role]!.waitRecording((r) => r.ask === 'hearing');
      expect(asked.status).toBe('awaiting_consent');
      expect(asked.consent).toBeNull();
    }
    await must(bots.mediator!.c, 'recording.consent', { scope: 'hearing', accept: true });
    await must(bots.clerk!.c, 'recording.consent', { scope: 'hearing', accept: true });
    const waiting = await bots.mediator!.waitRecording((r) => r.notRecorded.length === 1);
    expect(waiting.notRecorded).toEqual([P.applicant.id]);
    expect(waiting.status).toBe('awaiting_consent');
    expect(svc.recorders()).toHaveLength(0);
    expect((await svc.db.selectFrom('recording_consents').selectAll().where('hearing_id', '=', f.hearingId).execute()).map((c) => c.participant_id).sort())
      .toEqual([P.mediator.id, P.clerk.id].sort());

    await must(bots.applicant!.c, 'recording.consent', { scope: 'hearing', accept: true });
    await bots.applicant!.waitRecording((r) => r.status === 'recording' && r.recordingMe, 60_000);
    await bots.mediator!.waitRecording((r) => r.notRecorded.length === 0);
    const mine = () => s.liveHearings.get(f.hearingId)!.recording.liveTracks().filter((t) => t.participantId === P.applicant.id);
    // Media flows into the applicant's recorders: a finished segment of each kind.
    const db = svc.db;
    const applicantFiles = async () => db.selectFrom('recording_files').innerJoin('recording_tracks', 'recording_tracks.id', 'recording_files.track_id')
      .select(['recording_tracks.kind', 'recording_tracks.id']).where('recording_tracks.participant_id', '=', P.applicant.id).where('recording_files.recording_id', '=', started.recordingId).execute();
    await expect.poll(async () => new Set((await applicantFiles()).map((x) => x.kind)).size, { timeout: 60_000 }).toBe(2);

    // Withdrawal: acknowledged once the taps are closed.
    await must(bots.applicant!.c, 'recording.consent', { scope: 'hearing', accept: false });
    expect(mine()).toEqual([]);
    const st = await bots.mediator!.waitRecording((r) => r.notRecorded.includes(P.applicant.id));
    expect(st.status).toBe('recording');
    const withdrawal = (await db.selectFrom('recording_consents').selectAll().where('participant_id', '=', P.applicant.id).where('decision', '=', 'refused').executeTakeFirstOrThrow());
    const stoppedEntries = async () => (await s.services.audit.entries(f.caseId))
      .filter((e) => e.action === 'recording.track_stopped')
      .map((e) => e.data as { reason: string; trackId: string; lastPacketAt: string | null })
      .filter((d) => d.reason === 'not_recorded');
    await expect.poll(async () => (await stoppedEntries()).length, { timeout: 30_000 }).toBe(2);
    const withdrawnAt = Date.parse(withdrawal.at);
    for (const d of await stoppedEntries()) {
      expect(d.lastPacketAt, `track ${d.trackId} got packets`).not.toBeNull();
      const lag = Date.parse(d.lastPacketAt!) - withdrawnAt;
      console.log(`withdrawal -> last packet to the recorder (${d.trackId}): ${lag} ms`);
      expect(lag).toBeLessThan(WITHDRAWAL_BOUND_MS);
    }
    const audit = await s.services.audit.entries(f.caseId);
    expect(audit.find((e) => e.action === 'recording.consent_refused')?.data).toMatchObject({ scope: 'hearing', withdrawn: true });

    // Agreeing again records new tracks (new segments), the old ones stay closed.
    await must(bots.applicant!.c, 'recording.consent', { scope: 'hearing', accept: true });
    await bots.applicant!.waitRecording((r) => r.recordingMe, 60_000);
    await expect.poll(async () => new Set((await applicantFiles()).map((x) => x.id)).size, { timeout: 60_000 }).toBeGreaterThanOrEqual(3);
    expect(await request(bots.clerk!.c, 'recording.stop', {}, 120_000)).toMatchObject({ ok: true });
    const tracks = await db.selectFrom('recording_tracks').selectAll().where('recording_id', '=', started.recordingId).where('participant_id', '=', P.applicant.id).execute();
    expect(tracks.map((t) => t.kind).sort()).toEqual(['audio', 'audio', 'video', 'video']);

    // A new recording, with the pause rule: nothing of the first one counts, everyone is asked again.
    const second = await must(bots.mediator!.c, 'recording.start', { onRefusal: 'pause_recording' });
    for (const role of ['mediator', 'clerk', 'applicant'] as const) await bots[role]!.waitRecording((r) => r.ask === 'hearing' && r.onRefusal === 'pause_recording');
    await must(bots.mediator!.c, 'recording.consent', { scope: 'hearing', accept: true });
    await must(bots.clerk!.c, 'recording.consent', { scope: 'hearing', accept: true });
    await must(bots.applicant!.c, 'recording.consent', { scope: 'hearing', accept: false });
    const paused = await bots.mediator!.waitRecording((r) => r.status === 'paused');
    expect(paused.notRecorded).toEqual([P.applicant.id]);
    expect(svc.recorders().filter((r) => r.recordingId === second.recordingId)).toEqual([]);
    await must(bots.applicant!.c, 'recording.consent', { scope: 'hearing', accept: true });
    await bots.mediator!.waitRecording((r) => r.status === 'recording' && r.recordingMe, 60_000);
    expect(await request(bots.clerk!.c, 'recording.stop', {}, 120_000)).toMatchObject({ ok: true });
  });
});
