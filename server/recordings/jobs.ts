import { createHash } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { newId } from '../lib/ids.js';
import { composeRecording, type ComposeTrack } from '../../recordings/composer.js';
import { sha256File, toSpeechWav } from '../../recordings/media.js';
import { speechEngine, type SpeechEngine } from '../../recordings/transcribe/index.js';
import type { RecordingService } from './service.js';

/**
 * Background work after a recording stops: the composed file (grid video + mixed audio) and the transcript (each
 * participant's own audio track through the speech engine). One job at a time per process (2-core machines);
 * progress is written to the case file as it goes, so the case page can show it.
 */
export class RecordingJobs {
  private queue: Promise<void> = Promise.resolve();
  private readonly engine: SpeechEngine | null;
  private pending = 0;

  constructor(private readonly svc: RecordingService, engine?: SpeechEngine | null) {
    this.engine = engine === undefined ? speechEngine(svc.config) : engine;
  }

  /** Queues composition and transcription of a stopped recording. */
  enqueue(recordingId: string): Promise<void> {
    this.pending++;
    const job = this.queue.then(async () => {
      await this.compose(recordingId).catch((err) => this.svc.log.warn({ err, recordingId }, 'composition failed'));
      await this.transcribe(recordingId).catch((err) => this.svc.log.warn({ err, recordingId }, 'transcription failed'));
    }).finally(() => this.pending--);
    this.queue = job.catch(() => undefined);
    return job;
  }

  /** Resolves when every queued job has finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.pending > 0) await this.queue;
  }

  private async segmentsOf(recordingId: string, includePrivate: boolean) {
    const db = this.svc.db;
    const r = await this.svc.recording(recordingId);
    let q = db.selectFrom('recording_tracks').selectAll().where('recording_id', '=', recordingId);
    if (!includePrivate) q = q.where('private', '=', 0);
    const tracks = await q.orderBy('started_at').execute();
    const files = await db.selectFrom('recording_files').selectAll().where('recording_id', '=', recordingId).where('kind', '=', 'segment').orderBy('seq').execute();
    return {
      r,
      tracks: tracks.map((t) => ({
        ...t,
        files: files.filter((f) => f.track_id === t.id).map((f) => this.svc.absolute(r.site, f.path)),
      })),
    };
  }

  async compose(recordingId: string): Promise<void> {
    const svc = this.svc;
    const { r, tracks } = await this.segmentsOf(recordingId, false);
    const set = (v: { compose_status: string; compose_progress: number; compose_error?: string | null }) =>
      svc.db.updateTable('recordings').set(v).where('id', '=', recordingId).execute();
    if (!r.started_at || !r.stopped_at) return;
    const durationMs = Date.parse(r.stopped_at) - Date.parse(r.started_at);
    await set({ compose_status: 'running', compose_progress: 0, compose_error: null });
    const dir = join(svc.rootFor(r.site), r.case_id, recordingId);
    await mkdir(dir, { recursive: true });
    const out = join(dir, 'composed.webm');
    const input: ComposeTrack[] = tracks.map((t) => ({
      participantId: t.participant_id, label: t.display_name, kind: t.kind as 'audio' | 'video', offsetMs: t.offset_ms ?? 0, files: t.files,
    }));
    let lastPct = -1;
    try {
      await composeRecording({
        tracks: input, durationMs, out, workDir: dir, ffmpeg: svc.config.ffmpeg,
        onProgress: (f) => {
          const pct = Math.floor(f * 100);
          if (pct >= lastPct + 5 && pct < 100) {
            lastPct = pct;
            void set({ compose_status: 'running', compose_progress: pct }).catch(() => undefined);
          }
        },
      });
    } catch (err) {
      await set({ compose_status: 'failed', compose_progress: 0, compose_error: (err as Error).message.slice(0, 500) });
      throw err;
    }
    const { sha256, bytes } = await sha256File(out);
    const rel = relative(svc.rootFor(r.site), out).split(sep).join('/');
    const id = newId('rfl');
    await svc.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('recording_files').where('recording_id', '=', recordingId).where('kind', '=', 'composed').execute();
      await trx.insertInto('recording_files').values({
        id, recording_id: recordingId, case_id: r.case_id, track_id: null, kind: 'composed', seq: 0, path: rel, start_ms: 0,
        duration_ms: durationMs, bytes, sha256, created_at: svc.now().toISOString(),
      }).execute();
      await trx.updateTable('recordings').set({ compose_status: 'done', compose_progress: 100, compose_error: null }).where('id', '=', recordingId).execute();
      await svc.appendAudit(trx, r.case_id, { actor: 'system', action: 'recording.composed', data: { recordingId, fileId: id, path: rel, sha256, bytes } });
    });
  }

  async transcribe(recordingId: string): Promise<string | null> {
    const svc = this.svc;
    if (!this.engine) return null;
    const { r, tracks } = await this.segmentsOf(recordingId, false);
    const audio = tracks.filter((t) => t.kind === 'audio' && t.files.length > 0);
    const id = newId('trn');
    await svc.db.insertInto('transcripts').values({
      id, recording_id: recordingId, case_id: r.case_id, engine: this.engine.name, status: 'running', progress: 0, error: null, sha256: null,
      created_at: svc.now().toISOString(), finished_at: null,
    }).execute();
    const fail = async (err: Error) => {
      await svc.db.updateTable('transcripts').set({ status: 'failed', error: err.message.slice(0, 500), finished_at: svc.now().toISOString() }).where('id', '=', id).execute();
      throw err;
    };
    try {
      await this.engine.check();
    } catch (err) {
      return fail(err as Error);
    }
    const dir = join(svc.rootFor(r.site), r.case_id, recordingId, 'stt');
    await mkdir(dir, { recursive: true });
    const rows: { track_id: string; participant_id: string; speaker: string; start_ms: number; end_ms: number; text: string; words: string }[] = [];
    try {
      for (const [i, t] of audio.entries()) {
        const wav = join(dir, `${t.id}.wav`);
        await toSpeechWav(t.files, join(dir, `${t.id}.txt`), wav, svc.config.ffmpeg);
        const base = t.offset_ms ?? 0;
        const segs = await this.engine.transcribe(wav);
        await rm(wav, { force: true });
        for (const s of segs) {
          rows.push({
            track_id: t.id, participant_id: t.participant_id, speaker: t.display_name, start_ms: base + s.startMs, end_ms: base + s.endMs, text: s.text,
            words: JSON.stringify(s.words.map((w) => ({ w: w.word, s: base + w.startMs, e: base + w.endMs }))),
          });
        }
        await svc.db.updateTable('transcripts').set({ progress: Math.round(((i + 1) / audio.length) * 100) }).where('id', '=', id).execute();
      }
    } catch (err) {
      return fail(err as Error);
    }
    rows.sort((a, b) => a.start_ms - b.start_ms);
    const sha256 = createHash('sha256').update(JSON.stringify(rows.map((x) => [x.participant_id, x.start_ms, x.end_ms, x.text]))).digest('hex');
    await svc.db.transaction().execute(async (trx) => {
      for (const [seq, x] of rows.entries()) await trx.insertInto('transcript_segments').values({ id: newId('tsg'), transcript_id: id, seq, ...x }).execute();
      await trx.updateTable('transcripts').set({ status: 'done', progress: 100, sha256, finished_at: svc.now().toISOString() }).where('id', '=', id).execute();
      await svc.appendAudit(trx, r.case_id, { actor: 'system', action: 'recording.transcribed', data: { recordingId, transcriptId: id, engine: this.engine!.name, segments: rows.length, sha256 } });
    });
    return id;
  }
}
