import { mkdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { newId } from '../lib/ids.js';
import { composeRecording, type ComposeTrack } from '../../recordings/composer.js';
import { sha256File } from '../../recordings/media.js';
import { speechEngines, type SpeechEngines } from '../../recordings/transcribe/index.js';
import type { ParticipantLanguages } from './languages.js';
import type { RecordingService } from './service.js';
import { runTranscription } from './transcription.js';

/**
 * Background work after a recording stops: the composed file (grid video + mixed audio) and the transcript (each
 * participant's own audio track through the speech engine of its language, in windows). One job at a time per process (2-core machines);
 * progress is written to the case file as it goes, so the case page can show it.
 */
export class RecordingJobs {
  private queue: Promise<void> = Promise.resolve();
  private readonly engines: SpeechEngines | null;
  private pending = 0;

  /**
   * `engines`: which engine takes which language (default: from the config; null: no transcripts); `languages`: each
   * participant's spoken language in a hearing (default: none known, so the track's own or the case's applies).
   */
  constructor(
    private readonly svc: RecordingService,
    engines?: SpeechEngines | null,
    private readonly languages: ParticipantLanguages = async () => new Map(),
  ) {
    this.engines = engines === undefined ? speechEngines(svc.config) : engines;
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

  /** The transcript of a recording, per speaker and language, in windows (server/recordings/transcription.ts). */
  async transcribe(recordingId: string): Promise<string | null> {
    if (!this.engines) return null;
    const { r, tracks } = await this.segmentsOf(recordingId, false);
    const audio = tracks.filter((t) => t.kind === 'audio' && t.files.length > 0).map((t) => ({ ...t, language: t.language ?? null }));
    return runTranscription(this.svc, this.engines, this.languages, r, audio);
  }
}
