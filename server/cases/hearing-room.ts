import { createHash } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Database, HearingChatTable } from '../store/schema.js';
import type { HearingStatus } from '../../signaling/protocol/domain.js';
import type { AuditAction } from '../../signaling/protocol/audit.js';
import { InvalidStateError, NotFoundError } from '../lib/errors.js';
import type { AuditLog } from './audit.js';

/**
 * What the live hearing room (server/hearings) writes to the case file: the hearing's status as it goes live and
 * ends, and the chat. It lives here, beside the other case-file writers, because server/hearings may not reach the
 * store; each write commits together with its audit entry.
 */
export interface ChatRecord {
  id: string; caseId: string; hearingId: string; roomId: string; inCaucus: boolean; fromId: string; fromName: string;
  to: 'all' | 'mediator'; text: string; at: string;
}

/** A caucus as held: the mediator (participant id, and staff id for staff) and every member, the mediator included. */
export interface CaucusRecord {
  caucusId: string; caseId: string; hearingId: string; heldBy: string; heldByStaff: string | null; memberIds: string[]; at: string;
}

/** Live statuses only: scheduling and cancelling stay with HearingService and the HTTP API. */
const NEXT: Record<string, readonly HearingStatus[]> = {
  scheduled: ['in_progress', 'closed'],
  in_progress: ['closed'],
};

export class HearingRoomStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditLog,
  ) {}

  /** Moves the hearing to `to` with its audit entry in one transaction; a hearing already closed or cancelled stays so. */
  async setStatus(caseId: string, hearingId: string, to: 'in_progress' | 'closed', event: { actor: string; action: AuditAction; data?: Record<string, unknown> }): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('hearings').select('status').where('id', '=', hearingId).where('case_id', '=', caseId).executeTakeFirst();
      if (!row) throw new NotFoundError('hearing');
      if (!(NEXT[row.status] ?? []).includes(to)) throw new InvalidStateError(`a ${row.status} hearing cannot become ${to}`);
      // The status guard in the WHERE clause keeps two instances from both applying the same move.
      const r = await trx.updateTable('hearings').set({ status: to }).where('id', '=', hearingId).where('status', '=', row.status).executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) throw new InvalidStateError('the hearing changed meanwhile');
      await this.audit.append(trx, caseId, { actor: event.actor, action: event.action, data: { hearingId, status: to, ...event.data } });
    });
  }

  /** Stores a message; the audit chain gets its hash (not the text), so the file proves the message unchanged. */
  async saveChat(m: ChatRecord): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('hearing_chat')
        .values({
          id: m.id, case_id: m.caseId, hearing_id: m.hearingId, room_id: m.roomId, in_caucus: m.inCaucus ? 1 : 0,
          from_participant_id: m.fromId, from_name: m.fromName, recipient: m.to, text: m.text, at: m.at,
        })
        .execute();
      await this.audit.append(trx, m.caseId, {
        actor: `participant:${m.fromId}`,
        action: 'hearing.chat',
        data: { hearingId: m.hearingId, messageId: m.id, to: m.to, roomId: m.roomId, inCaucus: m.inCaucus, sha256: chatHash(m) },
      });
    });
  }

  /**
   * A caucus as held (issue 12): who held it and who was in it, kept in `caucuses` with its audit entry, so the access
   * rules for its material (held by this mediator, this party's own caucus) hold after the live hearing is gone.
   */
  async caucusStarted(c: CaucusRecord, actor: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('caucuses').values({
        id: c.caucusId, case_id: c.caseId, hearing_id: c.hearingId, held_by_participant: c.heldBy, held_by_staff: c.heldByStaff,
        members: JSON.stringify(c.memberIds), started_at: c.at, ended_at: null,
      }).execute();
      await this.audit.append(trx, c.caseId, { actor, action: 'hearing.caucus_started', data: { hearingId: c.hearingId, caucusId: c.caucusId, memberIds: c.memberIds } });
    });
  }

  async caucusEnded(e: { caseId: string; hearingId: string; caucusId: string; memberIds: string[]; at: string; reason?: string }, actor: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('caucuses').set({ ended_at: e.at }).where('id', '=', e.caucusId).where('ended_at', 'is', null).execute();
      await this.audit.append(trx, e.caseId, {
        actor, action: 'hearing.caucus_ended', data: { hearingId: e.hearingId, caucusId: e.caucusId, memberIds: e.memberIds, ...(e.reason ? { reason: e.reason } : {}) },
      });
    });
  }

  /** A held caucus of this case (null for another case's caucus or an unknown id). */
  async caucus(caseId: string, caucusId: string): Promise<CaucusRecord | null> {
    const r = await this.db.selectFrom('caucuses').selectAll().where('id', '=', caucusId).where('case_id', '=', caseId).executeTakeFirst();
    return r ? { caucusId: r.id, caseId: r.case_id, hearingId: r.hearing_id, heldBy: r.held_by_participant, heldByStaff: r.held_by_staff, memberIds: JSON.parse(r.members) as string[], at: r.started_at } : null;
  }

  /** One chat message of this case (null for another case's message or an unknown id). */
  async chatMessage(caseId: string, messageId: string): Promise<ChatRecord | null> {
    const r = await this.db.selectFrom('hearing_chat').selectAll().where('id', '=', messageId).where('case_id', '=', caseId).executeTakeFirst();
    return r ? toChat(r) : null;
  }

  async chat(hearingId: string): Promise<ChatRecord[]> {
    const rows = await this.db.selectFrom('hearing_chat').selectAll().where('hearing_id', '=', hearingId).orderBy('at').orderBy('id').execute();
    return rows.map(toChat);
  }
}

const toChat = (r: Selectable<HearingChatTable>): ChatRecord => ({
  id: r.id, caseId: r.case_id, hearingId: r.hearing_id, roomId: r.room_id, inCaucus: Number(r.in_caucus) === 1,
  fromId: r.from_participant_id, fromName: r.from_name, to: r.recipient as ChatRecord['to'], text: r.text, at: r.at,
});

/** Over the fields that make the message what it is: who, to whom, where, when and what. */
export function chatHash(m: ChatRecord): string {
  return createHash('sha256').update(JSON.stringify([m.id, m.hearingId, m.roomId, m.fromId, m.to, m.at, m.text])).digest('hex');
}
