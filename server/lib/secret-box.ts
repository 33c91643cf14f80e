import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM box for secrets at rest (organisation private keys, token signing keys). The key is HKDF-SHA256 of the
 * service secret (CONCORD_SECRET or DATA_DIR/secret.key, never in the database) with a label per use, so a box of one
 * use cannot be opened as another; `aad` binds a ciphertext to its row and purpose.
 *
 * Format: `v1.<iv>.<tag>.<ciphertext>`, each part base64url.
 */
const BOX_VERSION = 'v1';

/** The labels in use; a new use gets a new label (and so its own key). */
export const BOX_LABELS = {
  orgKeys: 'documents/org-keys/v1',
  signingKeys: 'auth/signing-keys/v1',
  caucusKeys: 'recordings/caucus-keys/v1',
} as const;
export type BoxLabel = (typeof BOX_LABELS)[keyof typeof BOX_LABELS];

/** A value that cannot be opened: wrong service secret, wrong row (aad), or altered ciphertext. */
export class SecretBoxError extends Error {}

export class SecretBox {
  private readonly key: Buffer;
  constructor(serviceSecret: string, label: BoxLabel) {
    if (!serviceSecret) throw new Error('SecretBox needs the service secret');
    this.key = Buffer.from(hkdfSync('sha256', Buffer.from(serviceSecret, 'utf8'), Buffer.from('concord'), Buffer.from(label), 32));
  }

  /** True for what `seal` produces (a plain base64url secret never contains '.'). */
  static isSealed(value: string): boolean {
    return value.startsWith(`${BOX_VERSION}.`);
  }

  seal(plain: string, aad: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    c.setAAD(Buffer.from(aad, 'utf8'));
    const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return [BOX_VERSION, iv.toString('base64url'), c.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
  }

  open(boxed: string, aad: string): string {
    const [v, iv, tag, ct, extra] = boxed.split('.');
    if (v !== BOX_VERSION || !iv || !tag || ct === undefined || extra !== undefined) throw new SecretBoxError('unknown secret box format');
    const d = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    d.setAAD(Buffer.from(aad, 'utf8'));
    d.setAuthTag(Buffer.from(tag, 'base64url'));
    try {
      return Buffer.concat([d.update(Buffer.from(ct, 'base64url')), d.final()]).toString('utf8');
    } catch (err) {
      throw new SecretBoxError(`secret box does not open (${err instanceof Error ? err.message : String(err)})`);
    }
  }
}
