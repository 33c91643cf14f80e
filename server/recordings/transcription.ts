import { createHash } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { newId } from '../lib/ids.js';
import { toSpeechWav } from '../../recordings/media.js';
import { transcribeWindowed, type SpeechEngines } from '../../recordings/transcribe/index.js';
import { caseSpokenLanguage, type ParticipantLanguages } from './languages.js';
import type { RecordingService } from './service.js';

/** A track as the transcription job sees it: its row's facts and its segment files. */
export interface AudioTrack {
  id: string; participant_id: string; display_name: string; role: string; offset_ms: number | null; language: string | null; files: string[];
}

/** One track's outcome, stored in `transcripts.tracks` (JSON) and shown with the transcript. */
export const TrackResultSchema = z.object({
  trackId: z.string(), participantId: z.string(), speaker: z.string(), role: z.string(), language: z.string(),
  /** Where the language came from: the track (a channel), the participant, or the default (config or case site). */
  languageFrom: z.enum(['track', 'participant', 'case']),
  engine: z.string().nullable(),
  status: z.enum(['done', 'no_model', 'failed']),
  error: z.string().nullable(),
  windows: z.number(), longestWindowMs: z.number(), vad: z.string().nullable(),
});
export type TrackResult = z.infer<typeof TrackResultSchema>;

/** `transcripts.tracks` as stored; null (a transcript from before migration 013) or unreadable: none. */
export function trackResults(json: string | null): TrackResult[] {
  if (!json) return [];
  try {
    const r = z.array(TrackResultSchema).safeParse(JSON.parse(json));
    return r.success ? r.data : [];
  } catch {
    return [];
  }
}

interface Row {
  track_id: string; participant_id: string; speaker: string; start_ms: number; end_ms: number; text: string; words: string; language: string;
}

/**
 * The transcript of a recording: each audio track in its speaker's language (the track's own, e.g. an interpreter's
 * channel; else the participant's; else the case's default), by the engine the registry picks for that language,
 * decoded in windows of at most 30 s cut at silences. Segments of every track are merged in time order (each with its
 * speaker, role and language). A track no engine takes is a stored "no model for <language>" result; the transcript
 * is `done` when at least one track was transcribed (or there was no audio), `failed` with every track's reason
 * otherwise. Progress: per window, over all tracks.
 */
export async function runTranscription(svc: RecordingService, engines: SpeechEngines, languagesOf: ParticipantLanguages, rec: {
  id: string; case_id: string; hearing_id: string; site: string;
}, audio: AudioTrack[]): Promise<string> {
  const id = newId('trn');
  const setProgress = (progress: number) => svc.db.updateTable('transcripts').set({ progress }).where('id', '=', id).execute();
  await svc.db.insertInto('transcripts').values({
    id, recording_id: rec.id, case_id: rec.case_id, engine: 'per-language', status: 'running', progress: 0, error: null, sha256: null,
    created_at: svc.now().toISOString(), finished_at: null, tracks: null,
  }).execute();
  const people = await languagesOf(rec.hearing_id).catch((err: unknown) => {
    svc.log.warn({ err, recordingId: rec.id }, 'participant languages unavailable; the case default applies');
    return new Map<string, string>();
  });
  const dir = join(svc.rootFor(rec.site), rec.case_id, rec.id, 'stt');
  await mkdir(dir, { recursive: true });
  const rows: Row[] = [];
  const results: TrackResult[] = [];
  let lastPct = -1;
  for (const [i, t] of audio.entries()) {
    const fromTrack = t.language?.trim() || null;
    const fromPerson = people.get(t.participant_id) ?? null;
    const choice = engines.forLanguage(fromTrack ?? fromPerson ?? svc.config.transcribeLanguage ?? caseSpokenLanguage(rec.site));
    const base: TrackResult = {
      trackId: t.id, participantId: t.participant_id, speaker: t.display_name, role: t.role, language: choice.language,
      languageFrom: fromTrack ? 'track' : fromPerson ? 'participant' : 'case', engine: null, status: 'no_model', error: null, windows: 0, longestWindowMs: 0, vad: null,
    };
    if (!choice.ok) {
      results.push({ ...base, error: choice.reason });
      continue;
    }
    const wav = join(dir, `${t.id}.wav`);
    try {
      await choice.engine.check();
      await toSpeechWav(t.files, join(dir, `${t.id}.txt`), wav, svc.config.ffmpeg);
      const offset = t.offset_ms ?? 0;
      const out = await transcribeWindowed({
        engine: choice.engine, vad: engines.vad(), wav, workDir: dir,
        onProgress: (p) => {
          const pct = Math.floor(((i + p.fraction) / audio.length) * 100);
          if (pct > lastPct && pct < 100) {
            lastPct = pct;
            void setProgress(pct).catch(() => undefined);
          }
        },
      });
      for (const s of out.segments) {
        rows.push({
          track_id: t.id, participant_id: t.participant_id, speaker: t.display_name, start_ms: offset + s.startMs, end_ms: offset + s.endMs, text: s.text,
          words: JSON.stringify(s.words.map((w) => ({ w: w.word, s: offset + w.startMs, e: offset + w.endMs }))), language: choice.language,
        });
      }
      results.push({
        ...base, engine: choice.engine.name, status: 'done', windows: out.windows.length, vad: out.vad,
        longestWindowMs: out.windows.reduce((m, w) => Math.max(m, w.endMs - w.startMs), 0),
      });
    } catch (err) {
      results.push({ ...base, engine: choice.engine.name, status: 'failed', error: (err as Error).message.slice(0, 500) });
    } finally {
      await rm(wav, { force: true });
    }
  }
  return finish(svc, rec, id, rows, results);
}

async function finish(svc: RecordingService, rec: { id: string; case_id: string }, id: string, rows: Row[], results: TrackResult[]): Promise<string> {
  rows.sort((a, b) => a.start_ms - b.start_ms || a.track_id.localeCompare(b.track_id));
  const engine = [...new Set(results.flatMap((r) => (r.engine && r.status === 'done' ? [r.engine] : [])))].join('+') || 'none';
  const missing = results.filter((r) => r.status !== 'done');
  const error = missing.length > 0 ? missing.map((r) => `${r.speaker || r.trackId} (${r.language}): ${r.error ?? r.status}`).join('; ').slice(0, 500) : null;
  const ok = results.length === 0 || missing.length < results.length;
  const sha256 = createHash('sha256').update(JSON.stringify(rows.map((x) => [x.participant_id, x.start_ms, x.end_ms, x.text, x.language]))).digest('hex');
  const at = svc.now().toISOString();
  const tracks = JSON.stringify(results);
  await svc.db.transaction().execute(async (trx) => {
    for (const [seq, x] of rows.entries()) await trx.insertInto('transcript_segments').values({ id: newId('tsg'), transcript_id: id, seq, ...x }).execute();
    await trx.updateTable('transcripts').set(ok
      ? { status: 'done', progress: 100, sha256, finished_at: at, engine, error, tracks }
      : { status: 'failed', progress: 100, finished_at: at, engine, error, tracks }).where('id', '=', id).execute();
    // A failed transcript writes no entry (as before issue 17); its reasons are stored on its row.
    if (ok) {
      await svc.appendAudit(trx, rec.case_id, {
        actor: 'system', action: 'recording.transcribed',
        data: {
          recordingId: rec.id, transcriptId: id, engine, segments: rows.length, sha256,
          tracks: results.map((r) => ({ trackId: r.trackId, language: r.language, engine: r.engine, status: r.status, windows: r.windows })),
        },
      });
    }
  });
  return id;
}
