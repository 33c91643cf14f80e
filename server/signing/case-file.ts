import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { AuditLog } from '../cases/audit.js';
import { chatHash } from '../cases/hearing-room.js';
import type { HearingRecordItem, IdentityCheckResult, RecordingListItem } from '../../signaling/protocol/signing.js';
import { sha256Hex } from './documents.js';

/**
 * What the certificate of completion and the court's package say about the rest of the case file: the drafting
 * history, the hearing record, recordings, identity checks, the audit chain head. Read-only views over other layers' tables.
 */

/** Hash of the drafting history: the audit entries of the agreement (created, edited, locked, unlocked...) in order. */
export async function draftingHistoryHash(audit: AuditLog, caseId: string, agreementId: string): Promise<string> {
  const entries = await audit.entries(caseId);
  const mine = entries.filter((e) => e.action.startsWith('agreement.') && (e.data as { agreementId?: string } | null)?.agreementId === agreementId);
  return sha256Hex(JSON.stringify(mine.map((e) => [e.seq, e.action, e.hash])));
}

export async function hearingRecord(db: Kysely<Database>, caseId: string): Promise<HearingRecordItem[]> {
  const hearings = await db.selectFrom('hearings').select(['id', 'starts_at', 'status']).where('case_id', '=', caseId).orderBy('starts_at').execute();
  const out: HearingRecordItem[] = [];
  for (const h of hearings) {
    // The joint session's chat only, and only as hashes: caucus messages are compromise facts and are no part of the
    // certificate or the court's package, not even as hashes (issue 12); they stay in the case file under its rules.
    const chat = await db.selectFrom('hearing_chat').selectAll().where('hearing_id', '=', h.id).where('in_caucus', '=', 0).orderBy('at').orderBy('id').execute();
    const hashes = chat.map((m) =>
      chatHash({
        id: m.id, caseId: m.case_id, hearingId: m.hearing_id, roomId: m.room_id, inCaucus: Number(m.in_caucus) === 1, fromId: m.from_participant_id,
        fromName: m.from_name, to: m.recipient as 'all' | 'mediator', text: m.text, at: m.at,
      }),
    );
    out.push({
      hearingId: h.id, startsAt: h.starts_at, status: h.status, chatMessages: chat.length, chatSha256: sha256Hex(JSON.stringify(hashes)),
      record: await clerkRecord(db, h.id),
    });
  }
  return out;
}

export const hearingRecordHash = (items: HearingRecordItem[]): string => sha256Hex(JSON.stringify(items));

/** The clerk's record of a hearing (recordings layer, migration 006), read defensively: null when there is none. */
async function clerkRecord(db: Kysely<Database>, hearingId: string): Promise<HearingRecordItem['record']> {
  try {
    const r = await sql<{ status: string; version: number; sha256: string }>`select status, version, sha256 from hearing_records where hearing_id = ${hearingId}`.execute(db);
    const x = r.rows[0];
    return x ? { status: x.status, version: Number(x.version), sha256: x.sha256 } : null;
  } catch {
    return null;
  }
}

/**
 * Joint-session recording files of the case with their SHA-256 (recordings layer, migration 006); caucus files
 * (private tracks, stored under `caucus/`) are left out, hashes included (issue 12). Read defensively, so that a store
 * without that layer answers an empty list rather than an error.
 */
export async function recordings(db: Kysely<Database>, caseId: string): Promise<RecordingListItem[]> {
  try {
    const r = await sql<{ id: string; hearing_id: string; started_at: string | null; sha256: string; bytes: number }>`
      select f.id, r.hearing_id, r.started_at, f.sha256, f.bytes from recording_files f join recordings r on r.id = f.recording_id
      left join recording_tracks t on t.id = f.track_id
      where f.case_id = ${caseId} and (t.private is null or t.private = 0) and f.path not like 'caucus/%'
      order by r.requested_at, f.kind, f.seq`.execute(db);
    return r.rows.map((x) => ({ id: x.id, hearingId: x.hearing_id, startedAt: x.started_at, sha256: x.sha256, bytes: x.bytes === null ? null : Number(x.bytes) }));
  } catch {
    return [];
  }
}

export async function identityChecks(db: Kysely<Database>, audit: AuditLog, caseId: string): Promise<IdentityCheckResult[]> {
  const entries = await audit.entries(caseId, db);
  return entries
    .filter((e) => e.action === 'identity.verified' || e.action === 'identity.failed' || e.action === 'signature.signed')
    .map((e) => {
      const d = (e.data ?? {}) as { role?: string; participantId?: string; method?: string; otpId?: string };
      return {
        role: d.role ?? '', participantId: d.participantId ?? null, ok: e.action !== 'identity.failed', at: e.at,
        method: e.action === 'signature.signed' ? 'link_session+one_time_code' : `link+${d.method ?? 'party'}`,
      };
    });
}
