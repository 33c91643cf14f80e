import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import { InvalidStateError } from '../lib/errors.js';
import { SecretBox, SecretBoxError } from '../lib/secret-box.js';

/**
 * Caucus recording files at rest: AES-256-GCM under a per-case data key. The data key is random, stored only sealed
 * in `caucus_keys` (secret box, label `recordings/caucus-keys/v1`, aad `caucus-key:<caseId>`), so the files need both
 * the database row and the service secret. Shredding the row's key makes every caucus file of the case unreadable
 * (crypto-shredding) while the ciphertext, and its SHA-256 in the case file, stay verifiable.
 *
 * File format: `CCV1` (4 bytes), IV (12 bytes), ciphertext, GCM tag (16 bytes); aad `caucus-file:<caseId>`.
 */
const MAGIC = Buffer.from('CCV1');
const IV = 12;
const TAG = 16;
const HEAD = MAGIC.length + IV;

export const SHREDDED_MESSAGE = 'caucus material was shredded';
export type KeyState = 'none' | 'active' | 'shredded';

const keyAad = (caseId: string) => `caucus-key:${caseId}`;
const fileAad = (caseId: string) => Buffer.from(`caucus-file:${caseId}`, 'utf8');

export class CaucusVault {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly box: SecretBox,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async state(caseId: string): Promise<KeyState> {
    const r = await this.db.selectFrom('caucus_keys').select(['sealed_key']).where('case_id', '=', caseId).executeTakeFirst();
    return !r ? 'none' : r.sealed_key === null ? 'shredded' : 'active';
  }

  /** The case's data key; made on first use (two writers agree: insert-or-ignore, then read). Never after a shred. */
  async key(caseId: string, create: boolean): Promise<Buffer> {
    let r = await this.db.selectFrom('caucus_keys').selectAll().where('case_id', '=', caseId).executeTakeFirst();
    if (!r && create) {
      const sealed = this.box.seal(randomBytes(32).toString('base64url'), keyAad(caseId));
      await this.db.insertInto('caucus_keys')
        .values({ case_id: caseId, sealed_key: sealed, created_at: this.now().toISOString(), shredded_at: null, shredded_by: null, shred_reason: null })
        .onConflict((oc) => oc.column('case_id').doNothing()).execute();
      r = await this.db.selectFrom('caucus_keys').selectAll().where('case_id', '=', caseId).executeTakeFirst();
    }
    if (!r) throw new InvalidStateError('this case has no caucus key', { reason: 'no_key' });
    if (r.sealed_key === null) throw new InvalidStateError(SHREDDED_MESSAGE, { reason: 'shredded', shreddedAt: r.shredded_at });
    try {
      return Buffer.from(this.box.open(r.sealed_key, keyAad(caseId)), 'base64url');
    } catch (err) {
      if (!(err instanceof SecretBoxError)) throw err;
      throw new Error(`the caucus key of case ${caseId} does not open with this service secret`, { cause: err });
    }
  }

  /** Destroys the key (inside the caller's transaction, with its audit entry). False when there was none to destroy. */
  async shred(trx: Transaction<Database>, caseId: string, by: string, reason: string): Promise<boolean> {
    const at = this.now().toISOString();
    const r = await trx.updateTable('caucus_keys').set({ sealed_key: null, shredded_at: at, shredded_by: by, shred_reason: reason })
      .where('case_id', '=', caseId).where('sealed_key', 'is not', null).executeTakeFirst();
    if (Number(r.numUpdatedRows) === 1) return true;
    // No key yet: leave a shredded row, so nothing caucus-related can ever be encrypted (and read) for this case again.
    const ins = await trx.insertInto('caucus_keys').values({ case_id: caseId, sealed_key: null, created_at: at, shredded_at: at, shredded_by: by, shred_reason: reason })
      .onConflict((oc) => oc.column('case_id').doNothing()).executeTakeFirst();
    return Number(ins.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  /** Replaces a plain file by its ciphertext (written beside it, then renamed over it, so no half-written file stays). */
  async encryptFile(caseId: string, path: string): Promise<void> {
    const key = await this.key(caseId, true);
    const iv = randomBytes(IV);
    const c = createCipheriv('aes-256-gcm', key, iv);
    c.setAAD(fileAad(caseId));
    const tmp = `${path}.enc-tmp`;
    const out = await open(tmp, 'w', 0o600);
    try {
      await out.write(Buffer.concat([MAGIC, iv]));
      for await (const chunk of createReadStream(path)) await out.write(c.update(chunk as Buffer));
      await out.write(Buffer.concat([c.final(), c.getAuthTag()]));
      await out.sync();
      await out.close();
      await rename(tmp, path);
    } catch (err) {
      await out.close().catch(() => undefined);
      await rm(tmp, { force: true });
      throw err;
    }
  }

  /** The plaintext as a stream; the GCM tag is checked at the end (a changed file errors the stream). */
  async decryptStream(caseId: string, path: string): Promise<{ stream: Readable; bytes: number }> {
    const key = await this.key(caseId, false);
    const size = (await stat(path)).size;
    if (size < HEAD + TAG) throw new InvalidStateError('caucus file is too short to be an encrypted file');
    const fh = await open(path, 'r');
    const head = Buffer.alloc(HEAD);
    const tag = Buffer.alloc(TAG);
    try {
      await fh.read(head, 0, HEAD, 0);
      await fh.read(tag, 0, TAG, size - TAG);
    } finally {
      await fh.close();
    }
    if (!head.subarray(0, MAGIC.length).equals(MAGIC)) throw new InvalidStateError('not an encrypted caucus file');
    const d = createDecipheriv('aes-256-gcm', key, head.subarray(MAGIC.length));
    d.setAAD(fileAad(caseId));
    d.setAuthTag(tag);
    const src = size - TAG - 1 >= HEAD ? createReadStream(path, { start: HEAD, end: size - TAG - 1 }) : null;
    if (!src) {
      d.end();
      return { stream: d, bytes: 0 };
    }
    src.on('error', (err) => d.destroy(err));
    return { stream: src.pipe(d), bytes: size - HEAD - TAG };
  }

  async decryptToFile(caseId: string, path: string, dest: string): Promise<void> {
    const { stream } = await this.decryptStream(caseId, path);
    await pipeline(stream, createWriteStream(dest, { mode: 0o600 }));
  }

  async decryptBuffer(caseId: string, path: string): Promise<Buffer> {
    const { stream } = await this.decryptStream(caseId, path);
    const parts: Buffer[] = [];
    for await (const chunk of stream) parts.push(chunk as Buffer);
    return Buffer.concat(parts);
  }
}
