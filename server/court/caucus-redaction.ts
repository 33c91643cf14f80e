import type { AuditEntryView } from '../../signaling/protocol/api.js';

type Data = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/**
 * The audit trail as the court sees it (issue 12): entries about caucus material keep their place, time, actor,
 * action and chain hashes (so the trail stays complete and the server's verification covers it), but their data is
 * replaced by `{ redacted: 'caucus' }`: no caucus chat hash, no caucus file hash or path, no consent to record a caucus.
 * That a caucus was held, when and by whom (`hearing.caucus_started` / `_ended`) stays: it is procedure, not content.
 */
export function courtAuditEntries(entries: AuditEntryView[]): AuditEntryView[] {
  const caucusIds = new Set<string>();
  const tracks = new Set<string>();
  const files = new Set<string>();
  for (const e of entries) {
    const d = (e.data ?? {}) as Data;
    if (e.action === 'hearing.caucus_started' && str(d.caucusId)) caucusIds.add(d.caucusId as string);
  }
  for (const e of entries) {
    const d = (e.data ?? {}) as Data;
    if (e.action === 'recording.track_started' && (d.private === true || caucusIds.has(str(d.room) ?? ''))) tracks.add(String(d.trackId));
  }
  for (const e of entries) {
    const d = (e.data ?? {}) as Data;
    if (e.action === 'recording.file' && (tracks.has(str(d.trackId) ?? '') || (str(d.path) ?? '').startsWith('caucus/'))) files.add(String(d.fileId));
  }
  const aboutCaucus = (e: AuditEntryView): boolean => {
    const d = (e.data ?? {}) as Data;
    return e.action.startsWith('caucus.') || d.inCaucus === true || d.private === true ||
      caucusIds.has(str(d.roomId) ?? str(d.room) ?? str(d.scope) ?? '') ||
      tracks.has(str(d.trackId) ?? '') || files.has(str(d.fileId) ?? '') || (str(d.path) ?? '').startsWith('caucus/');
  };
  return entries.map((e) => (aboutCaucus(e) ? { ...e, data: { redacted: 'caucus' } } : e));
}
