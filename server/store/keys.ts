import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** Persists JWT signing keys (shape of auth's KeyStore), so every instance and every restart verifies the same tokens. */
export class SqlKeyStore {
  constructor(private readonly db: Kysely<Database>) {}

  async list() {
    const rows = await this.db.selectFrom('signing_keys').selectAll().execute();
    return rows.map((r) => ({ kid: r.kid, secret: r.secret, createdAt: r.created_at, retiredAt: r.retired_at }));
  }

  async insert(k: { kid: string; secret: string; createdAt: string; retiredAt: string | null }) {
    await this.db.insertInto('signing_keys').values({ kid: k.kid, secret: k.secret, created_at: k.createdAt, retired_at: k.retiredAt }).execute();
  }

  async retire(kid: string, at: string) {
    await this.db.updateTable('signing_keys').set({ retired_at: at }).where('kid', '=', kid).where('retired_at', 'is', null).execute();
  }
}
