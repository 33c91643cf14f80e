import type { Kysely, Migration } from 'kysely';

/**
 * The case's languages (issue 17): `cases.languages`, a JSON array of one or two of zh-Hans, zh-Hant, en, pt
 * (signaling/protocol/languages.ts). Null means "derived from the site and the parties" (server/cases/languages.ts), so
 * existing cases need no backfill and keep following their data.
 */
export const m011CaseLanguages: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('cases').addColumn('languages', 'text').execute();
  },
};
