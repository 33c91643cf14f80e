import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import type { AgreementKind, AgreementLanguage, AgreementStatus } from '../../signaling/protocol/pad.js';

/** The pad's tables are declared with their migration (server/store/m003-pad.ts) and are part of the store's Database. */
import type { AgreementsTable } from '../store/m003-pad.js';
export type {
  AgreementChangesTable, AgreementClientsTable, AgreementSnapshotsTable, AgreementsTable, AgreementVersionsTable,
} from '../store/m003-pad.js';
export type PadDb = Kysely<Database>;
export type PadTrx = Transaction<Database>;

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
