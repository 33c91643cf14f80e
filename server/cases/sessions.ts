import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import type { StaffRole } from '../../signaling/protocol/domain.js';
import type { AuditLog } from './audit.js';

/**
 * The store's record of staff sessions (table `staff_sessions`; the cases layer owns the staff tables). A session is
 * live while its row exists, is not revoked, has not expired and its account is active; auth's `StaffSessions`
 * asks `lookup` on every staff request (one primary-key read joined with the account row).
 */

export type RevokeReason = 'logout' | 'logout_all' | 'deactivated';

export interface SessionAccount { staffId: string; role: StaffRole; orgId: string; displayName: string }

export type SessionLookup =
  | { state: 'live'; account: SessionAccount }
  | { state: 'revoked' | 'inactive' | 'expired' | 'unknown' };

/** Revokes every live session of an account inside the caller's transaction; the number revoked. */
export async function revokeAllSessions(trx: Transaction<Database>, staffId: string, at: string, reason: RevokeReason): Promise<number> {
  const r = await trx
    .updateTable('staff_sessions')
    .set({ revoked_at: at, revoked_reason: reason })
    .where('staff_id', '=', staffId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', at)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export class StaffSessionStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditLog,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Records a new session; sessions of the account that expired more than a day ago are dropped meanwhile. */
  async open(s: { sid: string; staffId: string; expiresAt: Date }): Promise<void> {
    const now = this.now();
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('staff_sessions')
        .values({ sid: s.sid, staff_id: s.staffId, created_at: now.toISOString(), expires_at: s.expiresAt.toISOString(), revoked_at: null, revoked_reason: null })
        .execute();
      await trx.deleteFrom('staff_sessions').where('staff_id', '=', s.staffId).where('expires_at', '<', new Date(now.getTime() - 86_400_000).toISOString()).execute();
    });
  }

  /** What a session id of this account stands for now. */
  async lookup(sid: string, staffId: string): Promise<SessionLookup> {
    const r = await this.db
      .selectFrom('staff_sessions')
      .innerJoin('staff', 'staff.id', 'staff_sessions.staff_id')
      .select(['staff_sessions.revoked_at', 'staff_sessions.expires_at', 'staff.id', 'staff.role', 'staff.org_id', 'staff.display_name', 'staff.active'])
      .where('staff_sessions.sid', '=', sid)
      .where('staff_sessions.staff_id', '=', staffId)
      .executeTakeFirst();
    if (!r) return { state: 'unknown' };
    if (r.revoked_at !== null) return { state: 'revoked' };
    if (Number(r.active) !== 1) return { state: 'inactive' };
    if (Date.parse(r.expires_at) <= this.now().getTime()) return { state: 'expired' };
    return { state: 'live', account: { staffId: r.id, role: r.role as StaffRole, orgId: r.org_id, displayName: r.display_name } };
  }

  /** Sign out: this session ends, audited in the organisation's chain. */
  async end(s: { sid: string; staffId: string; orgId: string; ip: string }): Promise<void> {
    const at = this.now().toISOString();
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('staff_sessions').set({ revoked_at: at, revoked_reason: 'logout' }).where('sid', '=', s.sid).where('revoked_at', 'is', null).execute();
      await this.audit.append(trx, `org:${s.orgId}`, { actor: `staff:${s.staffId}`, action: 'logout', data: { ip: s.ip } });
    });
  }

  /** Sign out everywhere: every live session of the account ends; returns how many. */
  async endAll(s: { staffId: string; orgId: string; ip: string }): Promise<number> {
    const at = this.now().toISOString();
    return this.db.transaction().execute(async (trx) => {
      const revoked = await revokeAllSessions(trx, s.staffId, at, 'logout_all');
      await this.audit.append(trx, `org:${s.orgId}`, { actor: `staff:${s.staffId}`, action: 'logout.all', data: { ip: s.ip, revoked } });
      return revoked;
    });
  }
}
