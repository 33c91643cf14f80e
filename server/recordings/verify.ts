import type { RecordingService } from './service.js';

export interface RecordingsVerification {
  ok: boolean;
  checked: number;
  problems: { fileId: string; path: string; reason: string }[];
  /** Files the retention schedule deleted: gone on purpose, their rows and hashes kept (issue 12). */
  deletedByPolicy: { fileId: string; path: string; sha256: string; deletedAt: string }[];
}

/**
 * The recordings part of `npm run audit:verify`: every stored file of the case hashes to the SHA-256 the case file
 * holds, and that hash is the one the audit chain recorded when the file was finished (so changing a file, or its
 * row, or both, is detected as long as the chain itself holds). A file deleted by the retention schedule is listed
 * as such, not as missing; its row must still match the chain.
 */
export async function verifyRecordings(svc: RecordingService, caseId: string): Promise<RecordingsVerification> {
  const files = await svc.verifyFiles(caseId);
  const audited = await svc.auditedHashes(caseId);
  const rows = await svc.db.selectFrom('recording_files').select(['id', 'path', 'sha256', 'deleted_by_policy']).where('case_id', '=', caseId).execute();
  const problems = [...files.problems];
  const deletedByPolicy: RecordingsVerification['deletedByPolicy'] = [];
  for (const r of rows) {
    const a = audited.get(r.id);
    if (!a) problems.push({ fileId: r.id, path: r.path, reason: 'not in the audit chain' });
    else if (a !== r.sha256) problems.push({ fileId: r.id, path: r.path, reason: 'case-file hash differs from the audit chain' });
    if (r.deleted_by_policy) deletedByPolicy.push({ fileId: r.id, path: r.path, sha256: r.sha256, deletedAt: r.deleted_by_policy });
  }
  return { ok: problems.length === 0, checked: rows.length, problems, deletedByPolicy };
}
