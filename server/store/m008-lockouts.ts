import type { Kysely, Migration } from 'kysely';

/**
 * Brute-force limits kept in the store, so they hold across restarts and instances (issue 11, item 5).
 *
 * - `login_throttle`: one row per account key (the normalised username as typed, whether or not such an account
 *   exists, so unknown usernames behave like known ones). A streak of failures: wrong passwords (`failures`), attempts
 *   refused while locked (`refused`), the distinct addresses (JSON array, capped), and the lock. Removed by a successful
 *   sign-in; a streak that has been quiet for the window starts over.
 * - `staff_notices`: what the account holder is told (kind + self-contained JSON data), shown at the next sign-in
 *   (`seen_at`). A later e-mail/SMS channel sends the same rows.
 * - `link_lockout_clears`: when a mediator last cleared a link's identity-check lockout; failures before it no longer count.
 */
export interface LoginThrottleTable {
  account: string; staff_id: string | null; failures: number; refused: number; addresses: string;
  first_at: string; last_at: string; locked_until: string | null; notice_id: string | null;
}
export interface StaffNoticesTable {
  id: string; staff_id: string; kind: string; data: string; created_at: string; updated_at: string; seen_at: string | null;
}
export interface LinkLockoutClearsTable { link_id: string; case_id: string; cleared_at: string; cleared_by: string }

export interface LockoutTables {
  login_throttle: LoginThrottleTable;
  staff_notices: StaffNoticesTable;
  link_lockout_clears: LinkLockoutClearsTable;
}

export const m008Lockouts: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('login_throttle')
      .addColumn('account', 'text', (c) => c.primaryKey())
      .addColumn('staff_id', 'text')
      .addColumn('failures', 'integer', (c) => c.notNull())
      .addColumn('refused', 'integer', (c) => c.notNull())
      .addColumn('addresses', 'text', (c) => c.notNull())
      .addColumn('first_at', 'text', (c) => c.notNull())
      .addColumn('last_at', 'text', (c) => c.notNull())
      .addColumn('locked_until', 'text')
      .addColumn('notice_id', 'text')
      .execute();
    await db.schema.createIndex('login_throttle_last_at').on('login_throttle').column('last_at').execute();
    await db.schema
      .createTable('staff_notices')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('staff_id', 'text', (c) => c.notNull().references('staff.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('seen_at', 'text')
      .execute();
    await db.schema.createIndex('staff_notices_staff').on('staff_notices').columns(['staff_id', 'seen_at']).execute();
    await db.schema
      .createTable('link_lockout_clears')
      .addColumn('link_id', 'text', (c) => c.primaryKey().references('links.id'))
      .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
      .addColumn('cleared_at', 'text', (c) => c.notNull())
      .addColumn('cleared_by', 'text', (c) => c.notNull())
      .execute();
  },
};
