import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { SecretBox, SecretBoxError } from '../lib/secret-box.js';

interface StoredKey { kid: string; secret: string; createdAt: string; retiredAt: string | null }

/**
 * Persists JWT signing keys (shape of auth's KeyStore), so every instance and every restart verifies the same tokens.
 * The secret is stored sealed (`SecretBox` with the signing-key label, the kid as authenticated data): the key that
 * opens it comes from the service secret, which is not in the database, so a dump or a replica cannot mint tokens.
 *
 * Rows written by versions before sealing hold the secret in plain text; `list` seals each one it meets, with a
 * conditional update (only while the plain value is still there), so two instances starting at once agree and a
 * second run finds nothing to do. An instance reads the keys at start and every minute, so none stays plain.
 */
export class SqlKeyStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly box: SecretBox,
  ) {}

  async list(): Promise<StoredKey[]> {
    const rows = await this.db.selectFrom('signing_keys').selectAll().execute();
    const out: StoredKey[] = [];
    for (const r of rows) {
      let secret: string;
      if (SecretBox.isSealed(r.secret)) secret = this.open(r.kid, r.secret);
      else {
        secret = r.secret;
        await this.db
          .updateTable('signing_keys')
          .set({ secret: this.box.seal(secret, aad(r.kid)) })
          .where('kid', '=', r.kid)
          .where('secret', '=', secret)
          .execute();
      }
      out.push({ kid: r.kid, secret, createdAt: r.created_at, retiredAt: r.retired_at });
    }
    return out;
  }

  async insert(k: StoredKey) {
    await this.db
      .insertInto('signing_keys')
      .values({ kid: k.kid, secret: this.box.seal(k.secret, aad(k.kid)), created_at: k.createdAt, retired_at: k.retiredAt })
      .execute();
  }

  async retire(kid: string, at: string) {
    await this.db.updateTable('signing_keys').set({ retired_at: at }).where('kid', '=', kid).where('retired_at', 'is', null).execute();
  }

  private open(kid: string, sealed: string): string {
    try {
      return this.box.open(sealed, aad(kid));
    } catch (err) {
      if (!(err instanceof SecretBoxError)) throw err;
      // Never fall back to a fresh key: that would log everyone out and hide a misconfiguration.
      throw new Error(
        `token signing key ${kid} does not open with this service secret (CONCORD_SECRET, or DATA_DIR/secret.key): ` +
          'start with the secret this database was created with',
        { cause: err },
      );
    }
  }
}

const aad = (kid: string) => `signing-key:${kid}`;
