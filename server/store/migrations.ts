import type { Kysely, Migration, MigrationProvider } from 'kysely';
import { m003Pad } from './m003-pad.js';
import { m005 } from './m005-signing.js';
import { m004Documents } from './m004-documents.js';
import { m006Recordings } from './m006-recordings.js';
import { m007StaffSessions } from './m007-staff-sessions.js';
import { m008Lockouts } from './m008-lockouts.js';
import { m009Caucus } from './m009-caucus.js';
import { m010Retention } from './m010-retention.js';
import { m011CaseLanguages } from './m011-case-languages.js';
import { m012Interpreters } from './m012-interpreters.js';
import { m013TranscriptLanguages } from './m013-transcript-languages.js';

/**
 * One set of migrations for SQLite and PostgreSQL: only types both understand (text, integer),
 * and `serial`-style ids avoided except identity_checks, which gets a dialect-specific id column.
 */
type Db = Kysely<unknown>;

export type Dialect = 'sqlite' | 'postgres';

const m001 = (dialect: Dialect): Migration => ({
  async up(db: Db) {
    const isPg = dialect === 'postgres';
    await db.schema
      .createTable('organisations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('name_en', 'text', (c) => c.notNull())
      .addColumn('site', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('staff')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('organisations.id'))
      .addColumn('username', 'text', (c) => c.notNull().unique())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('panel', 'text')
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('cases')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('number', 'text', (c) => c.notNull().unique())
      .addColumn('org_id', 'text', (c) => c.notNull().references('organisations.id'))
      .addColumn('site', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('dispute_types', 'text', (c) => c.notNull())
      .addColumn('claim_amount', 'text', (c) => c.notNull())
      .addColumn('claim_currency', 'text', (c) => c.notNull())
      .addColumn('summary', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('cases_org_updated').on('cases').columns(['org_id', 'updated_at']).execute();
    await db.schema
      .createTable('parties')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
      .addColumn('side', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('name_norm', 'text', (c) => c.notNull())
      .addColumn('id_type', 'text', (c) => c.notNull())
      .addColumn('id_number_hash', 'text', (c) => c.notNull())
      .addColumn('id_number_last4', 'text', (c) => c.notNull())
      .addColumn('phone', 'text')
      .addColumn('representative', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('parties_case').on('parties').column('case_id').execute();
    await db.schema
      .createTable('case_staff')
      .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
      .addColumn('staff_id', 'text', (c) => c.notNull().references('staff.id'))
      .addColumn('role', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('case_staff_pk', ['case_id', 'staff_id', 'role'])
      .execute();
    await db.schema.createIndex('case_staff_staff').on('case_staff').column('staff_id').execute();
    await db.schema
      .createTable('hearings')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
      .addColumn('starts_at', 'text', (c) => c.notNull())
      .addColumn('duration_minutes', 'integer', (c) => c.notNull())
      .addColumn('site', 'text', (c) => c.notNull())
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('hearings_case').on('hearings').column('case_id').execute();
    await db.schema
      .createTable('hearing_participants')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('hearing_id', 'text', (c) => c.notNull().references('hearings.id'))
      .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('party_id', 'text', (c) => c.references('parties.id'))
      .addColumn('staff_id', 'text', (c) => c.references('staff.id'))
      .addColumn('guest_name_norm', 'text')
      .addColumn('guest_id_hash', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('hearing_participants_hearing').on('hearing_participants').column('hearing_id').execute();
    await db.schema
      .createTable('links')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
      .addColumn('hearing_id', 'text', (c) => c.notNull().references('hearings.id'))
      .addColumn('participant_id', 'text', (c) => c.notNull().references('hearing_participants.id'))
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('revoked_at', 'text')
      .addColumn('revoked_by', 'text')
      .addColumn('verified_at', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('links_hearing').on('links').column('hearing_id').execute();
    await db.schema
      .createTable('identity_checks')
      .addColumn('id', isPg ? 'serial' : 'integer', (c) => (isPg ? c.primaryKey() : c.primaryKey().autoIncrement()))
      .addColumn('link_id', 'text', (c) => c.notNull())
      .addColumn('case_id', 'text', (c) => c.notNull())
      .addColumn('ok', 'integer', (c) => c.notNull())
      .addColumn('ip', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('identity_checks_link_at').on('identity_checks').columns(['link_id', 'at']).execute();
    await db.schema
      .createTable('audit_entries')
      .addColumn('chain_id', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('audit_entries_pk', ['chain_id', 'seq'])
      .execute();
    await db.schema
      .createTable('audit_heads')
      .addColumn('chain_id', 'text', (c) => c.primaryKey())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('signing_keys')
      .addColumn('kid', 'text', (c) => c.primaryKey())
      .addColumn('secret', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('retired_at', 'text')
      .execute();
    await db.schema
      .createTable('case_counters')
      .addColumn('prefix', 'text', (c) => c.primaryKey())
      .addColumn('value', 'integer', (c) => c.notNull())
      .execute();
  },
});

/**
 * The live hearing room: chat messages kept in the case file. A message's hash also goes into the case's audit chain,
 * so a later change to a stored message is detectable; `in_caucus` marks messages written inside a private caucus
 * (compromise facts: private by default).
 */
const m002: Migration = {
  async up(db: Db) {
    await db.schema
      .createTable('hearing_chat')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
      .addColumn('hearing_id', 'text', (c) => c.notNull().references('hearings.id'))
      .addColumn('room_id', 'text', (c) => c.notNull())
      .addColumn('in_caucus', 'integer', (c) => c.notNull())
      .addColumn('from_participant_id', 'text', (c) => c.notNull().references('hearing_participants.id'))
      .addColumn('from_name', 'text', (c) => c.notNull())
      .addColumn('recipient', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('hearing_chat_hearing_at').on('hearing_chat').columns(['hearing_id', 'at']).execute();
  },
};

export function migrationProvider(dialect: Dialect): MigrationProvider {
  return {
    async getMigrations() {
      return { '001_foundation': m001(dialect), '002_hearing_room': m002, '003_pad': m003Pad, '004_documents': m004Documents, '005_signing': m005, '006_recordings': m006Recordings,
        '007_staff_sessions': m007StaffSessions,
        '008_lockouts': m008Lockouts,
        '009_caucus': m009Caucus,
        '010_retention': m010Retention,
        '011_case_languages': m011CaseLanguages,
        '012_interpreters': m012Interpreters,
        '013_transcript_languages': m013TranscriptLanguages,
      };
    },
  };
}
