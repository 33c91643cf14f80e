import type { Kysely, Migration } from 'kysely';
import type { Added } from './m010-retention.js';

/**
 * Recordings, transcripts and the hearing record (笔录), issue 6. A recording is one recording session of a hearing
 * (started by the clerk or mediator, after consent); each participant's audio and video are separate tracks, each
 * track a series of segment files; every finished file has its SHA-256 here and in the case's audit chain. Paths
 * are relative to the storage root of the case's home site. Times are ISO-8601 text; offsets in milliseconds.
 */
export interface RecordingsTable {
  id: string; case_id: string; hearing_id: string; site: string;
  /** awaiting_consent | recording | stopped */
  status: string;
  /** 1 when a recorder died or a file was lost: what exists is intact, but not everything was recorded. */
  partial: number;
  started_by: string; requested_at: string; started_at: string | null; stopped_at: string | null;
  /** idle | queued | running | done | failed; progress 0..100 */
  compose_status: string; compose_progress: number; compose_error: string | null;
  created_at: string;
}
export interface RecordingTracksTable {
  id: string; recording_id: string; case_id: string; participant_id: string; display_name: string; role: string;
  kind: string; room_id: string; private: number; codec: string;
  /** Offset of the track's first packet from the recording's start, ms (null until known). */
  offset_ms: number | null;
  started_at: string; stopped_at: string | null;
  /** recording | finished | partial */
  status: string; end_reason: string | null;
  /** The listening channel (`floor` or a language) and the spoken language of the track (migration 012). */
  channel: Added<string>;
  language: Added<string>;
}
export interface RecordingFilesTable {
  id: string; recording_id: string; case_id: string; track_id: string | null;
  /** segment | composed */
  kind: string; seq: number; path: string; start_ms: number; duration_ms: number; bytes: number; sha256: string; created_at: string;
  /** The file was deleted by the retention schedule (migration 009): when. The row keeps its hash. */
  deleted_by_policy: Added<string>;
}
export interface RecordingConsentsTable {
  id: string; case_id: string; hearing_id: string; participant_id: string; display_name: string;
  /** 'hearing' or a caucus id */
  scope: string;
  /** accepted | refused */
  decision: string; at: string;
}
export interface TranscriptsTable {
  id: string; recording_id: string; case_id: string; engine: string;
  /** queued | running | done | failed */
  status: string; progress: number; error: string | null; sha256: string | null; created_at: string; finished_at: string | null;
  deleted_by_policy: Added<string>;
  /** Per audio track: language, engine and outcome, JSON (migration 013, server/recordings/transcription.ts). */
  tracks: Added<string>;
}
export interface TranscriptSegmentsTable {
  id: string; transcript_id: string; track_id: string; participant_id: string; speaker: string; seq: number;
  start_ms: number; end_ms: number; text: string; words: string;
  /** The language the segment was transcribed in (migration 013). */
  language: Added<string>;
}
export interface HearingRecordsTable {
  id: string; case_id: string; hearing_id: string; recording_id: string | null;
  /** draft | review | confirmed */
  status: string; version: number;
  /** JSON array of { text, atMs? } lines */
  content: string; sha256: string; updated_by: string; updated_at: string; created_at: string;
}
export interface HearingRecordSignoffsTable {
  id: string; record_id: string; case_id: string; version: number; sha256: string; participant_id: string; name: string;
  role: string; decision: string; comment: string | null; at: string;
}

/** This migration's tables; joined into the store's Database type (schema.ts). */
export interface RecordingTables {
  recordings: RecordingsTable;
  recording_tracks: RecordingTracksTable;
  recording_files: RecordingFilesTable;
  recording_consents: RecordingConsentsTable;
  transcripts: TranscriptsTable;
  transcript_segments: TranscriptSegmentsTable;
  hearing_records: HearingRecordsTable;
  hearing_record_signoffs: HearingRecordSignoffsTable;
}

export const RECORDING_TABLES = [
  'hearing_record_signoffs', 'hearing_records', 'transcript_segments', 'transcripts', 'recording_consents', 'recording_files',
  'recording_tracks', 'recordings',
] as const;

export const m006Recordings: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('recordings')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
      .addColumn('hearing_id', 'text', (c) => c.notNull().references('hearings.id'))
      .addColumn('site', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('partial', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('started_by', 'text', (c) => c.notNull())
      .addColumn('requested_at', 'text', (c) => c.notNull())
      .addColumn('started_at', 'text')
      .addColumn('stopped_at', 'text')
      .addColumn('compose_status', 'text', (c) => c.notNull().defaultTo('idle'))
      .addColumn('compose_progress', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('compose_error', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('recordings_case').on('recordings').columns(['case_id', 'created_at']).execute();
    await db.schema
      .createTable('recording_tracks')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('recording_id', 'text', (c) => c.notNull().references('recordings.id'))
      .addColumn('case_id', 'text', (c) => c.notNull())
      .addColumn('participant_id', 'text', (c) => c.notNull())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('room_id', 'text', (c) => c.notNull())
      .addColumn('private', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('codec', 'text', (c) => c.notNull())
      .addColumn('offset_ms', 'integer')
      .addColumn('started_at', 'text', (c) => c.notNull())
      .addColumn('stopped_at', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('end_reason', 'text')
      .execute();
    await db.schema.createIndex('recording_tracks_rec').on('recording_tracks').columns(['recording_id']).execute();
    await db.schema
      .createTable('recording_files')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('recording_id', 'text', (c) => c.notNull().references('recordings.id'))
      .addColumn('case_id', 'text', (c) => c.notNull())
      .addColumn('track_id', 'text')
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('path', 'text', (c) => c.notNull().unique())
      .addColumn('start_ms', 'integer', (c) => c.notNull())
      .addColumn('duration_ms', 'integer', (c) => c.notNull())
      .addColumn('bytes', 'integer', (c) => c.notNull())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('recording_files_rec').on('recording_files').columns(['recording_id', 'track_id', 'seq']).execute();
    await db.schema
      .createTable('recording_consents')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('case_id', 'text', (c) => c.notNull())
      .addColumn('hearing_id', 'text', (c) => c.notNull())
      .addColumn('participant_id', 'text', (c) => c.notNull())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('decision', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('recording_consents_hearing').on('recording_consents').columns(['hearing_id', 'at']).execute();
    await db.schema
      .createTable('transcripts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('recording_id', 'text', (c) => c.notNull().references('recordings.id'))
      .addColumn('case_id', 'text', (c) => c.notNull())
      .addColumn('engine', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('progress', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('error', 'text')
      .addColumn('sha256', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('finished_at', 'text')
      .execute();
    await db.schema
      .createTable('transcript_segments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('transcript_id', 'text', (c) => c.notNull().references('transcripts.id'))
      .addColumn('track_id', 'text', (c) => c.notNull())
      .addColumn('participant_id', 'text', (c) => c.notNull())
      .addColumn('speaker', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('start_ms', 'integer', (c) => c.notNull())
      .addColumn('end_ms', 'integer', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('words', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('transcript_segments_t').on('transcript_segments').columns(['transcript_id', 'start_ms']).execute();
    await db.schema
      .createTable('hearing_records')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
      .addColumn('hearing_id', 'text', (c) => c.notNull().unique())
      .addColumn('recording_id', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('content', 'text', (c) => c.notNull())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('hearing_record_signoffs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('record_id', 'text', (c) => c.notNull().references('hearing_records.id'))
      .addColumn('case_id', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('participant_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('decision', 'text', (c) => c.notNull())
      .addColumn('comment', 'text')
      .addColumn('at', 'text', (c) => c.notNull())
      .execute();
  },
};
