import { rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { PolicyNote } from '../cases/erasure.js';
import type { RecordingService } from './service.js';

/**
 * Deletion by the retention schedule of what the recordings layer holds (issue 12). Files go from the disk (segment
 * files, composed files, and whatever else lies in the recording's folder: encrypted caucus files, leftovers of a
 * transcription); their rows stay with path, size and SHA-256 and get `deleted_by_policy`, so the case file still
 * proves what existed and `npm run audit:verify` reports them as deleted by policy, not missing.
 */
export class RecordingRetention {
  constructor(private readonly svc: RecordingService) {}

  private get db() {
    return this.svc.db;
  }

  /** Deletes the case's recording files. Null when nothing was left to delete. */
  async deleteFiles(caseId: string, note: PolicyNote): Promise<{ files: number; bytes: number } | null> {
    const rows = await this.db.selectFrom('recording_files').innerJoin('recordings', 'recordings.id', 'recording_files.recording_id')
      .select(['recording_files.id', 'recording_files.path', 'recording_files.bytes', 'recording_files.recording_id', 'recordings.site'])
      .where('recording_files.case_id', '=', caseId).where('recording_files.deleted_by_policy', 'is', null).execute();
    if (rows.length === 0) return null;
    const recs = await this.db.selectFrom('recordings').select(['id', 'site']).where('case_id', '=', caseId).execute();
    // Files first, rows after: a crash in between leaves rows that say present for files that are gone, which the next
    // run finishes (unlink of a missing file is not an error) and the verifier reports meanwhile as missing.
    for (const f of rows) await unlink(this.svc.absolute(f.site, f.path)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
    for (const r of recs) {
      await rm(this.svc.absolute(r.site, join(caseId, r.id)), { recursive: true, force: true });
      // Caucus tracks live apart, encrypted (server/recordings/vault.ts): their folder goes too.
      await rm(this.svc.absolute(r.site, join('caucus', caseId, r.id)), { recursive: true, force: true });
    }
    const bytes = rows.reduce((n, f) => n + Number(f.bytes), 0);
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('recording_files').set({ deleted_by_policy: note.runAt })
        .where('id', 'in', rows.map((f) => f.id)).execute();
      await this.svc.appendAudit(trx, caseId, {
        actor: 'system:retention', action: 'retention.recordings_deleted',
        data: { files: rows.length, bytes, fileIds: rows.map((f) => f.id), schedule: note },
      });
    });
    return { files: rows.length, bytes };
  }

  /** Clears the texts (and word timings) of the case's transcripts; each transcript keeps its SHA-256. */
  async deleteTranscripts(caseId: string, note: PolicyNote): Promise<{ transcripts: number; segments: number } | null> {
    return this.db.transaction().execute(async (trx) => {
      const ts = await trx.selectFrom('transcripts').select('id').where('case_id', '=', caseId).where('deleted_by_policy', 'is', null).execute();
      if (ts.length === 0) return null;
      const ids = ts.map((t) => t.id);
      const res = await trx.updateTable('transcript_segments').set({ text: '', words: '[]' }).where('transcript_id', 'in', ids).executeTakeFirst();
      await trx.updateTable('transcripts').set({ deleted_by_policy: note.runAt }).where('id', 'in', ids).execute();
      const segments = Number(res.numUpdatedRows);
      await this.svc.appendAudit(trx, caseId, {
        actor: 'system:retention', action: 'retention.transcripts_deleted', data: { transcripts: ids.length, segments, transcriptIds: ids, schedule: note },
      });
      return { transcripts: ids.length, segments };
    });
  }

  /** Names of parties and guests in the recordings' rows (tracks, consents, transcript speakers, record sign-offs). */
  async deleteNames(caseId: string, participantIds: readonly string[]): Promise<void> {
    if (participantIds.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('recording_tracks').set({ display_name: '' }).where('case_id', '=', caseId).where('participant_id', 'in', participantIds).execute();
      await trx.updateTable('recording_consents').set({ display_name: '' }).where('case_id', '=', caseId).where('participant_id', 'in', participantIds).execute();
      await trx.updateTable('hearing_record_signoffs').set({ name: '' }).where('case_id', '=', caseId).where('participant_id', 'in', participantIds).execute();
      const transcripts = trx.selectFrom('transcripts').select('id').where('case_id', '=', caseId);
      await trx.updateTable('transcript_segments').set({ speaker: '' }).where('transcript_id', 'in', transcripts).where('participant_id', 'in', participantIds).execute();
    });
  }
}
