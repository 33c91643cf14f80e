import type { Kysely } from 'kysely';
import type { Database, LinksTable } from '../store/schema.js';
import type { HearingRole } from '../../signaling/protocol/domain.js';
import { newId } from '../lib/ids.js';
import { IdentityCheckError, InvalidStateError, NotFoundError, RetryLaterError, UnauthenticatedError } from '../lib/errors.js';
import type { LinkLockoutView } from '../../signaling/protocol/api.js';
import type { AuditLog } from './audit.js';
import { actorName, type StaffActor } from './cases.js';
import type { HearingService, ParticipantRow } from './hearings.js';
import { normaliseName, type IdentityHasher } from './identity.js';
import { addressState, lockoutSummary, windowFailures, type IdentityLimits } from './link-lockouts.js';

export interface LinkRecord {
  id: string; caseId: string; hearingId: string; participantId: string; role: HearingRole; expiresAt: string;
  revokedAt: string | null; verifiedAt: string | null; createdAt: string;
}
export type LinkStatus = 'active' | 'expired' | 'revoked';

/**
 * What the person at the join page answered. Staff passwords are checked by the caller (auth owns passwords); a staff
 * member signed in to Concord answers with the account of their valid session (`staff-session`), which must be the
 * account the link was issued to. The kind is the audited method.
 */
export type IdentityAnswers =
  | { kind: 'party'; name: string; idNumber: string }
  | { kind: 'staff'; passwordOk: boolean; usernameOk: boolean }
  | { kind: 'staff-session'; staffId: string };

export class LinkService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditLog,
    private readonly hearings: HearingService,
    private readonly identity: IdentityHasher,
    private readonly limits: IdentityLimits,
    private readonly now: () => Date = () => new Date(),
  ) {}

  status(l: LinkRecord): LinkStatus {
    if (l.revokedAt) return 'revoked';
    return Date.parse(l.expiresAt) <= this.now().getTime() ? 'expired' : 'active';
  }

  async issue(actor: StaffActor, caseId: string, hearingId: string, participantId: string, ttlHours: number): Promise<LinkRecord> {
    const hearing = await this.hearings.get(caseId, hearingId);
    if (hearing.status === 'closed' || hearing.status === 'cancelled') throw new InvalidStateError(`the hearing is ${hearing.status}`);
    const p = await this.hearings.participant(caseId, hearingId, participantId);
    const at = this.now();
    const link: LinkRecord = {
      id: newId<'link'>('lnk'), caseId, hearingId, participantId, role: p.role as HearingRole,
      expiresAt: new Date(at.getTime() + ttlHours * 3_600_000).toISOString(), revokedAt: null, verifiedAt: null, createdAt: at.toISOString(),
    };
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('links')
        .values({
          id: link.id, case_id: caseId, hearing_id: hearingId, participant_id: participantId, role: link.role,
          expires_at: link.expiresAt, revoked_at: null, revoked_by: null, verified_at: null, created_by: actor.id, created_at: link.createdAt,
        })
        .execute();
      await this.audit.append(trx, caseId, {
        actor: actorName(actor), action: 'link.issued',
        data: { linkId: link.id, hearingId, participantId, role: link.role, name: p.display_name, expiresAt: link.expiresAt },
      });
    });
    return link;
  }

  private readonly revokedListeners = new Set<(link: LinkRecord) => void>();

  /**
   * Told after each revocation by this process commits (the live hearing and the pad close the holder's sessions at
   * once); revocations by another process are found by their periodic checks. Returns the unsubscribe function.
   */
  onRevoked(listener: (link: LinkRecord) => void): () => void {
    this.revokedListeners.add(listener);
    return () => this.revokedListeners.delete(listener);
  }

  async revoke(actor: StaffActor, caseId: string, linkId: string, reason?: string): Promise<LinkRecord> {
    const link = await this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('links').selectAll().where('id', '=', linkId).where('case_id', '=', caseId).executeTakeFirst();
      if (!row) throw new NotFoundError('link');
      if (row.revoked_at) throw new InvalidStateError('the link is already revoked');
      const at = this.now().toISOString();
      await trx.updateTable('links').set({ revoked_at: at, revoked_by: actor.id }).where('id', '=', linkId).where('revoked_at', 'is', null).execute();
      await this.audit.append(trx, caseId, {
        actor: actorName(actor), action: 'link.revoked', data: { linkId, role: row.role, ...(reason ? { reason } : {}) },
      });
      return { ...linkRecord(row), revokedAt: at };
    });
    for (const f of this.revokedListeners) {
      try {
        f(link);
      } catch {
        // a listener's failure is its own; the revocation stands
      }
    }
    return link;
  }

  async get(linkId: string): Promise<LinkRecord> {
    const row = await this.db.selectFrom('links').selectAll().where('id', '=', linkId).executeTakeFirst();
    if (!row) throw new NotFoundError('link');
    return linkRecord(row);
  }

  async forHearings(hearingIds: string[]): Promise<LinkRecord[]> {
    if (hearingIds.length === 0) return [];
    const rows = await this.db.selectFrom('links').selectAll().where('hearing_id', 'in', hearingIds).orderBy('created_at').execute();
    return rows.map(linkRecord);
  }

  /**
   * A link that was revoked or has expired admits nobody, whatever its token says. `claimed` is what the token says
   * the link is for: a token naming this link but another case, hearing, participant or role was not issued for it.
   */
  async requireActive(linkId: string, claimed?: { caseId: string; hearingId: string; participantId: string; role: string }): Promise<LinkRecord> {
    const link = await this.get(linkId).catch(() => {
      throw new UnauthenticatedError('this link is not valid');
    });
    if (
      claimed &&
      (claimed.caseId !== link.caseId || claimed.hearingId !== link.hearingId || claimed.participantId !== link.participantId || claimed.role !== link.role)
    ) {
      throw new UnauthenticatedError('this link is not valid');
    }
    const s = this.status(link);
    if (s === 'revoked') throw new UnauthenticatedError('this link has been revoked', 'TOKEN_REVOKED');
    if (s === 'expired') throw new UnauthenticatedError('this link has expired', 'TOKEN_EXPIRED');
    return link;
  }

  /**
   * The identity check at the join page. Failed attempts are counted per (link, address) and per link over a sliding
   * window in the store (so the limits hold across restarts and instances; see link-lockouts.ts); every attempt, every
   * lockout and every refusal is audited. A failure tells how many tries the address has left.
   */
  async checkIdentity(linkId: string, ip: string, answers: IdentityAnswers): Promise<{ link: LinkRecord; participant: ParticipantRow }> {
    const link = await this.requireActive(linkId);
    const participant = await this.hearings.participant(link.caseId, link.hearingId, link.participantId);
    // Compared before the transaction: on SQLite a query outside it would wait for the connection it holds.
    const ok = await this.matches(participant, answers);
    const at = this.now().toISOString();
    const outcome = await this.db.transaction().execute(async (trx) => {
      // Lock the link row first so concurrent attempts on one link count each other's failures: counting outside
      // the lock let a burst of parallel guesses all pass the limit on PostgreSQL.
      await trx.updateTable('links').set((eb) => ({ verified_at: eb.ref('verified_at') })).where('id', '=', linkId).execute();
      const failures = (await windowFailures(trx, [linkId], this.since())).get(linkId) ?? [];
      const before = addressState(failures, ip, this.limits);
      if (before.locked) {
        await this.audit.append(trx, link.caseId, { actor: `link:${linkId}`, action: 'identity.rate_limited', data: { ip, until: before.until } });
        return { limitedUntil: before.until!, attemptsLeft: 0 };
      }
      await trx.insertInto('identity_checks').values({ link_id: linkId, case_id: link.caseId, ok: ok ? 1 : 0, ip, at }).execute();
      if (ok) await trx.updateTable('links').set({ verified_at: at }).where('id', '=', linkId).execute();
      await this.audit.append(trx, link.caseId, {
        actor: `link:${linkId}`, action: ok ? 'identity.verified' : 'identity.failed',
        data: { role: link.role, participantId: participant.id, ip, method: answers.kind },
      });
      if (ok) return { limitedUntil: null, attemptsLeft: 0 };
      const all = [...failures, { ip, at }];
      const after = addressState(all, ip, this.limits);
      if (after.locked) {
        await this.audit.append(trx, link.caseId, {
          actor: `link:${linkId}`, action: 'identity.locked',
          data: { ip, failures: after.failures, linkFailures: all.length, scope: all.length >= this.limits.linkMaxAttempts ? 'link' : 'address', until: after.until },
        });
      }
      return { limitedUntil: null, attemptsLeft: after.attemptsLeft };
    });
    if (outcome.limitedUntil) {
      const seconds = Math.ceil((Date.parse(outcome.limitedUntil) - this.now().getTime()) / 1000);
      throw new RetryLaterError('RATE_LIMITED', 'too many failed identity checks from this address; try again later', seconds, { until: outcome.limitedUntil });
    }
    if (!ok) throw new IdentityCheckError('the identity data does not match what is registered for this link', { attemptsLeft: outcome.attemptsLeft });
    return { link: { ...link, verifiedAt: at }, participant };
  }

  /** Failed identity checks in the window, per link (links without any are absent). */
  async lockouts(linkIds: string[]): Promise<Map<string, LinkLockoutView>> {
    const out = new Map<string, LinkLockoutView>();
    for (const [id, failures] of await windowFailures(this.db, linkIds, this.since())) {
      const summary = lockoutSummary(failures, this.limits);
      if (summary) out.set(id, summary);
    }
    return out;
  }

  /** The mediator clears a link's lockout: failures before now no longer count. Audited with what was cleared. */
  async clearLockout(actor: StaffActor, caseId: string, linkId: string, reason?: string): Promise<LinkRecord> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('links').selectAll().where('id', '=', linkId).where('case_id', '=', caseId).executeTakeFirst();
      if (!row) throw new NotFoundError('link');
      const summary = lockoutSummary((await windowFailures(trx, [linkId], this.since())).get(linkId) ?? [], this.limits);
      const at = this.now().toISOString();
      await trx
        .insertInto('link_lockout_clears')
        .values({ link_id: linkId, case_id: caseId, cleared_at: at, cleared_by: actor.id })
        .onConflict((oc) => oc.column('link_id').doUpdateSet({ cleared_at: at, cleared_by: actor.id }))
        .execute();
      await this.audit.append(trx, caseId, {
        actor: actorName(actor), action: 'link.lockout_cleared',
        data: {
          linkId, role: row.role, failures: summary?.failures ?? 0, addresses: summary?.addresses ?? 0,
          lockedAddresses: summary?.lockedAddresses ?? 0, ...(reason ? { reason } : {}),
        },
      });
      return linkRecord(row);
    });
  }

  private since(): string {
    return new Date(this.now().getTime() - this.limits.windowMinutes * 60_000).toISOString();
  }

  private async matches(p: ParticipantRow, a: IdentityAnswers): Promise<boolean> {
    if (a.kind === 'staff') return p.staff_id !== null && a.usernameOk && a.passwordOk;
    if (a.kind === 'staff-session') return p.staff_id !== null && p.staff_id === a.staffId;
    if (p.party_id) {
      const party = await this.db.selectFrom('parties').select(['name_norm', 'id_number_hash']).where('id', '=', p.party_id).executeTakeFirst();
      return !!party && party.name_norm === normaliseName(a.name) && this.identity.matchesIdNumber(a.idNumber, party.id_number_hash);
    }
    if (p.guest_id_hash && p.guest_name_norm) {
      return p.guest_name_norm === normaliseName(a.name) && this.identity.matchesIdNumber(a.idNumber, p.guest_id_hash);
    }
    return false;
  }
}

function linkRecord(r: LinksTable): LinkRecord {
  return {
    id: r.id, caseId: r.case_id, hearingId: r.hearing_id, participantId: r.participant_id, role: r.role as HearingRole,
    expiresAt: r.expires_at, revokedAt: r.revoked_at, verifiedAt: r.verified_at, createdAt: r.created_at,
  };
}
