import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import { newId } from '../lib/ids.js';
import { RateLimitedError, ValidationError } from '../lib/errors.js';

/**
 * One-time codes that re-confirm a signer's identity right before signing. Six digits, kept only as an HMAC keyed with
 * the service secret (a copied database does not reveal them), valid for a few minutes and a few attempts, one live code
 * per signer and lock (a new code replaces the old one).
 */
export interface OtpOptions { ttlMinutes: number; maxAttempts: number; maxIssuedPerWindow: number; windowMinutes: number }
export const DEFAULT_OTP: OtpOptions = { ttlMinutes: 10, maxAttempts: 5, maxIssuedPerWindow: 5, windowMinutes: 15 };

export interface OtpTarget { caseId: string; agreementId: string; lockSeq: number; slot: string; signerId: string }

export class OtpService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly secret: string,
    readonly opts: OtpOptions = DEFAULT_OTP,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private hash(id: string, code: string): string {
    return createHmac('sha256', this.secret).update(`otp:${id}:${code}`).digest('hex');
  }

  async issue(t: OtpTarget): Promise<{ id: string; code: string; expiresAt: string }> {
    const now = this.now();
    const since = new Date(now.getTime() - this.opts.windowMinutes * 60_000).toISOString();
    const id = newId<'otp'>('otp');
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const expiresAt = new Date(now.getTime() + this.opts.ttlMinutes * 60_000).toISOString();
    await this.db.transaction().execute(async (trx) => {
      const recent = await trx
        .selectFrom('signing_otps')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('agreement_id', '=', t.agreementId)
        .where('slot', '=', t.slot)
        .where('created_at', '>', since)
        .executeTakeFirstOrThrow();
      if (Number(recent.n) >= this.opts.maxIssuedPerWindow) {
        throw new RateLimitedError(`too many codes requested; try again in ${this.opts.windowMinutes} minutes`);
      }
      // One live code per signer: earlier ones stop working.
      await trx
        .updateTable('signing_otps')
        .set({ used_at: now.toISOString() })
        .where('agreement_id', '=', t.agreementId)
        .where('slot', '=', t.slot)
        .where('used_at', 'is', null)
        .execute();
      await trx
        .insertInto('signing_otps')
        .values({
          id, case_id: t.caseId, agreement_id: t.agreementId, lock_seq: t.lockSeq, slot: t.slot, signer_id: t.signerId,
          code_hash: this.hash(id, code), expires_at: expiresAt, attempts: 0, used_at: null, created_at: now.toISOString(),
        })
        .execute();
    });
    return { id, code, expiresAt };
  }

  /**
   * Checks a code. A wrong code costs an attempt (counted in its own small transaction, so the count survives the
   * refusal); nothing else is written. Returns normally only for the right, live code of this signer and lock; the
   * caller consumes it with `consume` inside the signing transaction.
   */
  async check(t: OtpTarget, otpId: string, code: string): Promise<void> {
    const row = await this.db.selectFrom('signing_otps').selectAll().where('id', '=', otpId).executeTakeFirst();
    const bad = (reason: string, message: string, extra: Record<string, unknown> = {}) =>
      new ValidationError(message, { reason, issues: [{ path: ['code'], message, code: reason }], ...extra });
    if (!row || row.agreement_id !== t.agreementId || row.slot !== t.slot || row.signer_id !== t.signerId) {
      throw bad('otp_unknown', 'this one-time code was not issued to you for this agreement: request a new one');
    }
    if (row.lock_seq !== t.lockSeq) throw bad('otp_stale', 'this one-time code was issued for an earlier version of the text');
    if (row.used_at) throw bad('otp_used', 'this one-time code has been used or replaced: request a new one');
    if (Date.parse(row.expires_at) <= this.now().getTime()) throw bad('otp_expired', 'the one-time code has expired: request a new one');
    if (row.attempts >= this.opts.maxAttempts) throw bad('otp_exhausted', 'too many wrong codes: request a new one', { attemptsLeft: 0 });
    const a = Buffer.from(this.hash(row.id, code), 'hex');
    const b = Buffer.from(row.code_hash, 'hex');
    if (a.length === b.length && timingSafeEqual(a, b)) return;
    // Compare-and-set so parallel guesses each cost an attempt.
    await this.db
      .updateTable('signing_otps')
      .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
      .where('id', '=', row.id)
      .execute();
    const left = Math.max(0, this.opts.maxAttempts - row.attempts - 1);
    throw bad('otp_mismatch', `the one-time code is wrong (${left} attempts left)`, { attemptsLeft: left });
  }

  /** Marks the code used inside the signing transaction; false when someone else used it meanwhile. */
  async consume(trx: Transaction<Database>, otpId: string): Promise<boolean> {
    const res = await trx
      .updateTable('signing_otps')
      .set({ used_at: this.now().toISOString() })
      .where('id', '=', otpId)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /** Unlock: every live code for that lock stops working. */
  async voidLock(trx: Transaction<Database>, agreementId: string, lockSeq: number): Promise<void> {
    await trx
      .updateTable('signing_otps')
      .set({ used_at: this.now().toISOString() })
      .where('agreement_id', '=', agreementId)
      .where('lock_seq', '=', lockSeq)
      .where('used_at', 'is', null)
      .execute();
  }
}
