import type { Kysely, Migration } from 'kysely';

/**
 * Interpreter channels and spoken languages (issue 17, item 2).
 *
 * - `hearing_participants.language`: the participant's spoken language (`SPOKEN_LANGUAGES`: cmn, yue, en, pt), null
 *   when not given. The transcripts transcribe a participant's tracks in it.
 * - `hearing_participants.interpretation_from` / `_to` / `_mode` / `serves_party_id`: an interpreter's language pair
 *   (they listen to `from` on the floor and speak into the `to` channel), mode (simultaneous, consecutive, whispered)
 *   and the case party they serve; all null for everyone else.
 * - `recording_tracks.channel`: the listening channel a recorded audio track belongs to (`floor`, or the language of an
 *   interpreter's channel), and `recording_tracks.language`: the language spoken on the track (the participant's, or
 *   the channel's for an interpreter). Null on tracks recorded before this migration.
 */
export const m012Interpreters: Migration = {
  async up(db: Kysely<unknown>) {
    for (const column of ['language', 'interpretation_from', 'interpretation_to', 'interpretation_mode', 'serves_party_id']) {
      await db.schema.alterTable('hearing_participants').addColumn(column, 'text').execute();
    }
    await db.schema.alterTable('recording_tracks').addColumn('channel', 'text').execute();
    await db.schema.alterTable('recording_tracks').addColumn('language', 'text').execute();
  },
};
