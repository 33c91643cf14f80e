import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Database, CasesTable, PartiesTable } from '../store/schema.js';
import type { CaseListQuery, CaseListResult, CaseSummaryView, CreateCaseBody, PartyView } from '../../signaling/protocol/api.js';
import type { CaseStatus, Currency, DisputeType, IdType, PartyKind, PartySide, Site, StaffRole } from '../../signaling/protocol/domain.js';
import { newId, type CaseId } from '../lib/ids.js';
import { ConflictError, NotFoundError } from '../lib/errors.js';
import type { AuditLog } from './audit.js';
import { checkTransition } from './lifecycle.js';
import { last4, normaliseName, type IdentityHasher } from './identity.js';
import { deriveCaseLanguages, storedCaseLanguages } from './languages.js';
import type { CaseLanguage } from '../../signaling/protocol/languages.js';

/** The staff member acting, as the domain needs it (auth turns a session token into this). */
export interface StaffActor { id: string; role: StaffRole; orgId: string }
export const actorName = (a: StaffActor): string => `staff:${a.id}`;

export interface CaseRecord {
  id: CaseId; number: string; orgId: string; site: Site; status: CaseStatus; disputeTypes: DisputeType[];
  claim: { amount: string; currency: Currency }; summary: string; createdAt: string; updatedAt: string;
}
/** What a permission check needs to know about a case. */
export interface CaseAccessInfo { caseId: string; orgId: string; assignedStaff: ReadonlySet<string> }

const SITE_CODES: Record<Site, string> = { guangzhou: 'GZ', shenzhen: 'SZ', zhuhai: 'ZH', hong_kong: 'HK', macau: 'MO' };

export class CaseService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditLog,
    private readonly identity: IdentityHasher,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async create(actor: StaffActor, body: CreateCaseBody, orgSite: Site): Promise<CaseRecord> {
    const at = this.now().toISOString();
    const site = body.site ?? orgSite;
    const id = newId<'case'>('case');
    return this.db.transaction().execute(async (trx) => {
      const number = await this.nextNumber(trx, site, this.now().getUTCFullYear());
      await trx
        .insertInto('cases')
        .values({
          id, number, org_id: actor.orgId, site, status: 'registered', dispute_types: JSON.stringify(body.disputeTypes),
          claim_amount: body.claim.amount, claim_currency: body.claim.currency, summary: body.summary,
          created_by: actor.id, created_at: at, updated_at: at, languages: body.languages ? JSON.stringify(body.languages) : null,
        })
        .execute();
      const parties = body.parties.map((p) => ({
        id: newId<'party'>('pty'), case_id: id, side: p.side, kind: p.kind, name: p.name, name_norm: normaliseName(p.name),
        id_type: p.idType, id_number_hash: this.identity.hashIdNumber(p.idNumber), id_number_last4: last4(p.idNumber),
        phone: p.phone ?? null, representative: p.representative ?? null, created_at: at,
      }));
      await trx.insertInto('parties').values(parties).execute();
      await trx.insertInto('case_staff').values({ case_id: id, staff_id: actor.id, role: actor.role }).execute();
      await this.audit.append(trx, id, {
        actor: actorName(actor),
        action: 'case.registered',
        data: {
          number, site, disputeTypes: body.disputeTypes, claim: body.claim, ...(body.languages ? { languages: body.languages } : {}),
          parties: parties.map((p) => ({ id: p.id, side: p.side, name: p.name, idNumberLast4: p.id_number_last4 })),
        },
      });
      return {
        id, number, orgId: actor.orgId, site, status: 'registered' as const, disputeTypes: body.disputeTypes,
        claim: body.claim, summary: body.summary, createdAt: at, updatedAt: at,
      };
    });
  }

  /** Case numbers per site and year, e.g. GZ-2026-000042; the counter row is bumped inside the case's transaction. */
  private async nextNumber(trx: Transaction<Database>, site: Site, year: number): Promise<string> {
    const prefix = `${SITE_CODES[site]}-${year}`;
    const row = await trx
      .insertInto('case_counters')
      .values({ prefix, value: 1 })
      .onConflict((oc) => oc.column('prefix').doUpdateSet({ value: sql<number>`case_counters.value + 1` }))
      .returning('value')
      .executeTakeFirstOrThrow();
    return `${prefix}-${String(row.value).padStart(6, '0')}`;
  }

  async get(caseId: string, db: Kysely<Database> | Transaction<Database> = this.db): Promise<CaseRecord> {
    const r = await db.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirst();
    if (!r) throw new NotFoundError('case');
    return caseRecord(r);
  }

  /**
   * The languages of the case's generated documents, first language first: the ones chosen at registration, or those
   * its site and parties call for (server/cases/languages.ts).
   */
  async languages(caseId: string): Promise<CaseLanguage[]> {
    const c = await this.db.selectFrom('cases').select(['site', 'languages']).where('id', '=', caseId).executeTakeFirst();
    if (!c) throw new NotFoundError('case');
    const chosen = storedCaseLanguages(c.languages);
    if (chosen) return chosen;
    const parties = await this.db.selectFrom('parties').select('id_type').where('case_id', '=', caseId).execute();
    return deriveCaseLanguages(c.site as Site, parties.map((p) => p.id_type as IdType));
  }

  async access(caseId: string): Promise<CaseAccessInfo> {
    const c = await this.db.selectFrom('cases').select(['id', 'org_id']).where('id', '=', caseId).executeTakeFirst();
    if (!c) throw new NotFoundError('case');
    const staff = await this.db.selectFrom('case_staff').select('staff_id').where('case_id', '=', caseId).execute();
    return { caseId: c.id, orgId: c.org_id, assignedStaff: new Set(staff.map((s) => s.staff_id)) };
  }

  async parties(caseId: string): Promise<PartyView[]> {
    const rows = await this.db.selectFrom('parties').selectAll().where('case_id', '=', caseId).orderBy('side').orderBy('created_at').execute();
    return rows.map(partyView);
  }

  async partyRow(partyId: string): Promise<Selectable<PartiesTable> | undefined> {
    return this.db.selectFrom('parties').selectAll().where('id', '=', partyId).executeTakeFirst();
  }

  /**
   * Cases this staff member can see: the whole organisation for mediators, clerks and admins; only assigned cases
   * for arbitrators and court staff (who work across organisations).
   */
  async list(actor: StaffActor, query: CaseListQuery): Promise<CaseListResult> {
    let q = this.db.selectFrom('cases');
    if (actor.role === 'arbitrator' || actor.role === 'court') {
      q = q.where('id', 'in', this.db.selectFrom('case_staff').select('case_id').where('staff_id', '=', actor.id));
    } else {
      q = q.where('org_id', '=', actor.orgId);
    }
    if (query.status) q = q.where('status', '=', query.status);
    if (query.q) {
      const like = `%${query.q.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
      q = q.where((eb) =>
        eb.or([
          eb(sql`lower(number)`, 'like', sql`${like} escape '\\'`),
          eb('id', 'in', eb.selectFrom('parties').select('case_id').where(sql`lower(name)`, 'like', sql`${like} escape '\\'`)),
        ]),
      );
    }
    const [{ total }] = (await q.select((eb) => eb.fn.countAll<number>().as('total')).execute()) as [{ total: number }];
    const rows = await q.selectAll().orderBy('updated_at', 'desc').orderBy('id').limit(query.limit).offset(query.offset).execute();
    return { items: await this.summaries(rows.map(caseRecord)), total: Number(total) };
  }

  async summaries(records: CaseRecord[]): Promise<CaseSummaryView[]> {
    if (records.length === 0) return [];
    const parties = await this.db
      .selectFrom('parties')
      .select(['case_id', 'side', 'name'])
      .where('case_id', 'in', records.map((r) => r.id))
      .orderBy('created_at')
      .execute();
    return records.map((r) => {
      const mine = parties.filter((p) => p.case_id === r.id);
      return {
        id: r.id, number: r.number, status: r.status, site: r.site, orgId: r.orgId, disputeTypes: r.disputeTypes, claim: r.claim,
        applicants: mine.filter((p) => p.side === 'applicant').map((p) => p.name),
        respondents: mine.filter((p) => p.side === 'respondent').map((p) => p.name),
        createdAt: r.createdAt, updatedAt: r.updatedAt,
      };
    });
  }

  async transition(actor: StaffActor, caseId: string, to: CaseStatus, reason?: string): Promise<CaseRecord> {
    return this.db.transaction().execute(async (trx) => {
      const current = await this.get(caseId, trx);
      checkTransition(current.status, to, actor.role, reason);
      await this.setStatus(trx, current, to, actorName(actor), reason);
      return { ...current, status: to, updatedAt: this.now().toISOString() };
    });
  }

  /**
   * Compare-and-set on the status so two concurrent transitions cannot both apply; the audit entry is written in
   * the same transaction.
   */
  async setStatus(trx: Transaction<Database>, current: CaseRecord, to: CaseStatus, actor: string, reason?: string): Promise<void> {
    const at = this.now().toISOString();
    const res = await trx
      .updateTable('cases')
      // Archiving closes the case: the retention schedule counts from here (server/privacy).
      .set({ status: to, updated_at: at, ...(to === 'archived' ? { closed_at: at } : {}) })
      .where('id', '=', current.id)
      .where('status', '=', current.status)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw new ConflictError('the case changed meanwhile: reload and try again');
    await this.audit.append(trx, current.id, {
      actor, action: 'case.status_changed', data: { from: current.status, to, ...(reason ? { reason } : {}) },
    });
  }

  async assignStaff(trx: Transaction<Database>, caseId: string, staffId: string, role: StaffRole | string): Promise<void> {
    await trx
      .insertInto('case_staff')
      .values({ case_id: caseId, staff_id: staffId, role })
      .onConflict((oc) => oc.columns(['case_id', 'staff_id', 'role']).doNothing())
      .execute();
  }
}

export function caseRecord(r: Selectable<CasesTable>): CaseRecord {
  return {
    id: r.id as CaseId, number: r.number, orgId: r.org_id, site: r.site as Site, status: r.status as CaseStatus,
    disputeTypes: JSON.parse(r.dispute_types) as DisputeType[], claim: { amount: r.claim_amount, currency: r.claim_currency as Currency },
    summary: r.summary, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

export function partyView(r: Selectable<PartiesTable>): PartyView {
  return {
    id: r.id, side: r.side as PartySide, kind: r.kind as PartyKind, name: r.name, idType: r.id_type as IdType,
    idNumberMasked: `****${r.id_number_last4}`, phoneMasked: r.phone ? `****${r.phone.replace(/\D/g, '').slice(-4)}` : null,
    representative: r.representative,
  };
}
