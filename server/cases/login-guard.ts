import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import type { Dialect } from '../store/migrations.js';
import type { LoginThrottleTable } from '../store/m008-lockouts.js';
import type { StaffNoticeView } from '../../signaling/protocol/api.js';
import { RetryLaterError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import type { AuditLog } from './audit.js';

/**
 * The per-account sign-in limit, kept in the store (so it holds across restarts and instances). Failures are counted
 * per account key (the normalised username as typed, whether or not such an account exists: an unknown username is
 * limited exactly like a known one). From the `maxFailures`-th wrong password of a streak on, each further one locks
 * the account for 1, 2, 4, ... minutes, capped at `lockMaxMinutes`; while locked every attempt is refused without a
 * password check. A streak ends with a successful sign-in, or when it has been quiet (no failure, no lock) for
 * `windowMinutes`. The first lock of a streak leaves a notice for the account holder, kept up to date while the streak
 * lasts and handed over at the next successful sign-in; a later e-mail channel can send the same row.
 */
export interface LoginLimits { maxFailures: number; lockMaxMinutes: number; windowMinutes: number }
/** The staff account behind a username, when there is one. */
export interface LoginAccount { id: string; orgId: string }

const MAX_ADDRESSES = 200;
const PRUNE_AFTER_MS = 24 * 3_600_000;
export const LOCKOUT_NOTICE = 'login.lockout';

export const accountKey = (username: string): string => username.normalize('NFKC').trim().toLowerCase();

type Streak = LoginThrottleTable;
type Trx = Transaction<Database>;

export class LoginGuard {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditLog,
    private readonly dialect: Dialect,
    private readonly limits: LoginLimits,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The end of the account's lock, or null when it is not locked. */
  async lockedUntil(username: string): Promise<string | null> {
    const row = await this.db.selectFrom('login_throttle').select('locked_until').where('account', '=', accountKey(username)).executeTakeFirst();
    const until = row?.locked_until ?? null;
    return until && Date.parse(until) > this.now().getTime() ? until : null;
  }

  /**
   * Throws ACCOUNT_LOCKED (429, with the wait) for an attempt on a locked account; the one refusal of sign-in and of a
   * staff link's password check alike.
   */
  async assertUnlocked(username: string, ip: string, account?: LoginAccount): Promise<void> {
    const locked = await this.refuseIfLocked(username, ip, account);
    if (locked) {
      throw new RetryLaterError('ACCOUNT_LOCKED', 'this account is locked after too many failed sign-in attempts; try again later', locked.retryAfterSeconds, {
        lockedUntil: locked.until,
      });
    }
  }

  /** Refuses an attempt on a locked account (counted for the holder's notice, audited); null when not locked. */
  async refuseIfLocked(username: string, ip: string, account?: LoginAccount): Promise<{ until: string; retryAfterSeconds: number } | null> {
    if (!(await this.lockedUntil(username))) return null;
    return this.db.transaction().execute(async (trx) => {
      const at = this.now();
      const row = await this.streak(trx, accountKey(username), at);
      if (!row.locked_until || Date.parse(row.locked_until) <= at.getTime()) return null;
      const next: Streak = { ...row, refused: row.refused + 1, addresses: withAddress(row.addresses, ip), last_at: at.toISOString() };
      await this.save(trx, next);
      await this.audit.append(trx, chainOf(account), {
        actor: actorOf(account), action: 'login.refused_locked', data: { username, ip, lockedUntil: row.locked_until },
      });
      return { until: row.locked_until, retryAfterSeconds: Math.ceil((Date.parse(row.locked_until) - at.getTime()) / 1000) };
    });
  }

  /** A wrong password or an unknown username: audited, counted, and from `maxFailures` on the account is locked. */
  async failed(username: string, ip: string, account?: LoginAccount): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const at = this.now();
      await trx.deleteFrom('login_throttle').where('last_at', '<', new Date(at.getTime() - PRUNE_AFTER_MS).toISOString()).execute();
      const row = await this.streak(trx, accountKey(username), at);
      const failures = row.failures + 1;
      const next: Streak = { ...row, staff_id: account?.id ?? null, failures, addresses: withAddress(row.addresses, ip), last_at: at.toISOString() };
      await this.audit.append(trx, chainOf(account), { actor: actorOf(account), action: 'login.failed', data: { username, ip } });
      if (failures >= this.limits.maxFailures) {
        const lockMinutes = Math.min(2 ** (failures - this.limits.maxFailures), this.limits.lockMaxMinutes);
        next.locked_until = new Date(at.getTime() + lockMinutes * 60_000).toISOString();
        await this.audit.append(trx, chainOf(account), {
          actor: actorOf(account), action: 'account.locked',
          data: { username, ip, failures, addresses: parseAddresses(next.addresses).length, lockMinutes, lockedUntil: next.locked_until },
        });
        if (account && !next.notice_id) {
          next.notice_id = newId('ntc');
          await trx.insertInto('staff_notices').values({
            id: next.notice_id, staff_id: account.id, kind: LOCKOUT_NOTICE, data: '{}', created_at: at.toISOString(), updated_at: at.toISOString(), seen_at: null,
          }).execute();
        }
      }
      await this.save(trx, next);
    });
  }

  /** A successful sign-in ends the streak and hands over the notices the holder has not seen yet. */
  async succeeded(username: string, account: LoginAccount, ip: string): Promise<StaffNoticeView[]> {
    return this.db.transaction().execute(async (trx) => {
      const at = this.now().toISOString();
      await trx.deleteFrom('login_throttle').where('account', '=', accountKey(username)).execute();
      const rows = await trx.selectFrom('staff_notices').selectAll().where('staff_id', '=', account.id).where('seen_at', 'is', null).orderBy('created_at').execute();
      if (rows.length > 0) await trx.updateTable('staff_notices').set({ seen_at: at }).where('id', 'in', rows.map((r) => r.id)).execute();
      await this.audit.append(trx, chainOf(account), { actor: actorOf(account), action: 'login.succeeded', data: { ip, noticesShown: rows.length } });
      return rows.map((r) => ({ id: r.id, kind: LOCKOUT_NOTICE, createdAt: r.created_at, ...(JSON.parse(r.data) as NoticeData) }));
    });
  }

  /** The account's streak row, locked for this transaction; a streak quiet for the window starts over. */
  private async streak(trx: Trx, account: string, at: Date): Promise<Streak> {
    const iso = at.toISOString();
    const fresh: Streak = { account, staff_id: null, failures: 0, refused: 0, addresses: '[]', first_at: iso, last_at: iso, locked_until: null, notice_id: null };
    await trx.insertInto('login_throttle').values(fresh).onConflict((oc) => oc.column('account').doNothing()).execute();
    let q = trx.selectFrom('login_throttle').selectAll().where('account', '=', account);
    if (this.dialect === 'postgres') q = q.forUpdate();
    const row = await q.executeTakeFirstOrThrow();
    const quietSince = Math.max(Date.parse(row.last_at), row.locked_until ? Date.parse(row.locked_until) : 0);
    return at.getTime() - quietSince > this.limits.windowMinutes * 60_000 ? fresh : { ...row, failures: Number(row.failures), refused: Number(row.refused) };
  }

  private async save(trx: Trx, s: Streak): Promise<void> {
    const { account, ...rest } = s;
    await trx.updateTable('login_throttle').set(rest).where('account', '=', account).execute();
    if (!s.notice_id || !s.locked_until) return;
    const data: NoticeData = {
      firstAt: s.first_at, lastAt: s.last_at, attempts: s.failures + s.refused, addresses: parseAddresses(s.addresses).length, lockedUntil: s.locked_until,
    };
    await trx.updateTable('staff_notices').set({ data: JSON.stringify(data), updated_at: s.last_at }).where('id', '=', s.notice_id).execute();
  }
}

type NoticeData = Omit<StaffNoticeView, 'id' | 'kind' | 'createdAt'>;

const chainOf = (a?: LoginAccount): string => (a ? `org:${a.orgId}` : 'system');
const actorOf = (a?: LoginAccount): string => (a ? `staff:${a.id}` : 'anonymous');

function parseAddresses(json: string): string[] {
  const v: unknown = JSON.parse(json);
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function withAddress(json: string, ip: string): string {
  const list = parseAddresses(json);
  if (!list.includes(ip) && list.length < MAX_ADDRESSES) list.push(ip);
  return JSON.stringify(list);
}
