import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { SignaturesTable } from '../store/m005-signing.js';
import type { Logger } from '../lib/logger.js';
import { newId } from '../lib/ids.js';
import { AppError, ConflictError, InvalidStateError, NotFoundError, PermissionDeniedError, ValidationError } from '../lib/errors.js';
import type { AuditLog } from '../cases/audit.js';
import type { CaseService } from '../cases/cases.js';
import type { HearingService } from '../cases/hearings.js';
import type { Roster } from '../cases/roster.js';
import type { CaseStatus } from '../../signaling/protocol/domain.js';
import {
  MAX_SIGNATURE_PNG_BYTES, type OtpIssued, type RequestOtpBody, type SignatureView, type SignBody, type SignerSetBody,
  type SigningStatusView, type SignResult,
} from '../../signaling/protocol/signing.js';
import type { AgreementSource, DocumentPort, LockedAgreement, UnlockEvent } from './ports.js';
import { OtpService } from './otp.js';
import { SignedDocuments, sha256Hex } from './documents.js';
import { assertOwnRole, decodeSignaturePng, requiredSlots, resolveSigner, type Signer, type SignerPrincipal } from './signers.js';
import { Sealer } from './seal.js';

/** Case statuses in which an agreement may be signed: the mediation is under way. */
export const SIGNABLE_CASE_STATUSES: ReadonlySet<CaseStatus> = new Set(['scheduled', 'mediating']);

export interface SigningDeps {
  db: Kysely<Database>; audit: AuditLog; cases: CaseService; hearings: HearingService; roster: Roster;
  agreements: AgreementSource;
  /** DOC's rendering and sealing; without it signatures are collected but the agreement cannot be sealed. */
  documents: DocumentPort | undefined;
  secret: string; log: Logger; now?: () => Date;
}
export interface RequestMeta { ip: string; userAgent: string }

/**
 * The signing ceremony (issue 5 item 2): every signer sees the exact locked text and its hash, re-confirms their
 * identity with a one-time code, and signs by drawing or typing. A signature is recorded with signer, role, time, IP,
 * user agent, the document hash and the image hash, in the case's audit chain and the signatures table, in one
 * transaction. When the full set is there the Sealer applies the organisation's seal and the case becomes agreed.
 */
export class SigningService {
  readonly otp: OtpService;
  readonly files: SignedDocuments;
  readonly sealer: Sealer;
  private readonly now: () => Date;

  constructor(private readonly d: SigningDeps) {
    this.now = d.now ?? (() => new Date());
    this.otp = new OtpService(d.db, d.secret, undefined, this.now);
    this.files = new SignedDocuments(d.db, d.secret, this.now);
    this.sealer = new Sealer({ ...d, files: this.files, now: this.now, slots: (caseId, agreementId, lockSeq) => this.slotsFor(caseId, agreementId, lockSeq) });
    d.agreements.onUnlock((e) => this.voidForUnlock(e));
  }

  /** The agreement and the case it belongs to; NOT_FOUND for an unknown id. */
  async agreement(agreementId: string) {
    const row = await this.d.agreements.get(agreementId);
    if (!row) throw new NotFoundError('agreement');
    return row;
  }

  async agreementsForCase(caseId: string) {
    return this.d.agreements.listForCase(caseId);
  }

  async arbitratorRequired(agreementId: string, lockSeq: number): Promise<boolean> {
    const r = await this.d.db.selectFrom('signing_sets').select('require_arbitrator').where('agreement_id', '=', agreementId).where('lock_seq', '=', lockSeq).executeTakeFirst();
    return !!r && Number(r.require_arbitrator) === 1;
  }

  async slotsFor(caseId: string, agreementId: string, lockSeq: number) {
    return requiredSlots(this.d.db, caseId, await this.arbitratorRequired(agreementId, lockSeq));
  }

  async activeSignatures(agreementId: string, lockSeq: number): Promise<SignaturesTable[]> {
    return this.d.db
      .selectFrom('signatures')
      .selectAll()
      .where('agreement_id', '=', agreementId)
      .where('lock_seq', '=', lockSeq)
      .where('voided_at', 'is', null)
      .orderBy('signed_at')
      .execute();
  }

  async status(agreementId: string, who: SignerPrincipal, opts: { staffDetail?: boolean } = {}): Promise<SigningStatusView> {
    const row = await this.agreement(agreementId);
    const [current, record, signer, effectiveRow] = await Promise.all([
      this.d.agreements.lockedContent(agreementId),
      this.d.cases.get(row.caseId),
      resolveSigner(who, row.caseId, this.d).catch(() => null),
      this.sealer.latestFor(agreementId),
    ]);
    // An effective agreement stays what was sealed, whatever later happens to the draft on the pad.
    const locked = effectiveRow ? await this.lockedAgreement(agreementId, Number(effectiveRow.lock_seq)) : current;
    const lockSeq = locked?.lockSeq ?? null;
    const [slots, sigs, sealed, docs, arbitrator] = await Promise.all([
      lockSeq ? this.slotsFor(row.caseId, agreementId, lockSeq) : Promise.resolve([]),
      lockSeq ? this.activeSignatures(agreementId, lockSeq) : Promise.resolve([]),
      lockSeq ? this.sealer.sealed(agreementId, lockSeq) : Promise.resolve(undefined),
      this.files.forCase(row.caseId),
      lockSeq ? this.arbitratorRequired(agreementId, lockSeq) : Promise.resolve(false),
    ]);
    const bySlot = new Map(sigs.map((s) => [s.slot, s]));
    return {
      agreementId, caseId: row.caseId, caseNumber: record.number, caseStatus: record.status, title: row.title,
      agreementStatus: locked ? 'locked' : 'drafting',
      lockSeq, text: locked?.text ?? null, sha256: locked?.sha256 ?? null, lockedAt: locked?.lockedAt ?? null,
      slots: slots.map((s) => {
        const sig = bySlot.get(s.slot);
        return {
          slot: s.slot, role: s.role, name: sig?.signer_name ?? s.name, signed: !!sig,
          signature: sig ? signatureView(sig, { image: true, detail: !!opts.staffDetail }) : null, mine: signer?.slot === s.slot,
        };
      }),
      arbitratorRequired: arbitrator,
      effective: !!sealed, effectiveAt: sealed?.sealed_at ?? null,
      sealError: lockSeq && !sealed ? this.sealer.lastError(agreementId, lockSeq) : null,
      documents: docs.filter((x) => x.agreementId === agreementId && x.kind !== 'ruling' && (!lockSeq || x.lockSeq === lockSeq)).map((x) => this.files.view(x)),
      me: signer ? { role: signer.role, slot: signer.slot, name: signer.name } : null,
      confirmation: null,
    };
  }

  /** Common refusals before anything is written: who signs, which text, signed already. */
  private async precheck(agreementId: string, who: SignerPrincipal, body: { role: SignBody['role']; lockSeq: number; documentSha256: string }) {
    const row = await this.agreement(agreementId);
    const signer = await resolveSigner(who, row.caseId, this.d).catch(() => null);
    assertOwnRole(signer, body.role);
    const locked = await this.d.agreements.lockedContent(agreementId);
    if (!locked) throw new InvalidStateError('the agreement is not locked: only a locked text can be signed', { reason: 'not_locked' });
    if (locked.lockSeq !== body.lockSeq || locked.sha256 !== body.documentSha256) {
      throw new ConflictError('the agreement text changed since you loaded it: review the current text and sign again', {
        reason: 'text_changed', lockSeq: locked.lockSeq, sha256: locked.sha256,
      });
    }
    if (await this.sealer.latestFor(agreementId)) throw new InvalidStateError('this agreement is already effective', { reason: 'already_effective' });
    const record = await this.d.cases.get(row.caseId);
    if (!SIGNABLE_CASE_STATUSES.has(record.status)) {
      throw new InvalidStateError(`a case that is ${record.status} takes no signatures`, { reason: 'case_status', status: record.status });
    }
    const slots = await this.slotsFor(row.caseId, agreementId, locked.lockSeq);
    if (!slots.some((s) => s.slot === signer.slot)) {
      throw new PermissionDeniedError(`the ${signer.role} does not sign this agreement`, { reason: 'not_a_signer' });
    }
    const existing = await this.d.db
      .selectFrom('signatures').select('id')
      .where('agreement_id', '=', agreementId).where('lock_seq', '=', locked.lockSeq).where('slot', '=', signer.slot)
      .executeTakeFirst();
    if (existing) throw new ConflictError('you have already signed this agreement', { reason: 'already_signed' });
    return { row, signer, locked, record };
  }

  async requestOtp(agreementId: string, who: SignerPrincipal, body: RequestOtpBody): Promise<OtpIssued> {
    const { row, signer, locked } = await this.precheck(agreementId, who, body);
    const otp = await this.otp.issue({ caseId: row.caseId, agreementId, lockSeq: locked.lockSeq, slot: signer.slot, signerId: signer.signerId });
    await this.d.audit.record(row.caseId, {
      actor: signer.actor, action: 'signature.code_issued',
      data: { agreementId, lockSeq: locked.lockSeq, role: signer.role, slot: signer.slot, otpId: otp.id, channel: 'in_app', expiresAt: otp.expiresAt },
    });
    // The case's contact channel is in-app here: the code is shown in the signer's own session. An SMS or e-mail
    // channel would send `message` instead and return only the id.
    const message = `Concord 签署验证码 / signing code: ${otp.code} (${this.otp.opts.ttlMinutes} min)`;
    return { otpId: otp.id, expiresAt: otp.expiresAt, attemptsAllowed: this.otp.opts.maxAttempts, delivery: { channel: 'in_app', message, code: otp.code } };
  }

  async sign(agreementId: string, who: SignerPrincipal, body: SignBody, meta: RequestMeta): Promise<SignResult> {
    const { row, signer, locked } = await this.precheck(agreementId, who, body);
    const image = decodeSignaturePng(body.image, MAX_SIGNATURE_PNG_BYTES);
    if (image.length === 0) {
      throw new ValidationError('the signature image is not a usable PNG', { issues: [{ path: ['image'], message: 'a PNG signature of sensible size', code: 'bad_image' }] });
    }
    const target = { caseId: row.caseId, agreementId, lockSeq: locked.lockSeq, slot: signer.slot, signerId: signer.signerId };
    await this.otp.check(target, body.otpId, body.code);
    const at = this.now().toISOString();
    const id = newId<'sig'>('sig');
    const imageSha256 = sha256Hex(image);
    const ua = meta.userAgent.slice(0, 400);
    try {
      await this.d.db.transaction().execute(async (trx) => {
        if (!(await this.otp.consume(trx, body.otpId))) throw new ConflictError('this one-time code was used meanwhile: request a new one', { reason: 'otp_used' });
        const entry = await this.d.audit.append(trx, row.caseId, {
          actor: signer.actor, action: 'signature.signed',
          data: {
            signatureId: id, agreementId, lockSeq: locked.lockSeq, role: signer.role, slot: signer.slot, signer: signer.signerId,
            signerName: signer.name, method: body.method, ip: meta.ip, userAgent: ua, documentSha256: locked.sha256, imageSha256,
            otpId: body.otpId, at,
          },
        });
        await trx.insertInto('signatures').values({
          id, case_id: row.caseId, agreement_id: agreementId, lock_seq: locked.lockSeq, slot: signer.slot, role: signer.role,
          signer_id: signer.signerId, signer_name: signer.name, method: body.method, typed_name: body.method === 'typed' ? body.typedName ?? null : null,
          image: Buffer.from(image).toString('base64'), image_sha256: imageSha256, document_sha256: locked.sha256, ip: meta.ip, user_agent: ua,
          signed_at: at, audit_seq: entry.seq, audit_hash: entry.hash, voided_at: null, voided_by: null,
        }).execute();
      });
    } catch (err) {
      // Two requests for one slot at once: the unique index lets one through.
      if (!(err instanceof ConflictError) && /unique|duplicate/i.test(String((err as Error)?.message))) {
        throw new ConflictError('you have already signed this agreement', { reason: 'already_signed' });
      }
      throw err;
    }
    const sigs = await this.activeSignatures(agreementId, locked.lockSeq);
    const slots = await this.slotsFor(row.caseId, agreementId, locked.lockSeq);
    if (slots.every((s) => sigs.some((x) => x.slot === s.slot))) {
      await this.sealer.seal(agreementId, locked.lockSeq).catch((err) => this.d.log.error({ err, agreementId }, 'sealing failed'));
    }
    const mine = sigs.find((s) => s.id === id)!;
    return { signature: signatureView(mine, { image: false, detail: false }), status: await this.status(agreementId, who) };
  }

  /** The mediator decides whether the arbitrator signs too, before anyone has signed this lock. */
  async setSignerSet(agreementId: string, actor: string, body: SignerSetBody): Promise<void> {
    const row = await this.agreement(agreementId);
    const locked = await this.d.agreements.lockedContent(agreementId);
    if (!locked || locked.lockSeq !== body.lockSeq) throw new ConflictError('the agreement is not locked at this version', { reason: 'text_changed' });
    await this.d.db.transaction().execute(async (trx) => {
      const any = await trx.selectFrom('signatures').select('id').where('agreement_id', '=', agreementId).where('lock_seq', '=', body.lockSeq).executeTakeFirst();
      if (any) throw new InvalidStateError('signing has started: the set of signers can no longer change', { reason: 'signing_started' });
      const at = this.now().toISOString();
      await trx
        .insertInto('signing_sets')
        .values({ agreement_id: agreementId, lock_seq: body.lockSeq, case_id: row.caseId, require_arbitrator: body.arbitrator ? 1 : 0, updated_by: actor, updated_at: at })
        .onConflict((oc) => oc.columns(['agreement_id', 'lock_seq']).doUpdateSet({ require_arbitrator: body.arbitrator ? 1 : 0, updated_by: actor, updated_at: at }))
        .execute();
      await this.d.audit.append(trx, row.caseId, { actor, action: 'signature.signers_set', data: { agreementId, lockSeq: body.lockSeq, arbitrator: body.arbitrator } });
    });
  }

  /** AgreementService.onUnlock: signatures and codes collected for that lock stop counting (kept, marked void). */
  async voidForUnlock(e: UnlockEvent): Promise<void> {
    const at = this.now().toISOString();
    await this.d.db.transaction().execute(async (trx) => {
      const sealed = await trx.selectFrom('sealed_agreements').select('sealed_at').where('agreement_id', '=', e.agreementId).where('lock_seq', '=', e.lockSeq).executeTakeFirst();
      if (sealed) {
        // An effective agreement binds the parties: its signatures stay valid whatever happens to the draft.
        await this.d.audit.append(trx, e.caseId, { actor: e.by, action: 'signature.unlock_after_seal', data: { agreementId: e.agreementId, lockSeq: e.lockSeq } });
        return;
      }
      const res = await trx
        .updateTable('signatures')
        .set({ voided_at: at, voided_by: e.by })
        .where('agreement_id', '=', e.agreementId)
        .where('lock_seq', '=', e.lockSeq)
        .where('voided_at', 'is', null)
        .executeTakeFirst();
      await this.otp.voidLock(trx, e.agreementId, e.lockSeq);
      await this.d.audit.append(trx, e.caseId, {
        actor: e.by, action: 'signature.voided',
        data: { agreementId: e.agreementId, lockSeq: e.lockSeq, count: Number(res.numUpdatedRows), reason: 'agreement unlocked' },
      });
    });
  }

  /** The text as it was sealed (kept with the sealed PDF, so a later unlock of the draft does not change it). */
  async lockedAgreement(agreementId: string, lockSeq: number): Promise<LockedAgreement> {
    const sealed = await this.sealer.sealed(agreementId, lockSeq);
    if (!sealed) throw new InvalidStateError('the agreement is not effective', { reason: 'not_effective' });
    const r = await this.d.db.selectFrom('signing_documents').select('meta').where('id', '=', sealed.pdf_id).executeTakeFirstOrThrow();
    return (JSON.parse(r.meta) as { agreement: LockedAgreement }).agreement;
  }

  async lockedText(agreementId: string, lockSeq: number): Promise<string | null> {
    return (await this.lockedAgreement(agreementId, lockSeq).catch(() => null))?.text ?? null;
  }

  /**
   * The PDF of the text to be signed, before signing: the same renderer as the sealed copy, with no signature and no
   * seal (a preview, not a document of the case file: nothing is stored).
   */
  async previewPdf(agreementId: string): Promise<Uint8Array> {
    const locked = await this.d.agreements.lockedContent(agreementId);
    if (!locked) throw new InvalidStateError('the agreement is not locked: there is no text to sign yet', { reason: 'not_locked' });
    const docs = this.d.documents;
    if (!docs) throw new AppError('UNAVAILABLE', 'PDFs cannot be rendered on this server');
    const { info, parties } = await this.sealer.caseInfo(locked.caseId);
    return docs.renderAgreement({ agreement: locked, caseInfo: info, parties, signatures: [] });
  }

  /** Retry sealing after a failure (mediator, from the console). */
  async retrySeal(agreementId: string): Promise<void> {
    const locked = await this.d.agreements.lockedContent(agreementId);
    if (!locked) throw new InvalidStateError('the agreement is not locked', { reason: 'not_locked' });
    const row = await this.agreement(agreementId);
    const [sigs, slots] = await Promise.all([this.activeSignatures(agreementId, locked.lockSeq), this.slotsFor(row.caseId, agreementId, locked.lockSeq)]);
    if (!slots.every((s) => sigs.some((x) => x.slot === s.slot))) throw new InvalidStateError('not every signer has signed yet', { reason: 'incomplete' });
    await this.sealer.seal(agreementId, locked.lockSeq);
  }
}

export function signatureView(s: SignaturesTable, opts: { image: boolean; detail: boolean }): SignatureView {
  return {
    id: s.id, slot: s.slot, role: s.role as SignatureView['role'], signerName: s.signer_name, method: s.method as SignatureView['method'],
    signedAt: s.signed_at, documentSha256: s.document_sha256, imageSha256: s.image_sha256,
    ...(opts.detail ? { ip: s.ip, userAgent: s.user_agent } : {}),
    ...(opts.image ? { image: `data:image/png;base64,${s.image}` } : {}),
  };
}

export type { Signer };
