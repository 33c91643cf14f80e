import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database, HearingParticipantsTable, HearingsTable } from '../store/schema.js';
import type { HearingParticipantView, InterpretationInput, ParticipantLanguageBody, ScheduleHearingBody } from '../../signaling/protocol/api.js';
import type { HearingMode, HearingRole, HearingStatus, Interpretation, InterpretationMode, Site, SpokenLanguage } from '../../signaling/protocol/domain.js';
import { newId } from '../lib/ids.js';
import { InvalidStateError, NotFoundError, ValidationError } from '../lib/errors.js';
import type { AuditLog } from './audit.js';
import { actorName, type CaseService, type StaffActor } from './cases.js';
import type { Roster } from './roster.js';
import { normaliseName, type IdentityHasher } from './identity.js';

export interface HearingRecord {
  id: string; caseId: string; startsAt: string; durationMinutes: number; site: Site; mode: HearingMode; status: HearingStatus;
}
export type ParticipantRow = Selectable<HearingParticipantsTable>;

/** Which staff role may fill which hearing role. */
const STAFF_FOR_ROLE: Record<string, string> = { mediator: 'mediator', arbitrator: 'arbitrator', clerk: 'clerk', court: 'court' };
const SCHEDULABLE_CASE_STATUSES = new Set(['registered', 'scheduled', 'mediating', 'confirmation_rejected']);

export class HearingService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditLog,
    private readonly cases: CaseService,
    private readonly roster: Roster,
    private readonly identity: IdentityHasher,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Schedules a hearing with its expected participants; a registered case becomes scheduled in the same transaction. */
  async schedule(actor: StaffActor, caseId: string, body: ScheduleHearingBody): Promise<HearingRecord> {
    const parties = await this.db.selectFrom('parties').select(['id', 'name', 'side']).where('case_id', '=', caseId).execute();
    const at = this.now().toISOString();
    const hearingId = newId<'hearing'>('hrg');
    const rows: Insertable<HearingParticipantsTable>[] = [];
    for (const [i, p] of body.participants.entries()) {
      const base = {
        id: newId<'participant'>('ptc'), hearing_id: hearingId, case_id: caseId, role: p.role, created_at: at,
        ...languageColumns(p.language ?? null, 'interpretation' in p ? p.interpretation : undefined, parties, ['participants', i, 'interpretation']),
      };
      if ('partyId' in p) {
        const party = parties.find((x) => x.id === p.partyId);
        if (!party) throw new ValidationError('unknown party for this case', { path: ['participants', i, 'partyId'] });
        if (party.side !== p.role) throw new ValidationError(`party is the ${party.side}, not the ${p.role}`, { path: ['participants', i, 'role'] });
        rows.push({ ...base, display_name: party.name, party_id: party.id, staff_id: null, guest_name_norm: null, guest_id_hash: null });
      } else if ('staffId' in p) {
        const staff = await this.roster.getStaff(p.staffId).catch(() => undefined);
        if (!staff || !staff.active) throw new ValidationError('unknown staff member', { path: ['participants', i, 'staffId'] });
        if (STAFF_FOR_ROLE[p.role] !== staff.role) {
          throw new ValidationError(`${staff.displayName} is a ${staff.role} and cannot take the ${p.role} role`, { path: ['participants', i] });
        }
        if (staff.role !== 'arbitrator' && staff.role !== 'court' && staff.orgId !== actor.orgId) {
          throw new ValidationError('staff of another organisation', { path: ['participants', i, 'staffId'] });
        }
        rows.push({ ...base, display_name: staff.displayName, party_id: null, staff_id: staff.id, guest_name_norm: null, guest_id_hash: null });
      } else {
        rows.push({
          ...base, display_name: p.name, party_id: null, staff_id: null,
          guest_name_norm: normaliseName(p.name), guest_id_hash: this.identity.hashIdNumber(p.idNumber),
        });
      }
    }
    const keys = rows.map((r) => r.party_id ?? r.staff_id ?? `guest:${r.guest_name_norm}`);
    if (new Set(keys).size !== keys.length) throw new ValidationError('a participant is listed twice', { path: ['participants'] });

    return this.db.transaction().execute(async (trx) => {
      // Lock the case row before the audit head, the order a status transition takes them in: taking the head first
      // and the case row in setStatus below deadlocked against a concurrent transition on PostgreSQL.
      await trx.updateTable('cases').set((eb) => ({ status: eb.ref('status') })).where('id', '=', caseId).execute();
      const current = await this.cases.get(caseId, trx);
      if (!SCHEDULABLE_CASE_STATUSES.has(current.status)) {
        throw new InvalidStateError(`a hearing cannot be scheduled for a case that is ${current.status}`);
      }
      await trx
        .insertInto('hearings')
        .values({
          id: hearingId, case_id: caseId, starts_at: new Date(body.startsAt).toISOString(), duration_minutes: body.durationMinutes,
          site: body.site, mode: body.mode, status: 'scheduled', created_by: actor.id, created_at: at,
        })
        .execute();
      await trx.insertInto('hearing_participants').values(rows).execute();
      for (const r of rows) if (r.staff_id) await this.cases.assignStaff(trx, caseId, r.staff_id, r.role);
      await this.audit.append(trx, caseId, {
        actor: actorName(actor),
        action: 'hearing.scheduled',
        data: {
          hearingId, startsAt: body.startsAt, durationMinutes: body.durationMinutes, site: body.site, mode: body.mode,
          participants: rows.map((r) => ({ id: r.id, role: r.role, name: r.display_name })),
        },
      });
      if (current.status === 'registered' || current.status === 'confirmation_rejected') {
        await this.cases.setStatus(trx, current, current.status === 'registered' ? 'scheduled' : 'mediating', actorName(actor), 'hearing scheduled');
      }
      return {
        id: hearingId, caseId, startsAt: new Date(body.startsAt).toISOString(), durationMinutes: body.durationMinutes,
        site: body.site, mode: body.mode, status: 'scheduled' as const,
      };
    });
  }

  /**
   * Sets a scheduled participant's spoken language and, for an interpreter, their language pair, mode and served
   * party (null clears it). Audited on the case's chain. A live hearing reads it when it next opens.
   */
  async setLanguage(actor: StaffActor, caseId: string, hearingId: string, participantId: string, body: ParticipantLanguageBody): Promise<ParticipantRow> {
    const row = await this.participant(caseId, hearingId, participantId);
    const hearing = await this.get(caseId, hearingId);
    if (hearing.status === 'closed' || hearing.status === 'cancelled') throw new InvalidStateError(`the hearing is ${hearing.status}`);
    if (body.interpretation && row.role !== 'interpreter') throw new ValidationError('only an interpreter has a language pair', { path: ['interpretation'] });
    const parties = await this.db.selectFrom('parties').select(['id', 'name', 'side']).where('case_id', '=', caseId).execute();
    // Absent `interpretation` keeps the interpreter's assignment; null clears it.
    const keep = body.interpretation === undefined ? interpretationOf(row) : body.interpretation;
    const cols = languageColumns(body.language, keep ?? undefined, parties, ['interpretation']);
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('hearing_participants').set(cols).where('id', '=', row.id).execute();
      await this.audit.append(trx, caseId, {
        actor: actorName(actor), action: 'hearing.language_set',
        data: { hearingId, participantId: row.id, language: cols.language, interpretation: keep ? { from: keep.from, to: keep.to, mode: keep.mode, servesPartyId: keep.servesPartyId ?? null } : null },
      });
    });
    return this.participant(caseId, hearingId, participantId);
  }

  async get(caseId: string, hearingId: string): Promise<HearingRecord> {
    const r = await this.db.selectFrom('hearings').selectAll().where('id', '=', hearingId).where('case_id', '=', caseId).executeTakeFirst();
    if (!r) throw new NotFoundError('hearing');
    return hearingRecord(r);
  }

  async forCase(caseId: string): Promise<HearingRecord[]> {
    const rows = await this.db.selectFrom('hearings').selectAll().where('case_id', '=', caseId).orderBy('starts_at').execute();
    return rows.map(hearingRecord);
  }

  async participants(hearingIds: string[]): Promise<ParticipantRow[]> {
    if (hearingIds.length === 0) return [];
    return this.db.selectFrom('hearing_participants').selectAll().where('hearing_id', 'in', hearingIds).orderBy('created_at').execute();
  }

  async participant(caseId: string, hearingId: string, participantId: string): Promise<ParticipantRow> {
    const r = await this.db
      .selectFrom('hearing_participants')
      .selectAll()
      .where('id', '=', participantId)
      .where('hearing_id', '=', hearingId)
      .where('case_id', '=', caseId)
      .executeTakeFirst();
    if (!r) throw new NotFoundError('hearing participant');
    return r;
  }
}

export function participantView(r: ParticipantRow): HearingParticipantView {
  return {
    id: r.id, role: r.role as HearingRole, displayName: r.display_name, partyId: r.party_id, staffId: r.staff_id,
    language: (r.language as SpokenLanguage | null) ?? null, interpretation: interpretationOf(r),
  };
}

/** An interpreter's assignment as stored (migration 012), null for everyone else. */
export function interpretationOf(r: ParticipantRow): Interpretation | null {
  if (r.role !== 'interpreter' || !r.interpretation_from || !r.interpretation_to) return null;
  return {
    from: r.interpretation_from as SpokenLanguage, to: r.interpretation_to as SpokenLanguage,
    mode: (r.interpretation_mode as InterpretationMode | null) ?? 'simultaneous', servesPartyId: r.serves_party_id ?? null,
  };
}

/** The language columns of a participant row; the served party must be a party of the case. */
function languageColumns(
  language: SpokenLanguage | null, i: InterpretationInput | Interpretation | undefined, parties: { id: string }[], path: (string | number)[],
) {
  const serves = i?.servesPartyId ?? null;
  if (serves && !parties.some((x) => x.id === serves)) throw new ValidationError('the interpreter serves a party of this case', { path: [...path, 'servesPartyId'] });
  return {
    language, interpretation_from: i?.from ?? null, interpretation_to: i?.to ?? null, interpretation_mode: i ? i.mode : null, serves_party_id: serves,
  };
}

function hearingRecord(r: HearingsTable): HearingRecord {
  return {
    id: r.id, caseId: r.case_id, startsAt: r.starts_at, durationMinutes: Number(r.duration_minutes), site: r.site as Site,
    mode: r.mode as HearingMode, status: r.status as HearingStatus,
  };
}
