import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { CourtConfirmationsTable } from '../store/m005-signing.js';
import type { Logger } from '../lib/logger.js';
import { newId } from '../lib/ids.js';
import { AppError, ConflictError, InvalidStateError, NotFoundError, PermissionDeniedError } from '../lib/errors.js';
import type { AuditLog } from '../cases/audit.js';
import type { CaseService } from '../cases/cases.js';
import type { Roster } from '../cases/roster.js';
import { checkTransition } from '../cases/lifecycle.js';
import type { StaffRole } from '../../signaling/protocol/domain.js';
import type {
  ConfirmationSummaryView, CourtPackageView, CourtQueueItem,
} from '../../signaling/protocol/signing.js';
import type { SigningService } from '../signing/service.js';
import { signatureView } from '../signing/service.js';
import type { DocumentPort } from '../signing/ports.js';
import { hearingRecord, identityChecks, recordings } from '../signing/case-file.js';
import { courtAuditEntries } from './caucus-redaction.js';

export interface CourtDeps {
  db: Kysely<Database>; audit: AuditLog; cases: CaseService; roster: Roster; signing: SigningService;
  documents: DocumentPort | undefined; log: Logger; now?: () => Date;
}
/** Who asks for confirmation: a party through their link, or the mediator (or admin) on the parties' behalf. */
export type Requester = { actor: string; role: 'applicant' | 'respondent' | 'mediator' | 'org_admin' };
export interface CourtStaff { id: string; role: StaffRole; orgId: string }

/**
 * Judicial confirmation (司法确认, issue 5 item 5). A party or the mediator asks a court to confirm an effective
 * agreement; the court staff assigned to the case get the package (sealed agreement with its certificate of completion,
 * hearing record, recordings with hashes, identity-check results, audit log), then confirm (a ruling PDF sealed with the
 * court's certificate) or reject with reasons. Each step moves the case status (lifecycle.ts) and is audited.
 */
export class CourtService {
  private readonly now: () => Date;
  constructor(private readonly d: CourtDeps) {
    this.now = d.now ?? (() => new Date());
  }

  private async row(id: string): Promise<CourtConfirmationsTable> {
    const r = await this.d.db.selectFrom('court_confirmations').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r) throw new NotFoundError('confirmation request');
    return r;
  }

  async caseOf(id: string): Promise<string> {
    return (await this.row(id)).case_id;
  }

  async request(caseId: string, who: Requester, note: string | undefined): Promise<ConfirmationSummaryView> {
    const sealed = await this.d.signing.sealer.effectiveFor(caseId);
    const record = await this.d.cases.get(caseId);
    if (!sealed || record.status !== 'agreed') {
      throw new InvalidStateError('only an effective agreement (every signature and the seal) can be confirmed by a court', {
        reason: 'not_effective', status: record.status,
      });
    }
    const court = await this.d.db.selectFrom('case_staff').select('staff_id').where('case_id', '=', caseId).where('role', '=', 'court').executeTakeFirst();
    if (!court) throw new InvalidStateError('no court is assigned to this case: put the court on a hearing first', { reason: 'no_court' });
    const id = newId<'conf'>('cnf');
    const at = this.now().toISOString();
    await this.d.db.transaction().execute(async (trx) => {
      const open = await trx.selectFrom('court_confirmations').select('id').where('case_id', '=', caseId).where('status', '=', 'requested').executeTakeFirst();
      if (open) throw new ConflictError('a confirmation request is already with the court', { reason: 'already_requested' });
      const current = await this.d.cases.get(caseId, trx);
      await trx.insertInto('court_confirmations').values({
        id, case_id: caseId, agreement_id: sealed.agreement_id, lock_seq: Number(sealed.lock_seq), status: 'requested', requested_by: who.actor,
        requested_role: who.role, requested_at: at, note: note ?? null, decided_by: null, decided_at: null, reasons: null, ruling_id: null,
      }).execute();
      await this.d.cases.setStatus(trx, current, 'confirmation_requested', who.actor, 'judicial confirmation requested');
      await this.d.audit.append(trx, caseId, {
        actor: who.actor, action: 'court.confirmation_requested',
        data: { confirmationId: id, agreementId: sealed.agreement_id, lockSeq: Number(sealed.lock_seq), pdfSha256: sealed.pdf_sha256, role: who.role, ...(note ? { note } : {}) },
      });
    });
    return this.summary(await this.row(id));
  }

  async latestFor(caseId: string): Promise<ConfirmationSummaryView | null> {
    const r = await this.d.db.selectFrom('court_confirmations').selectAll().where('case_id', '=', caseId).orderBy('requested_at', 'desc').executeTakeFirst();
    return r ? this.summary(r) : null;
  }

  async summary(r: CourtConfirmationsTable): Promise<ConfirmationSummaryView> {
    const ruling = r.ruling_id ? (await this.d.signing.files.forCase(r.case_id)).find((x) => x.id === r.ruling_id) : undefined;
    return {
      id: r.id, status: r.status as ConfirmationSummaryView['status'], requestedAt: r.requested_at, requestedBy: r.requested_by,
      requestedRole: r.requested_role as ConfirmationSummaryView['requestedRole'], decidedAt: r.decided_at, decidedBy: r.decided_by,
      reasons: r.reasons, note: r.note, ruling: ruling ? this.d.signing.files.view(ruling) : null,
    };
  }

  /** Requests on the cases this court user is assigned to, open ones first. */
  async queue(staff: CourtStaff): Promise<CourtQueueItem[]> {
    if (staff.role !== 'court') throw new PermissionDeniedError('only court staff have a confirmation queue');
    const rows = await this.d.db
      .selectFrom('court_confirmations')
      .innerJoin('cases', 'cases.id', 'court_confirmations.case_id')
      .select(['court_confirmations.id as id', 'court_confirmations.case_id as caseId', 'court_confirmations.status as status',
        'court_confirmations.requested_at as requestedAt', 'court_confirmations.agreement_id as agreementId', 'cases.number as number', 'cases.status as caseStatus'])
      .where('court_confirmations.case_id', 'in', this.d.db.selectFrom('case_staff').select('case_id').where('staff_id', '=', staff.id).where('role', '=', 'court'))
      .orderBy('court_confirmations.requested_at', 'desc')
      .execute();
    const out: CourtQueueItem[] = [];
    for (const r of rows) {
      const parties = await this.d.cases.parties(r.caseId);
      const agreement = await this.d.signing.agreement(r.agreementId).catch(() => undefined);
      out.push({
        id: r.id, caseId: r.caseId, caseNumber: r.number, caseStatus: r.caseStatus as CourtQueueItem['caseStatus'], status: r.status as CourtQueueItem['status'],
        requestedAt: r.requestedAt, applicants: parties.filter((p) => p.side === 'applicant').map((p) => p.name),
        respondents: parties.filter((p) => p.side === 'respondent').map((p) => p.name), title: agreement?.title ?? '',
      });
    }
    return out.sort((a, b) => Number(b.status === 'requested') - Number(a.status === 'requested'));
  }

  private assertCourt(staff: CourtStaff): void {
    if (staff.role !== 'court') throw new PermissionDeniedError('only the court decides on judicial confirmation', { reason: 'not_court' });
  }

  /**
   * Everything the judge reviews: the agreement, the joint session's record and hashes. Never caucus content, nor a
   * hash of it (issue 12): caucus chat and caucus recording files are left out of the hearing record and the file list
   * (server/signing/case-file.ts), and caucus entries of the audit trail carry no data (caucus-redaction.ts).
   */
  async package(id: string, staff: CourtStaff | null): Promise<CourtPackageView> {
    const r = await this.row(id);
    const record = await this.d.cases.get(r.case_id);
    const org = await this.d.roster.getOrganisation(record.orgId);
    const sealed = await this.d.signing.sealer.sealed(r.agreement_id, Number(r.lock_seq));
    if (!sealed) throw new InvalidStateError('the agreement of this request is not effective', { reason: 'not_effective' });
    const [agreementRow, sigs, files, parties, hearing, recs, checks, entries, verification] = await Promise.all([
      this.d.signing.agreement(r.agreement_id),
      this.d.signing.activeSignatures(r.agreement_id, Number(r.lock_seq)),
      this.d.signing.files.forCase(r.case_id),
      this.d.cases.parties(r.case_id),
      hearingRecord(this.d.db, r.case_id),
      recordings(this.d.db, r.case_id),
      identityChecks(this.d.db, this.d.audit, r.case_id),
      this.d.audit.entries(r.case_id),
      this.d.audit.verify(r.case_id),
    ]);
    const textDoc = await this.agreementText(r.agreement_id, Number(r.lock_seq));
    return {
      confirmation: await this.summary(r),
      caseId: r.case_id, caseNumber: record.number, caseStatus: record.status, orgName: org.name, summary: record.summary,
      parties: parties.map((p) => ({ side: p.side, name: p.name, idNumberMasked: p.idNumberMasked })),
      agreement: { id: r.agreement_id, title: agreementRow.title, lockSeq: Number(r.lock_seq), sha256: sealed.document_sha256, text: textDoc },
      signatures: sigs.map((s) => signatureView(s, { image: true, detail: !!staff })),
      documents: files.filter((f) => f.kind !== 'ruling' || f.id === r.ruling_id).map((f) => this.d.signing.files.view(f)),
      certificate: JSON.parse(sealed.certificate) as unknown,
      hearingRecord: hearing, recordings: recs, identityChecks: checks,
      audit: { entries: courtAuditEntries(entries), verification },
    };
  }

  private async agreementText(agreementId: string, lockSeq: number): Promise<string> {
    const locked = await this.d.signing.lockedText(agreementId, lockSeq);
    return locked ?? '';
  }

  async confirm(id: string, staff: CourtStaff, note: string | undefined): Promise<ConfirmationSummaryView> {
    this.assertCourt(staff);
    const r = await this.row(id);
    if (r.status !== 'requested') throw new InvalidStateError(`this request was already ${r.status}`, { reason: 'decided' });
    const sealed = await this.d.signing.sealer.sealed(r.agreement_id, Number(r.lock_seq));
    if (!sealed) throw new InvalidStateError('the agreement is not effective: nothing to confirm', { reason: 'not_effective' });
    const record = await this.d.cases.get(r.case_id);
    checkTransition(record.status, 'confirmed', 'court', undefined);
    const at = this.now();
    const { docs, court, rulingNumber, pdf } = await this.renderRuling(r, staff, note, at, record.number);
    const creds = await docs.credentials(court.id);
    const sealedRuling = await docs.sign(pdf, { credentials: creds, reason: '司法确认裁定 Confirmation ruling', name: court.name, location: court.site, visibleSeal: true });
    await this.d.db.transaction().execute(async (trx) => {
      const current = await this.d.cases.get(r.case_id, trx);
      const doc = await this.d.signing.files.store(trx, {
        caseId: r.case_id, agreementId: r.agreement_id, lockSeq: Number(r.lock_seq), kind: 'ruling', bytes: sealedRuling, meta: { rulingNumber },
      });
      const res = await trx.updateTable('court_confirmations')
        .set({ status: 'confirmed', decided_by: `staff:${staff.id}`, decided_at: at.toISOString(), ruling_id: doc.id, note: note ?? r.note })
        .where('id', '=', id).where('status', '=', 'requested').executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) throw new ConflictError('the request was decided meanwhile');
      await this.d.cases.setStatus(trx, current, 'confirmed', `staff:${staff.id}`, 'judicial confirmation granted');
      await this.d.audit.append(trx, r.case_id, {
        actor: `staff:${staff.id}`, action: 'court.confirmed',
        data: { confirmationId: id, rulingId: doc.id, rulingSha256: doc.sha256, rulingNumber, court: court.name, agreementPdfSha256: sealed.pdf_sha256 },
      });
    });
    return this.summary(await this.row(id));
  }

  /** The confirmation ruling as it would be issued now with this note: the same rendering, not sealed, not stored. */
  async previewRuling(id: string, staff: CourtStaff, note: string | undefined): Promise<Uint8Array> {
    this.assertCourt(staff);
    const r = await this.row(id);
    if (r.status !== 'requested') throw new InvalidStateError(`this request was already ${r.status}`, { reason: 'decided' });
    const record = await this.d.cases.get(r.case_id);
    return (await this.renderRuling(r, staff, note, this.now(), record.number)).pdf;
  }

  private async renderRuling(r: CourtConfirmationsTable, staff: CourtStaff, note: string | undefined, at: Date, caseNumber: string) {
    const sealed = await this.d.signing.sealer.sealed(r.agreement_id, Number(r.lock_seq));
    if (!sealed) throw new InvalidStateError('the agreement is not effective: nothing to confirm', { reason: 'not_effective' });
    const docs = this.d.documents;
    if (!docs) throw new AppError('UNAVAILABLE', 'rulings cannot be rendered on this server');
    const judge = await this.d.roster.getStaff(staff.id);
    const court = await this.d.roster.getOrganisation(staff.orgId);
    const { info, parties } = await this.d.signing.sealer.caseInfo(r.case_id);
    const agreement = await this.d.signing.lockedAgreement(r.agreement_id, Number(r.lock_seq));
    const rulingNumber = `(${at.getUTCFullYear()}) 司法确认 ${caseNumber}`;
    const pdf = await docs.renderRuling({
      caseInfo: info, courtName: court.name, judgeName: judge.displayName, agreement, agreementPdfSha256: sealed.pdf_sha256, parties,
      decidedAt: at.toISOString(), note: note ?? null, rulingNumber,
    });
    return { docs, court, rulingNumber, pdf };
  }

  async reject(id: string, staff: CourtStaff, reasons: string): Promise<ConfirmationSummaryView> {
    this.assertCourt(staff);
    const r = await this.row(id);
    if (r.status !== 'requested') throw new InvalidStateError(`this request was already ${r.status}`, { reason: 'decided' });
    const at = this.now().toISOString();
    await this.d.db.transaction().execute(async (trx) => {
      const current = await this.d.cases.get(r.case_id, trx);
      checkTransition(current.status, 'confirmation_rejected', 'court', reasons);
      const res = await trx.updateTable('court_confirmations')
        .set({ status: 'rejected', decided_by: `staff:${staff.id}`, decided_at: at, reasons })
        .where('id', '=', id).where('status', '=', 'requested').executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) throw new ConflictError('the request was decided meanwhile');
      await this.d.cases.setStatus(trx, current, 'confirmation_rejected', `staff:${staff.id}`, reasons);
      await this.d.audit.append(trx, r.case_id, { actor: `staff:${staff.id}`, action: 'court.rejected', data: { confirmationId: id, reasons } });
    });
    return this.summary(await this.row(id));
  }
}
