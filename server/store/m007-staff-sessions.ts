import type { Kysely, Migration } from 'kysely';

/**
 * Staff sessions (issue 11): every staff token carries a session id (`sid`) that must name a row here which is
 * neither revoked nor expired, so signing out, signing out everywhere and deactivating an account end a session at
 * once, on every instance and across restarts. Looked up by primary key on every staff request.
 *
 * The signing keys' secrets are sealed with the service secret from this version on; a migration does not have that
 * secret, so `SqlKeyStore` (server/store/keys.ts) seals plain rows of older databases when it first reads them.
 */
export interface StaffSessionsTable {
  sid: string;
  staff_id: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  /** logout | logout_all | deactivated */
  revoked_reason: string | null;
}

/** This migration's tables, joined into the store's `Database` (schema.ts). */
export interface SessionTables {
  staff_sessions: StaffSessionsTable;
}

export const m007StaffSessions: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('staff_sessions')
      .addColumn('sid', 'text', (c) => c.primaryKey())
      .addColumn('staff_id', 'text', (c) => c.notNull().references('staff.id'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('revoked_at', 'text')
      .addColumn('revoked_reason', 'text')
      .execute();
    await db.schema.createIndex('staff_sessions_staff').on('staff_sessions').columns(['staff_id', 'expires_at']).execute();
  },
};
