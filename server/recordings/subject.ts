import type { RecordingService } from './service.js';

export interface SubjectFile {
  fileId: string; recordingId: string; trackId: string; kind: string; seq: number; private: boolean;
  name: string; abs: string; sha256: string; bytes: number;
}
export interface SubjectTranscript {
  recordingId: string; transcriptId: string; engine: string; sha256: string | null;
  segments: { participantId: string; speaker: string; startMs: number; endMs: number; text: string }[];
}

/**
 * One person's part of the recordings, for their data export (issue 12): the segment files of their own tracks
 * (caucus tracks included: the person was in that caucus and hears only themselves) and their lines of each
 * transcript. Never another participant's track or words; files deleted by the retention schedule are left out.
 */
export class RecordingSubjectData {
  constructor(private readonly svc: RecordingService) {}

  async files(caseId: string, participantIds: readonly string[]): Promise<SubjectFile[]> {
    if (participantIds.length === 0) return [];
    const rows = await this.svc.db.selectFrom('recording_files')
      .innerJoin('recording_tracks', 'recording_tracks.id', 'recording_files.track_id')
      .innerJoin('recordings', 'recordings.id', 'recording_files.recording_id')
      .select([
        'recording_files.id', 'recording_files.recording_id', 'recording_files.track_id', 'recording_files.seq', 'recording_files.path',
        'recording_files.sha256', 'recording_files.bytes', 'recording_tracks.kind', 'recording_tracks.private', 'recordings.site',
      ])
      .where('recording_files.case_id', '=', caseId).where('recording_tracks.case_id', '=', caseId)
      .where('recording_tracks.participant_id', 'in', participantIds)
      .where('recording_files.deleted_by_policy', 'is', null)
      .orderBy('recording_files.recording_id').orderBy('recording_files.track_id').orderBy('recording_files.seq').execute();
    return rows.map((f) => ({
      fileId: f.id, recordingId: f.recording_id, trackId: f.track_id ?? '', kind: f.kind, seq: Number(f.seq), private: Number(f.private) === 1,
      name: f.path.split('/').pop() ?? f.id, abs: this.svc.absolute(f.site, f.path), sha256: f.sha256, bytes: Number(f.bytes),
    }));
  }

  async transcripts(caseId: string, participantIds: readonly string[]): Promise<SubjectTranscript[]> {
    if (participantIds.length === 0) return [];
    const ts = await this.svc.db.selectFrom('transcripts').selectAll().where('case_id', '=', caseId).where('status', '=', 'done')
      .where('deleted_by_policy', 'is', null).orderBy('created_at').execute();
    const out: SubjectTranscript[] = [];
    for (const t of ts) {
      const segs = await this.svc.db.selectFrom('transcript_segments').selectAll().where('transcript_id', '=', t.id)
        .where('participant_id', 'in', participantIds).orderBy('seq').execute();
      if (segs.length === 0) continue;
      out.push({
        recordingId: t.recording_id, transcriptId: t.id, engine: t.engine, sha256: t.sha256,
        segments: segs.map((s) => ({ participantId: s.participant_id, speaker: s.speaker, startMs: Number(s.start_ms), endMs: Number(s.end_ms), text: s.text })),
      });
    }
    return out;
  }
}
