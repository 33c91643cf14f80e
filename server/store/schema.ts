import type { Generated } from 'kysely';
import type { SigningTables } from './m005-signing.js';
import type { DocumentsTables } from './m004-documents.js';
import type { RecordingTables } from './m006-recordings.js';
import type { PadTables } from './m003-pad.js';
import type { SessionTables } from './m007-staff-sessions.js';
import type { LockoutTables } from './m008-lockouts.js';
import type { CaucusTables } from './m009-caucus.js';
import type { Added, RetentionTables } from './m010-retention.js';

/**
 * Table types. Portable between SQLite and PostgreSQL: ids and timestamps are text (ISO-8601 UTC),
 * money is a decimal string, lists and JSON payloads are JSON text.
 */
export interface OrganisationsTable { id: string; name: string; name_en: string; site: string; kind: string; created_at: string }
export interface StaffTable {
  id: string; org_id: string; username: string; display_name: string; role: string; panel: string | null;
  password_hash: string; active: number; created_at: string;
}
export interface CasesTable {
  id: string; number: string; org_id: string; site: string; status: string; dispute_types: string;
  claim_amount: string; claim_currency: string; summary: string; created_by: string; created_at: string; updated_at: string;
  /** When the case became `archived` (migration 009): the clock of the retention schedule. */
  closed_at: Added<string>;
  /** JSON array of the case's document languages (migration 011); null: derived from the site and the parties. */
  languages: Added<string>;
}
export interface PartiesTable {
  id: string; case_id: string; side: string; kind: string; name: string; name_norm: string; id_type: string;
  id_number_hash: string; id_number_last4: string; phone: string | null; representative: string | null; created_at: string;
  /** Identity data cleared by the retention schedule (migration 009): when. */
  deleted_by_policy: Added<string>;
}
export interface CaseStaffTable { case_id: string; staff_id: string; role: string }
export interface HearingsTable {
  id: string; case_id: string; starts_at: string; duration_minutes: number; site: string; mode: string; status: string;
  created_by: string; created_at: string;
}
export interface HearingParticipantsTable {
  id: string; hearing_id: string; case_id: string; role: string; display_name: string; party_id: string | null;
  staff_id: string | null; guest_name_norm: string | null; guest_id_hash: string | null; created_at: string;
  deleted_by_policy: Added<string>;
  /** Spoken language and an interpreter's assignment (migration 012, issue 17): see m012-interpreters.ts. */
  language: Added<string>;
  interpretation_from: Added<string>;
  interpretation_to: Added<string>;
  interpretation_mode: Added<string>;
  serves_party_id: Added<string>;
}
export interface LinksTable {
  id: string; case_id: string; hearing_id: string; participant_id: string; role: string; expires_at: string;
  revoked_at: string | null; revoked_by: string | null; verified_at: string | null; created_by: string; created_at: string;
}
export interface IdentityChecksTable {
  id: Generated<number>; link_id: string; case_id: string; ok: number; ip: string; at: string;
}
export interface AuditEntriesTable {
  chain_id: string; seq: number; at: string; actor: string; action: string; data: string; prev_hash: string; hash: string;
  /** Set on entries written since migration 009: the hash covers this digest of `data`, so `data` can be redacted. */
  data_sha256: Added<string>;
  redacted_at: Added<string>;
}
export interface AuditHeadsTable { chain_id: string; seq: number; hash: string; updated_at: string }
export interface SigningKeysTable { kid: string; secret: string; created_at: string; retired_at: string | null }
export interface CaseCountersTable { prefix: string; value: number }
/** `recipient` is 'all' (everyone in the sender's room) or 'mediator'; `in_caucus` is 1 for messages inside a caucus. */
export interface HearingChatTable {
  id: string; case_id: string; hearing_id: string; room_id: string; in_caucus: number; from_participant_id: string;
  from_name: string; recipient: string; text: string; at: string;
  deleted_by_policy: Added<string>;
}

/** Tables of later migrations are declared next to their migration and joined in here. */
export interface Database extends PadTables, SigningTables, DocumentsTables, RecordingTables, SessionTables, LockoutTables, CaucusTables, RetentionTables {
  organisations: OrganisationsTable;
  staff: StaffTable;
  cases: CasesTable;
  parties: PartiesTable;
  case_staff: CaseStaffTable;
  hearings: HearingsTable;
  hearing_participants: HearingParticipantsTable;
  links: LinksTable;
  identity_checks: IdentityChecksTable;
  audit_entries: AuditEntriesTable;
  audit_heads: AuditHeadsTable;
  signing_keys: SigningKeysTable;
  case_counters: CaseCountersTable;
  hearing_chat: HearingChatTable;
}
