import { stat } from 'node:fs/promises';
import { sha256File } from '../../recordings/media.js';
import type { RecordingService } from './service.js';

export interface FileProblem { fileId: string; path: string; reason: string }
export interface FilesVerification {
  ok: boolean;
  checked: number;
  problems: FileProblem[];
  /**
   * Caucus files whose case key was shredded: their ciphertext still matches its hash (so they are not reported as
   * problems), but nobody can read them any more, by design.
   */
  shredded: { fileId: string; path: string }[];
  /** Files the retention schedule deleted: gone on purpose, their rows and hashes kept (issue 12). */
  deletedByPolicy: { fileId: string; path: string; sha256: string; deletedAt: string }[];
}
export type RecordingsVerification = FilesVerification;

/** A caucus file: stored under `caucus/<caseId>/`, encrypted with the case's caucus key. */
export const isCaucusPath = (rel: string): boolean => rel.startsWith('caucus/');

/**
 * Every stored file of a case against its recorded SHA-256 (and the file being there at all). Caucus files are
 * checked as stored, i.e. their ciphertext: no key is needed, so a shredded case still verifies.
 */
export async function verifyStoredFiles(svc: RecordingService, caseId: string): Promise<FilesVerification> {
  const rows = await svc.db
    .selectFrom('recording_files').innerJoin('recordings', 'recordings.id', 'recording_files.recording_id')
    .select(['recording_files.id', 'recording_files.path', 'recording_files.sha256', 'recordings.site'])
    // Files deleted by the retention schedule are gone on purpose (listed apart by verifyRecordings).
    .where('recording_files.case_id', '=', caseId).where('recording_files.deleted_by_policy', 'is', null).execute();
  const keyShredded = (await svc.vault.state(caseId)) === 'shredded';
  const problems: FileProblem[] = [];
  const shredded: FilesVerification['shredded'] = [];
  for (const f of rows) {
    const abs = svc.absolute(f.site, f.path);
    const st = await stat(abs).catch(() => null);
    if (!st) {
      problems.push({ fileId: f.id, path: f.path, reason: 'missing' });
      continue;
    }
    const { sha256 } = await sha256File(abs);
    if (sha256 !== f.sha256) problems.push({ fileId: f.id, path: f.path, reason: 'sha256 mismatch' });
    else if (keyShredded && isCaucusPath(f.path)) shredded.push({ fileId: f.id, path: f.path });
  }
  return { ok: problems.length === 0, checked: rows.length, problems, shredded, deletedByPolicy: [] };
}

/** The SHA-256 recorded in the audit chain for each file: the case file's hashes must match those too. */
async function auditedHashes(svc: RecordingService, caseId: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const e of await svc.audit.entries(caseId)) {
    if (e.action === 'recording.file' || e.action === 'recording.composed') {
      const d = e.data as { fileId?: string; sha256?: string };
      if (d.fileId && d.sha256) out.set(d.fileId, d.sha256);
    }
  }
  return out;
}

/**
 * The recordings part of `npm run audit:verify`: every stored file of the case hashes to the SHA-256 the case file
 * holds, and that hash is the one the audit chain recorded when the file was finished (so changing a file, or its
 * row, or both, is detected as long as the chain itself holds). A file deleted by the retention schedule is listed
 * as such, not as missing; its row must still match the chain. For caucus files both are hashes of the ciphertext.
 */
export async function verifyRecordings(svc: RecordingService, caseId: string): Promise<RecordingsVerification> {
  const files = await svc.verifyFiles(caseId);
  const audited = await auditedHashes(svc, caseId);
  const rows = await svc.db.selectFrom('recording_files').select(['id', 'path', 'sha256', 'deleted_by_policy']).where('case_id', '=', caseId).execute();
  const problems = [...files.problems];
  const deletedByPolicy: RecordingsVerification['deletedByPolicy'] = [];
  for (const r of rows) {
    const a = audited.get(r.id);
    if (!a) problems.push({ fileId: r.id, path: r.path, reason: 'not in the audit chain' });
    else if (a !== r.sha256) problems.push({ fileId: r.id, path: r.path, reason: 'case-file hash differs from the audit chain' });
    if (r.deleted_by_policy) deletedByPolicy.push({ fileId: r.id, path: r.path, sha256: r.sha256, deletedAt: r.deleted_by_policy });
  }
  return { ok: problems.length === 0, checked: rows.length, problems, shredded: files.shredded, deletedByPolicy };
}
