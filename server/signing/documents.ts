import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import type { SignedDocumentView } from '../../signaling/protocol/signing.js';
import { newId } from '../lib/ids.js';
import { NotFoundError, UnauthenticatedError } from '../lib/errors.js';

export type DocumentKind = SignedDocumentView['kind'];
export interface StoredDocument { id: string; caseId: string; agreementId: string; lockSeq: number; kind: DocumentKind; sha256: string; size: number; createdAt: string }

export const sha256Hex = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');

/** How long a viewing URL works: long enough to open the PDF in the page, short enough that a copied URL soon dies. */
const VIEW_TTL_SECONDS = 15 * 60;

/**
 * The case's signed PDFs (sealed agreement, performance notice, court ruling). Bytes live in the store as base64 text.
 * A PDF is opened in an <iframe>/<object>, which cannot send a bearer token: the API hands out a short-lived URL signed
 * with the service secret, naming one document and an expiry, instead.
 */
export class SignedDocuments {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly secret: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async store(trx: Transaction<Database>, d: { caseId: string; agreementId: string; lockSeq: number; kind: DocumentKind; bytes: Uint8Array; meta?: Record<string, unknown> }): Promise<StoredDocument> {
    const id = newId<'doc'>('doc');
    const createdAt = this.now().toISOString();
    const sha256 = sha256Hex(d.bytes);
    await trx
      .insertInto('signing_documents')
      .values({
        id, case_id: d.caseId, agreement_id: d.agreementId, lock_seq: d.lockSeq, kind: d.kind, sha256, size: d.bytes.length,
        content: Buffer.from(d.bytes).toString('base64'), meta: JSON.stringify(d.meta ?? {}), created_at: createdAt,
      })
      .execute();
    return { id, caseId: d.caseId, agreementId: d.agreementId, lockSeq: d.lockSeq, kind: d.kind, sha256, size: d.bytes.length, createdAt };
  }

  async forCase(caseId: string): Promise<StoredDocument[]> {
    const rows = await this.db
      .selectFrom('signing_documents')
      .select(['id', 'case_id', 'agreement_id', 'lock_seq', 'kind', 'sha256', 'size', 'created_at'])
      .where('case_id', '=', caseId)
      .orderBy('created_at')
      .execute();
    return rows.map((r) => ({
      id: r.id, caseId: r.case_id, agreementId: r.agreement_id, lockSeq: Number(r.lock_seq), kind: r.kind as DocumentKind,
      sha256: r.sha256, size: Number(r.size), createdAt: r.created_at,
    }));
  }

  async bytes(id: string): Promise<{ doc: StoredDocument; bytes: Buffer }> {
    const r = await this.db.selectFrom('signing_documents').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r) throw new NotFoundError('document');
    const bytes = Buffer.from(r.content, 'base64');
    return {
      doc: {
        id: r.id, caseId: r.case_id, agreementId: r.agreement_id, lockSeq: Number(r.lock_seq), kind: r.kind as DocumentKind,
        sha256: r.sha256, size: Number(r.size), createdAt: r.created_at,
      },
      bytes,
    };
  }

  private mac(id: string, exp: number): string {
    return createHmac('sha256', this.secret).update(`doc-view:${id}:${exp}`).digest('base64url');
  }

  /** `/api/signing/documents/<id>.pdf?exp=..&sig=..` */
  viewUrl(id: string): string {
    const exp = Math.floor(this.now().getTime() / 1000) + VIEW_TTL_SECONDS;
    return `/api/signing/documents/${encodeURIComponent(id)}.pdf?exp=${exp}&sig=${this.mac(id, exp)}`;
  }

  checkViewToken(id: string, exp: string | undefined, sig: string | undefined): void {
    const e = Number(exp);
    if (!Number.isInteger(e) || typeof sig !== 'string' || sig.length > 100) throw new UnauthenticatedError('this document link is not valid');
    const a = Buffer.from(this.mac(id, e));
    const b = Buffer.from(sig);
    if (a.length !== b.length || !timingSafeEqual(a, b)) throw new UnauthenticatedError('this document link is not valid');
    if (e < Math.floor(this.now().getTime() / 1000)) throw new UnauthenticatedError('this document link has expired: reload the page', 'TOKEN_EXPIRED');
  }

  view(d: StoredDocument): SignedDocumentView {
    return { id: d.id, kind: d.kind, sha256: d.sha256, bytes: d.size, createdAt: d.createdAt, url: this.viewUrl(d.id) };
  }
}
