import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import type { AgreementKind, AgreementLanguage, AgreementStatus } from '../../signaling/protocol/pad.js';

/** The pad's tables (migration 003_pad). Kept here, next to the only code that reads them. */
export interface AgreementsTable {
  id: string; case_id: string; title: string; kind: string; language: string; template: string; status: string;
  lock_seq: number; locked_sha256: string | null; locked_at: string | null; locked_by: string | null;
  locked_text: string | null; locked_fields: string | null; fields: string; clerk_can_edit: number;
  created_by: string; created_at: string; updated_at: string;
}
export interface AgreementChangesTable {
  agreement_id: string; seq: number; at: string; author: string; author_name: string; author_role: string; kind: string;
  summary: string; data: string | null;
}
export interface AgreementSnapshotsTable { agreement_id: string; upto_seq: number; state: string; at: string }
export interface AgreementClientsTable {
  agreement_id: string; client_id: string; author: string; author_name: string; author_role: string; at: string;
}
export interface AgreementVersionsTable {
  id: string; agreement_id: string; number: number; name: string; text: string; fields: string; sha256: string; state: string;
  created_by: string; created_by_name: string; created_at: string;
}

export interface PadDatabase extends Database {
  agreements: AgreementsTable;
  agreement_changes: AgreementChangesTable;
  agreement_snapshots: AgreementSnapshotsTable;
  agreement_clients: AgreementClientsTable;
  agreement_versions: AgreementVersionsTable;
}
export type PadDb = Kysely<PadDatabase>;
export type PadTrx = Transaction<PadDatabase>;

/** The store's handle typed with the pad's tables too (the shared schema file lists the foundation's). */
export const padDb = (db: Kysely<Database>): PadDb => db as unknown as PadDb;
/** AuditLog.append takes the foundation's transaction type; the pad's is the same connection with more tables. */
export const asBaseTrx = (trx: PadTrx): Transaction<Database> => trx as unknown as Transaction<Database>;

/** The contract (notes/CONTRACTS.md, "Pad"): what signing reads. */
export interface AgreementRow {
  id: string; caseId: string; title: string; kind: AgreementKind; language: AgreementLanguage; status: AgreementStatus;
  lockSeq: number; lockedSha256: string | null; lockedAt: string | null; lockedBy: string | null; createdAt: string; updatedAt: string;
}

export interface LockedAgreement {
  agreementId: string; caseId: string; title: string; language: AgreementLanguage; lockSeq: number;
  /** Canonical: UTF-8, NFC, LF, no trailing spaces on lines, exactly one final LF; fields substituted. */
  text: string;
  /** Hex SHA-256 of the UTF-8 bytes of `text`. */
  sha256: string;
  fields: Record<string, string>;
  lockedAt: string;
  lockedBy: string;
}

export interface UnlockEvent { agreementId: string; caseId: string; lockSeq: number; by: string }
export type UnlockListener = (e: UnlockEvent) => Promise<void> | void;

/** Who acts on the pad: a staff member or a hearing participant, with the name and role shown on cursors and in logs. */
export interface PadActor {
  /** `staff:<id>` or `participant:<id>` */
  author: string;
  name: string;
  role: string;
}

export function agreementRow(r: AgreementsTable): AgreementRow {
  return {
    id: r.id, caseId: r.case_id, title: r.title, kind: r.kind as AgreementKind, language: r.language as AgreementLanguage,
    status: r.status as AgreementStatus, lockSeq: Number(r.lock_seq), lockedSha256: r.locked_sha256, lockedAt: r.locked_at,
    lockedBy: r.locked_by, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

export const b64 = (u: Uint8Array): string => Buffer.from(u.buffer, u.byteOffset, u.byteLength).toString('base64');
export const unb64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));
