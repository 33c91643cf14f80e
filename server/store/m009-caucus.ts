import type { Kysely, Migration } from 'kysely';

/**
 * Confidential caucus material (issue 12).
 *
 * - `caucuses`: one row per private caucus as the live hearing held it: who held it (the mediator's participant id and,
 *   for staff, their staff id) and who was in it (JSON array of participant ids). Written with `hearing.caucus_started`.
 * - `caucus_keys`: the per-case data key that encrypts caucus recording files, sealed with the secret box (label
 *   `recordings/caucus-keys/v1`, aad `caucus-key:<caseId>`). Shredding sets `sealed_key` to null (the row stays, so a
 *   read can say "shredded" rather than "no key"); with the key gone the ciphertext on disk cannot be opened.
 * - `caucus_releases`: one row per (item, side) release; an item counts as released when the mediator who held the
 *   caucus and the party in it have both released it.
 */
export interface CaucusesTable {
  id: string; case_id: string; hearing_id: string; held_by_participant: string; held_by_staff: string | null;
  /** JSON array of participant ids in the caucus (the mediator included) */
  members: string; started_at: string; ended_at: string | null;
}
export interface CaucusKeysTable {
  case_id: string; sealed_key: string | null; created_at: string; shredded_at: string | null; shredded_by: string | null; shred_reason: string | null;
}
export interface CaucusReleasesTable {
  id: string; case_id: string; caucus_id: string;
  /** recording | chat | transcript */
  item_kind: string; item_id: string;
  /** mediator | party */
  side: string; released_by: string; at: string;
}

export interface CaucusTables {
  caucuses: CaucusesTable;
  caucus_keys: CaucusKeysTable;
  caucus_releases: CaucusReleasesTable;
}

export const m009Caucus: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('caucuses')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
      .addColumn('hearing_id', 'text', (c) => c.notNull().references('hearings.id'))
      .addColumn('held_by_participant', 'text', (c) => c.notNull())
      .addColumn('held_by_staff', 'text')
      .addColumn('members', 'text', (c) => c.notNull())
      .addColumn('started_at', 'text', (c) => c.notNull())
      .addColumn('ended_at', 'text')
      .execute();
    await db.schema.createIndex('caucuses_case').on('caucuses').columns(['case_id']).execute();
    await db.schema
      .createTable('caucus_keys')
      .addColumn('case_id', 'text', (c) => c.primaryKey().references('cases.id'))
      .addColumn('sealed_key', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('shredded_at', 'text')
      .addColumn('shredded_by', 'text')
      .addColumn('shred_reason', 'text')
      .execute();
    await db.schema
      .createTable('caucus_releases')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
      .addColumn('caucus_id', 'text', (c) => c.notNull())
      .addColumn('item_kind', 'text', (c) => c.notNull())
      .addColumn('item_id', 'text', (c) => c.notNull())
      .addColumn('side', 'text', (c) => c.notNull())
      .addColumn('released_by', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addUniqueConstraint('caucus_releases_item_side', ['item_id', 'side', 'released_by'])
      .execute();
    await db.schema.createIndex('caucus_releases_case').on('caucus_releases').columns(['case_id', 'item_id']).execute();
  },
};
