import type { Kysely, Migration } from 'kysely';

/**
 * Migration 005 (issue 5, signing ceremony and judicial confirmation). Portable types only (text, integer).
 * - signing_otps: one-time codes that re-confirm a signer's identity; only a keyed hash of the code is kept.
 * - signing_sets: per agreement and lock, whether the arbitrator signs too (decided before the first signature).
 * - signatures: one row per signer slot and lock; voided (never deleted) when the mediator unlocks the text.
 * - signing_documents: the sealed agreement PDF, the performance notice and court rulings (bytes as base64 text,
 *   so every instance of a scaled-out deployment reads the same file).
 * - sealed_agreements: the moment an agreement took effect (one row per agreement and lock).
 * - court_confirmations: requests for judicial confirmation (司法确认) and the court's decision.
 */
type Db = Kysely<unknown>;

export const m005: Migration = {
  async up(db: Db) {
    await db.schema
      .createTable('signing_otps')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
      .addColumn('agreement_id', 'text', (c) => c.notNull())
      .addColumn('lock_seq', 'integer', (c) => c.notNull())
      .addColumn('slot', 'text', (c) => c.notNull())
      .addColumn('signer_id', 'text', (c) => c.notNull())
      .addColumn('code_hash', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('used_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('signing_otps_signer').on('signing_otps').columns(['agreement_id', 'slot', 'created_at']).execute();
    await db.schema
      .createTable('signing_sets')
      .addColumn('agreement_id', 'text', (c) => c.notNull())
      .addColumn('lock_seq', 'integer', (c) => c.notNull())
      .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
      .addColumn('require_arbitrator', 'integer', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('signing_sets_pk', ['agreement_id', 'lock_seq'])
      .execute();
    await db.schema
      .createTable('signatures')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
      .addColumn('agreement_id', 'text', (c) => c.notNull())
      .addColumn('lock_seq', 'integer', (c) => c.notNull())
      .addColumn('slot', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('signer_id', 'text', (c) => c.notNull())
      .addColumn('signer_name', 'text', (c) => c.notNull())
      .addColumn('method', 'text', (c) => c.notNull())
      .addColumn('typed_name', 'text')
      .addColumn('image', 'text', (c) => c.notNull())
      .addColumn('image_sha256', 'text', (c) => c.notNull())
      .addColumn('document_sha256', 'text', (c) => c.notNull())
      .addColumn('ip', 'text', (c) => c.notNull())
      .addColumn('user_agent', 'text', (c) => c.notNull())
      .addColumn('signed_at', 'text', (c) => c.notNull())
      .addColumn('audit_seq', 'integer', (c) => c.notNull())
      .addColumn('audit_hash', 'text', (c) => c.notNull())
      .addColumn('voided_at', 'text')
      .addColumn('voided_by', 'text')
      .execute();
    // A lock's number is never reused (each lock increments it), so one signature per slot and lock holds for voided rows too.
    await db.schema.createIndex('signatures_slot').unique().on('signatures').columns(['agreement_id', 'lock_seq', 'slot']).execute();
    await db.schema.createIndex('signatures_case').on('signatures').column('case_id').execute();
    await db.schema
      .createTable('signing_documents')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
      .addColumn('agreement_id', 'text', (c) => c.notNull())
      .addColumn('lock_seq', 'integer', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('size', 'integer', (c) => c.notNull())
      .addColumn('content', 'text', (c) => c.notNull())
      .addColumn('meta', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('signing_documents_case').on('signing_documents').column('case_id').execute();
    await db.schema
      .createTable('sealed_agreements')
      .addColumn('agreement_id', 'text', (c) => c.notNull())
      .addColumn('lock_seq', 'integer', (c) => c.notNull())
      .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
      .addColumn('document_sha256', 'text', (c) => c.notNull())
      .addColumn('pdf_id', 'text', (c) => c.notNull())
      .addColumn('pdf_sha256', 'text', (c) => c.notNull())
      .addColumn('notice_id', 'text')
      .addColumn('certificate', 'text', (c) => c.notNull())
      .addColumn('sealed_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('sealed_agreements_pk', ['agreement_id', 'lock_seq'])
      .execute();
    await db.schema
      .createTable('court_confirmations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
      .addColumn('agreement_id', 'text', (c) => c.notNull())
      .addColumn('lock_seq', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('requested_by', 'text', (c) => c.notNull())
      .addColumn('requested_role', 'text', (c) => c.notNull())
      .addColumn('requested_at', 'text', (c) => c.notNull())
      .addColumn('note', 'text')
      .addColumn('decided_by', 'text')
      .addColumn('decided_at', 'text')
      .addColumn('reasons', 'text')
      .addColumn('ruling_id', 'text')
      .execute();
    await db.schema.createIndex('court_confirmations_case').on('court_confirmations').column('case_id').execute();
  },
};

/** Row types of the tables above (the store's other tables are in schema.ts). */
export interface SigningOtpsTable {
  id: string; case_id: string; agreement_id: string; lock_seq: number; slot: string; signer_id: string; code_hash: string;
  expires_at: string; attempts: number; used_at: string | null; created_at: string;
}
export interface SigningSetsTable {
  agreement_id: string; lock_seq: number; case_id: string; require_arbitrator: number; updated_by: string; updated_at: string;
}
export interface SignaturesTable {
  id: string; case_id: string; agreement_id: string; lock_seq: number; slot: string; role: string; signer_id: string;
  signer_name: string; method: string; typed_name: string | null; image: string; image_sha256: string; document_sha256: string;
  ip: string; user_agent: string; signed_at: string; audit_seq: number; audit_hash: string; voided_at: string | null; voided_by: string | null;
}
export interface SigningDocumentsTable {
  id: string; case_id: string; agreement_id: string; lock_seq: number; kind: string; sha256: string; size: number;
  content: string; meta: string; created_at: string;
}
export interface SealedAgreementsTable {
  agreement_id: string; lock_seq: number; case_id: string; document_sha256: string; pdf_id: string; pdf_sha256: string;
  notice_id: string | null; certificate: string; sealed_at: string;
}
export interface CourtConfirmationsTable {
  id: string; case_id: string; agreement_id: string; lock_seq: number; status: string; requested_by: string; requested_role: string;
  requested_at: string; note: string | null; decided_by: string | null; decided_at: string | null; reasons: string | null; ruling_id: string | null;
}
export interface SigningTables {
  signing_otps: SigningOtpsTable;
  signing_sets: SigningSetsTable;
  signatures: SignaturesTable;
  signing_documents: SigningDocumentsTable;
  sealed_agreements: SealedAgreementsTable;
  court_confirmations: CourtConfirmationsTable;
}
