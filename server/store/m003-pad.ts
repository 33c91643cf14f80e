import type { Kysely, Migration } from 'kysely';

/**
 * The drafting pad (issue 4): agreements, their change log (each stored Yjs update, folded into snapshots by compaction
 * but kept as a log entry), snapshots, which Yjs client ids belong to whom (attribution), and named versions.
 * Binary Yjs data is stored base64 in text columns, so the same migration runs on SQLite and PostgreSQL.
 */
type Db = Kysely<unknown>;

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

/** This migration's tables, joined into the store's `Database` (schema.ts). */
export interface PadTables {
  agreements: AgreementsTable;
  agreement_changes: AgreementChangesTable;
  agreement_snapshots: AgreementSnapshotsTable;
  agreement_clients: AgreementClientsTable;
  agreement_versions: AgreementVersionsTable;
}

export const m003Pad: Migration = {
  async up(db: Db) {
    await db.schema
      .createTable('agreements')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('language', 'text', (c) => c.notNull())
      .addColumn('template', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('lock_seq', 'integer', (c) => c.notNull())
      .addColumn('locked_sha256', 'text')
      .addColumn('locked_at', 'text')
      .addColumn('locked_by', 'text')
      .addColumn('locked_text', 'text')
      .addColumn('locked_fields', 'text')
      .addColumn('fields', 'text', (c) => c.notNull())
      .addColumn('clerk_can_edit', 'integer', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('agreements_case').on('agreements').column('case_id').execute();
    await db.schema
      .createTable('agreement_changes')
      .addColumn('agreement_id', 'text', (c) => c.notNull().references('agreements.id'))
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('author', 'text', (c) => c.notNull())
      .addColumn('author_name', 'text', (c) => c.notNull())
      .addColumn('author_role', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('summary', 'text', (c) => c.notNull())
      // The Yjs update (base64) until a snapshot covers it; then null, and the row stays as the change log entry.
      .addColumn('data', 'text')
      .addPrimaryKeyConstraint('agreement_changes_pk', ['agreement_id', 'seq'])
      .execute();
    await db.schema
      .createTable('agreement_snapshots')
      .addColumn('agreement_id', 'text', (c) => c.notNull().references('agreements.id'))
      .addColumn('upto_seq', 'integer', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('agreement_snapshots_pk', ['agreement_id', 'upto_seq'])
      .execute();
    await db.schema
      .createTable('agreement_clients')
      .addColumn('agreement_id', 'text', (c) => c.notNull().references('agreements.id'))
      .addColumn('client_id', 'text', (c) => c.notNull())
      .addColumn('author', 'text', (c) => c.notNull())
      .addColumn('author_name', 'text', (c) => c.notNull())
      .addColumn('author_role', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('agreement_clients_pk', ['agreement_id', 'client_id'])
      .execute();
    await db.schema
      .createTable('agreement_versions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('agreement_id', 'text', (c) => c.notNull().references('agreements.id'))
      .addColumn('number', 'integer', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('fields', 'text', (c) => c.notNull())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_by_name', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('agreement_versions_agreement').on('agreement_versions').columns(['agreement_id', 'number']).unique().execute();
  },
};
