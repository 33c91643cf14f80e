import type { Kysely, Migration } from 'kysely';

/**
 * Transcripts per language (issue 17, item 3). Columns only, all nullable (rows written before stay as they are);
 * `recording_tracks.language`, the spoken language a track was opened with, comes with migration 012 (interpreters):
 * - `transcript_segments.language`: the language the segment was transcribed in;
 * - `transcripts.tracks`: JSON array, one entry per audio track: `{ trackId, participantId, speaker, role, language,
 *   engine, status: 'done' | 'no_model' | 'failed', error, windows, longestWindowMs, vad }`: a track no engine could
 *   take is a stored, named result ("no model for yue: ..."), never a silent gap.
 */
export const m013TranscriptLanguages: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('transcript_segments').addColumn('language', 'text').execute();
    await db.schema.alterTable('transcripts').addColumn('tracks', 'text').execute();
  },
};
