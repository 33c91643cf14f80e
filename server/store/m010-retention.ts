import { sql, type ColumnType, type Kysely, type Migration } from 'kysely';

/**
 * Personal data and retention (issue 12, part 4).
 *
 * - `retention_schedules`: per organisation, how many days after a case closes (status `archived`) its recordings,
 *   transcripts, chat texts and identity data are kept. No row: the defaults of `server/retention/schedule.ts`.
 * - `cases.closed_at`: when the case became `archived` (the clock of every schedule); existing archived cases take
 *   their last update.
 * - Deletion markers: the rows stay (ids, hashes, sizes: the case file still proves what existed), their content
 *   columns are cleared and `deleted_by_policy` holds the time of the run that cleared them.
 * - `audit_entries.data_sha256`: entries written from now on hash the SHA-256 of their payload instead of the payload,
 *   so a payload that holds personal data can be redacted (`redacted_at`) while the entry's hash still verifies.
 */
/** A column added by this migration: nullable, and left out of inserts written before it (the database's null). */
export type Added<T> = ColumnType<T | null, T | null | undefined, T | null>;

export interface RetentionSchedulesTable {
  org_id: string; recordings_days: number; transcripts_days: number; chat_days: number; identity_days: number;
  updated_by: string; updated_at: string;
}

export interface RetentionTables {
  retention_schedules: RetentionSchedulesTable;
}

export const m010Retention: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('retention_schedules')
      .addColumn('org_id', 'text', (c) => c.primaryKey().references('organisations.id'))
      .addColumn('recordings_days', 'integer', (c) => c.notNull())
      .addColumn('transcripts_days', 'integer', (c) => c.notNull())
      .addColumn('chat_days', 'integer', (c) => c.notNull())
      .addColumn('identity_days', 'integer', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.alterTable('cases').addColumn('closed_at', 'text').execute();
    await sql`update cases set closed_at = updated_at where status = 'archived'`.execute(db);
    for (const t of ['recording_files', 'transcripts', 'hearing_chat', 'parties', 'hearing_participants']) {
      await db.schema.alterTable(t).addColumn('deleted_by_policy', 'text').execute();
    }
    await db.schema.alterTable('audit_entries').addColumn('data_sha256', 'text').execute();
    await db.schema.alterTable('audit_entries').addColumn('redacted_at', 'text').execute();
  },
};
