import type { Kysely, Migration } from 'kysely';

/**
 * The drafting pad (issue 4): agreements, their change log (each stored Yjs update, folded into snapshots by compaction
 * but kept as a log entry), snapshots, which Yjs client ids belong to whom (attribution), and named versions.
 * Binary Yjs data is stored base64 in text columns, so the same migration runs on SQLite and PostgreSQL.
 */
type Db = Kysely<unknown>;

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
