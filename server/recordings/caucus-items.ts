import type { HearingRoomStore } from '../cases/hearing-room.js';
import type { HearingService } from '../cases/hearings.js';
import { ConflictError, NotFoundError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import type { CaucusItemFacts, CaucusItemKind, ReleaseSide } from '../../signaling/protocol/recordings.js';
import type { RecordingService } from './service.js';

const PARTY_ROLES: ReadonlySet<string> = new Set(['applicant', 'respondent']);

/**
 * Confidential caucus items and their release (issue 12). An item is a caucus's recording (id = the caucus id: every
 * recorded track of it) or one caucus chat message (id = the message id). `facts` tells an access decision who held
 * the caucus, which parties were in it and whether both sides released the item; `release` records one side's release
 * with its audit entry. The access decision itself is the policy's (`caucus.release`, asked by the HTTP route).
 */
export class CaucusItems {
  constructor(
    private readonly svc: RecordingService,
    private readonly rooms: HearingRoomStore,
    private readonly hearings: HearingService,
  ) {}

  /** The facts about an item of this case; NOT_FOUND for anything that is not a caucus item of this case. */
  async facts(caseId: string, itemId: string): Promise<CaucusItemFacts> {
    const { itemKind, caucusId } = await this.resolve(caseId, itemId);
    const caucus = await this.rooms.caucus(caseId, caucusId);
    if (!caucus) throw new NotFoundError('caucus item');
    const people = await this.hearings.participants([caucus.hearingId]);
    const parties = people
      .filter((p) => caucus.memberIds.includes(p.id) && PARTY_ROLES.has(p.role))
      .map((p) => ({ participantId: p.id, partyId: p.party_id, role: p.role }));
    const rows = await this.svc.db.selectFrom('caucus_releases').selectAll().where('case_id', '=', caseId).where('item_id', '=', itemId).orderBy('at').execute();
    const releases = rows.map((r) => ({ side: r.side as ReleaseSide, by: r.released_by, at: r.at }));
    return {
      kind: 'caucus', itemKind, itemId, caseId, caucusId, heldBy: { participantId: caucus.heldBy, staffId: caucus.heldByStaff }, parties,
      released: isReleased(parties, rows), releases,
    };
  }

  /** The ids of this case's caucus items that both sides released (the policy's `released` condition). */
  async releasedItems(caseId: string): Promise<Set<string>> {
    const rows = await this.svc.db.selectFrom('caucus_releases').select('item_id').distinct().where('case_id', '=', caseId).execute();
    const out = new Set<string>();
    for (const r of rows) if ((await this.facts(caseId, r.item_id)).released) out.add(r.item_id);
    return out;
  }

  /** Release states of every caucus of a case that has recorded material (for the case page's recordings list). */
  async recordingStates(caseId: string): Promise<Map<string, CaucusItemFacts>> {
    const rooms = await this.svc.db.selectFrom('recording_tracks').select('room_id').distinct().where('case_id', '=', caseId).where('private', '=', 1).execute();
    const out = new Map<string, CaucusItemFacts>();
    for (const r of rooms) {
      const f = await this.facts(caseId, r.room_id).catch(() => null);
      if (f) out.set(r.room_id, f);
    }
    return out;
  }

  /**
   * One side releases the item (`side` as the access decision found it; `actor` as written in the audit chain, and the
   * party's id so that a party counts once whichever link or representative it used). Audited in one transaction.
   */
  async release(caseId: string, itemId: string, side: ReleaseSide, actor: string, partyKey: string, note?: string): Promise<CaucusItemFacts> {
    const before = await this.facts(caseId, itemId);
    const by = side === 'mediator' ? 'mediator' : partyKey;
    if (before.releases.some((r) => r.side === side && (side === 'mediator' || r.by === by))) {
      throw new ConflictError('you have already released this caucus item', { reason: 'already_released' });
    }
    await this.svc.db.transaction().execute(async (trx) => {
      await trx.insertInto('caucus_releases').values({
        id: newId('crl'), case_id: caseId, caucus_id: before.caucusId, item_kind: before.itemKind, item_id: itemId, side, released_by: by, at: this.svc.now().toISOString(),
      }).execute();
      const rows = await trx.selectFrom('caucus_releases').selectAll().where('case_id', '=', caseId).where('item_id', '=', itemId).execute();
      await this.svc.appendAudit(trx, caseId, {
        actor, action: 'caucus.item_released',
        data: { itemId, itemKind: before.itemKind, caucusId: before.caucusId, side, released: isReleased(before.parties, rows), ...(note ? { note } : {}) },
      });
    });
    return this.facts(caseId, itemId);
  }

  private async resolve(caseId: string, itemId: string): Promise<{ itemKind: CaucusItemKind; caucusId: string }> {
    const caucus = await this.rooms.caucus(caseId, itemId);
    if (caucus) {
      const recorded = await this.svc.db.selectFrom('recording_tracks').select('id').where('case_id', '=', caseId).where('room_id', '=', itemId).where('private', '=', 1).executeTakeFirst();
      if (recorded) return { itemKind: 'recording', caucusId: itemId };
      throw new NotFoundError('caucus item');
    }
    const msg = await this.rooms.chatMessage(caseId, itemId);
    if (msg?.inCaucus) return { itemKind: 'chat', caucusId: msg.roomId };
    throw new NotFoundError('caucus item');
  }
}

/** The mediator released it, and so did every party that was in the caucus (by party, or by participant without one). */
function isReleased(parties: CaucusItemFacts['parties'], rows: { side: string; released_by: string }[]): boolean {
  if (!rows.some((r) => r.side === 'mediator')) return false;
  const by = new Set(rows.filter((r) => r.side === 'party').map((r) => r.released_by));
  return parties.length > 0 && parties.every((p) => by.has(partyKeyOf(p.partyId, p.participantId)));
}

/** How a party side is counted: its registered party, or the participant for a party without one. */
export const partyKeyOf = (partyId: string | null, participantId: string): string => (partyId ? `party:${partyId}` : `participant:${participantId}`);
