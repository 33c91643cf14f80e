import type { RecordingService } from './service.js';

export interface RecordingsVerification {
  ok: boolean;
  checked: number;
  problems: { fileId: string; path: string; reason: string }[];
}

/**
 * The recordings part of `npm run audit:verify`: every stored file of the case hashes to the SHA-256 the case file
 * holds, and that hash is the one the audit chain recorded when the file was finished (so changing a file, or its
 * row, or both, is detected as long as the chain itself holds).
 */
export async function verifyRecordings(svc: RecordingService, caseId: string): Promise<RecordingsVerification> {
  const files = await svc.verifyFiles(caseId);
  const audited = await svc.auditedHashes(caseId);
  const rows = await svc.db.selectFrom('recording_files').select(['id', 'path', 'sha256']).where('case_id', '=', caseId).execute();
  const problems = [...files.problems];
  for (const r of rows) {
    const a = audited.get(r.id);
    if (!a) problems.push({ fileId: r.id, path: r.path, reason: 'not in the audit chain' });
    else if (a !== r.sha256) problems.push({ fileId: r.id, path: r.path, reason: 'case-file hash differs from the audit chain' });
  }
  return { ok: problems.length === 0, checked: rows.length, problems };
}
