import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { SealedAgreementsTable } from '../store/m005-signing.js';
import type { Logger } from '../lib/logger.js';
import { AppError, InvalidStateError } from '../lib/errors.js';
import type { AuditLog } from '../cases/audit.js';
import type { CaseService } from '../cases/cases.js';
import type { Roster } from '../cases/roster.js';
import type { AgreementSource, CaseInfo, CompletionCertificateData, DocumentPort, SignatureBlockInput } from './ports.js';
import { sha256Hex, type SignedDocuments } from './documents.js';
import { draftingHistoryHash, hearingRecord, hearingRecordHash, recordings } from './case-file.js';
import { embedManifest, signManifest, type SignatureManifest } from './manifest.js';
import type { Slot } from './signers.js';

export const SEAL_ACTOR = 'system:seal';

interface SealerDeps {
  db: Kysely<Database>; audit: AuditLog; cases: CaseService; roster: Roster; agreements: AgreementSource;
  documents: DocumentPort | undefined; files: SignedDocuments; log: Logger; now: () => Date;
  slots: (caseId: string, agreementId: string, lockSeq: number) => Promise<Slot[]>;
}

/**
 * Makes an agreement effective once every signature is there: renders the PDF with every signature, appends the
 * certificate of completion, embeds the signed signature manifest, adds one PAdES signature per signer and then the
 * organisation's seal (PAdES, incremental updates), produces
 * the performance notice (also sealed), and in one transaction stores both, records the seal in the audit chain and
 * moves the case to `agreed`. Heavy work happens before the transaction; the transaction re-checks that the lock and the
 * signatures are still what was sealed, so a concurrent unlock or a second sealer cannot make two effective versions.
 */
export class Sealer {
  private readonly running = new Map<string, Promise<void>>();
  private readonly errors = new Map<string, string>();

  constructor(private readonly d: SealerDeps) {}

  sealed(agreementId: string, lockSeq: number): Promise<SealedAgreementsTable | undefined> {
    return this.d.db.selectFrom('sealed_agreements').selectAll().where('agreement_id', '=', agreementId).where('lock_seq', '=', lockSeq).executeTakeFirst();
  }

  /** The agreement's effective (sealed) version, if any. */
  latestFor(agreementId: string): Promise<SealedAgreementsTable | undefined> {
    return this.d.db.selectFrom('sealed_agreements').selectAll().where('agreement_id', '=', agreementId).orderBy('lock_seq', 'desc').executeTakeFirst();
  }

  async effectiveFor(caseId: string): Promise<SealedAgreementsTable | undefined> {
    return this.d.db.selectFrom('sealed_agreements').selectAll().where('case_id', '=', caseId).orderBy('sealed_at', 'desc').executeTakeFirst();
  }

  lastError(agreementId: string, lockSeq: number): string | null {
    return this.errors.get(`${agreementId}#${lockSeq}`) ?? null;
  }

  /** One sealing per agreement and lock at a time in this process; the store's primary key covers other instances. */
  seal(agreementId: string, lockSeq: number): Promise<void> {
    const key = `${agreementId}#${lockSeq}`;
    let p = this.running.get(key);
    if (!p) {
      p = this.run(agreementId, lockSeq).then(
        () => { this.errors.delete(key); },
        (err: unknown) => {
          this.errors.set(key, err instanceof Error ? err.message : String(err));
          throw err;
        },
      ).finally(() => this.running.delete(key));
      this.running.set(key, p);
    }
    return p;
  }

  async caseInfo(caseId: string): Promise<{ info: CaseInfo; orgId: string; parties: { role: string; name: string }[] }> {
    const record = await this.d.cases.get(caseId);
    const org = await this.d.roster.getOrganisation(record.orgId);
    const parties = (await this.d.cases.parties(caseId)).map((p) => ({ role: p.side, name: p.name }));
    const languages = await this.d.cases.languages(caseId);
    return { info: { number: record.number, orgName: org.name, orgNameEn: org.nameEn, site: record.site, languages }, orgId: org.id, parties };
  }

  private async run(agreementId: string, lockSeq: number): Promise<void> {
    const docs = this.d.documents;
    if (!docs) throw new AppError('UNAVAILABLE', 'PDF rendering and sealing are not available on this server');
    if (await this.sealed(agreementId, lockSeq)) return;
    const locked = await this.d.agreements.lockedContent(agreementId);
    if (!locked || locked.lockSeq !== lockSeq) throw new InvalidStateError('the agreement was unlocked before it could be sealed');
    const sigs = await this.d.db
      .selectFrom('signatures').selectAll()
      .where('agreement_id', '=', agreementId).where('lock_seq', '=', lockSeq).where('voided_at', 'is', null)
      .orderBy('signed_at').execute();
    const slots = await this.d.slots(locked.caseId, agreementId, lockSeq);
    if (!slots.every((s) => sigs.some((x) => x.slot === s.slot))) throw new InvalidStateError('not every signer has signed yet');
    // Signature page in the order of the signer list (parties, mediator, arbitrator), not the order of signing.
    const ordered = slots.map((s) => sigs.find((x) => x.slot === s.slot)!);

    const { info, orgId, parties } = await this.caseInfo(locked.caseId);
    const creds = await docs.credentials(orgId);
    const blocks: SignatureBlockInput[] = ordered.map((s) => ({
      role: s.role, name: s.signer_name, signedAt: s.signed_at, method: s.method as 'drawn' | 'typed', imagePng: Buffer.from(s.image, 'base64'),
      imageSha256: s.image_sha256, documentSha256: s.document_sha256, typedName: s.typed_name,
    }));
    let pdf = await docs.renderAgreement({ agreement: locked, caseInfo: info, parties, signatures: blocks });

    const at = this.d.now();
    const manifest: SignatureManifest = {
      type: 'concord.signature-manifest/v1', agreementId, title: locked.title, caseNumber: info.number, organisation: info.orgName,
      lockSeq, documentSha256: locked.sha256, createdAt: at.toISOString(),
      signatures: ordered.map((s) => ({
        role: s.role, slot: s.slot, name: s.signer_name, signedAt: s.signed_at, method: s.method as 'drawn' | 'typed',
        imageSha256: s.image_sha256, documentSha256: s.document_sha256, auditSeq: Number(s.audit_seq), auditHash: s.audit_hash,
      })),
    };
    const signedManifest = signManifest(manifest, creds);
    const head = await this.d.db.selectFrom('audit_heads').select(['seq', 'hash']).where('chain_id', '=', locked.caseId).executeTakeFirst();
    const hearing = await hearingRecord(this.d.db, locked.caseId);
    const certificate: CompletionCertificateData = {
      agreementId, title: locked.title, caseNumber: info.number, organisation: info.orgName, lockSeq, documentSha256: locked.sha256,
      signingEvents: ordered.map((s) => ({
        role: s.role, name: s.signer_name, signedAt: s.signed_at, ip: s.ip, userAgent: s.user_agent, method: s.method as 'drawn' | 'typed',
        imageSha256: s.image_sha256, documentSha256: s.document_sha256, auditSeq: Number(s.audit_seq), auditHash: s.audit_hash,
      })),
      draftingHistorySha256: await draftingHistoryHash(this.d.audit, locked.caseId, agreementId),
      hearingRecordSha256: hearingRecordHash(hearing),
      recordings: (await recordings(this.d.db, locked.caseId)).map((r) => ({ id: r.id, sha256: r.sha256 })),
      auditChainHead: { seq: Number(head?.seq ?? 0), hash: head?.hash ?? '0'.repeat(64) },
      manifestSha256: signedManifest.sha256,
      sealedAt: at.toISOString(),
      language: locked.language,
      languages: info.languages,
    };
    // The manifest first (pdf-lib rewrites the file, fine before any signature), then the certificate as an incremental update.
    pdf = await embedManifest(pdf, signedManifest, creds, locked.text, at);
    pdf = await docs.appendCertificate(pdf, certificate);
    // One PAdES signature per signer (incremental updates, each with a one-signature certificate from the organisation's
    // CA naming the signer and role, dated when they signed, its reason carrying the text hash they confirmed), then the
    // organisation's seal over everything: each is checked by any PAdES verifier (pdfsig, Acrobat) on its own.
    for (const s of ordered) {
      const signerCreds = await docs.signerCredentials(orgId, { name: s.signer_name, role: s.role, caseNumber: info.number });
      pdf = await docs.sign(pdf, {
        credentials: signerCreds, name: s.signer_name, location: info.site, signingTime: new Date(s.signed_at),
        reason: `${s.role} signs agreement sha256:${s.document_sha256} (signature image sha256:${s.image_sha256})`,
      });
    }
    const sealedPdf = await docs.sign(pdf, {
      credentials: creds, reason: '调解组织印章 Seal of the mediation organisation', name: info.orgName, location: info.site, visibleSeal: true,
    });
    const notice = await docs.sign(
      await docs.renderPerformanceNotice({ agreement: locked, caseInfo: info, parties, effectiveAt: at.toISOString() }),
      { credentials: creds, reason: '履行告知书 Performance notice', name: info.orgName, location: info.site, visibleSeal: true },
    );

    await this.d.db.transaction().execute(async (trx) => {
      if (await trx.selectFrom('sealed_agreements').select('agreement_id').where('agreement_id', '=', agreementId).where('lock_seq', '=', lockSeq).executeTakeFirst()) return;
      const voided = await trx.selectFrom('signatures').select('id')
        .where('agreement_id', '=', agreementId).where('lock_seq', '=', lockSeq).where('voided_at', 'is not', null).executeTakeFirst();
      if (voided) throw new InvalidStateError('the agreement was unlocked while it was being sealed');
      const current = await this.d.cases.get(locked.caseId, trx);
      if (current.status !== 'mediating' && current.status !== 'scheduled') {
        throw new InvalidStateError(`a case that is ${current.status} cannot become agreed`);
      }
      const pdfDoc = await this.d.files.store(trx, { caseId: locked.caseId, agreementId, lockSeq, kind: 'agreement', bytes: sealedPdf, meta: { certificate, agreement: locked } });
      const noticeDoc = await this.d.files.store(trx, { caseId: locked.caseId, agreementId, lockSeq, kind: 'performance_notice', bytes: notice });
      await trx.insertInto('sealed_agreements').values({
        agreement_id: agreementId, lock_seq: lockSeq, case_id: locked.caseId, document_sha256: locked.sha256, pdf_id: pdfDoc.id,
        pdf_sha256: pdfDoc.sha256, notice_id: noticeDoc.id, certificate: JSON.stringify(certificate), sealed_at: at.toISOString(),
      }).execute();
      await this.d.audit.append(trx, locked.caseId, {
        actor: SEAL_ACTOR, action: 'agreement.sealed',
        data: {
          agreementId, lockSeq, documentSha256: locked.sha256, pdfId: pdfDoc.id, pdfSha256: pdfDoc.sha256, manifestSha256: signedManifest.sha256,
          certificateSha256: sha256Hex(JSON.stringify(certificate)), signatures: ordered.map((s) => s.id), auditChainHeadAtSealing: certificate.auditChainHead,
        },
      });
      // Signing is part of the mediation: a case still `scheduled` passes through `mediating` on its way to `agreed`.
      let status = current;
      if (status.status === 'scheduled') {
        await this.d.cases.setStatus(trx, status, 'mediating', SEAL_ACTOR, 'agreement signed');
        status = { ...status, status: 'mediating' };
      }
      await this.d.cases.setStatus(trx, status, 'agreed', SEAL_ACTOR, 'all signatures collected and the organisation seal applied');
      await this.d.audit.append(trx, locked.caseId, {
        actor: SEAL_ACTOR, action: 'performance_notice.issued', data: { agreementId, lockSeq, documentId: noticeDoc.id, sha256: noticeDoc.sha256 },
      });
    });
    this.d.log.info({ agreementId, lockSeq }, 'agreement sealed and effective');
  }
}
