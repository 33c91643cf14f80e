import type { Kysely, Migration } from 'kysely';

/**
 * Organisation credentials for document signing (server/documents/certificates.ts): per organisation (mediation
 * organisation or court) a self-issued CA certificate and a seal certificate issued by it, each private key encrypted
 * at rest (AES-256-GCM under a key derived from the service secret; `*_key_enc` is "v1.<iv>.<tag>.<ciphertext>",
 * base64url). Certificates are PEM text.
 */
export interface OrgCredentialsTable {
  org_id: string;
  ca_cert_pem: string;
  ca_key_enc: string;
  cert_pem: string;
  key_enc: string;
  /** SHA-256 of the seal certificate's DER, hex: shown by the verifier and in the audit chain. */
  cert_sha256: string;
  created_at: string;
}

/** This migration's tables, joined into the store's `Database` (schema.ts). */
export interface DocumentsTables {
  org_credentials: OrgCredentialsTable;
}

export const m004Documents: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('org_credentials')
      .addColumn('org_id', 'text', (c) => c.primaryKey().references('organisations.id'))
      .addColumn('ca_cert_pem', 'text', (c) => c.notNull())
      .addColumn('ca_key_enc', 'text', (c) => c.notNull())
      .addColumn('cert_pem', 'text', (c) => c.notNull())
      .addColumn('key_enc', 'text', (c) => c.notNull())
      .addColumn('cert_sha256', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
  },
};
