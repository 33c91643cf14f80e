import { createHash } from 'node:crypto';
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { AuditEntriesTable, Database } from '../store/schema.js';
import type { Dialect } from '../store/migrations.js';
import type { AuditEntryView, AuditVerification } from '../../signaling/protocol/api.js';
import type { AuditAction } from '../../signaling/protocol/audit.js';

/**
 * Append-only, hash-chained audit log: one chain per case (chain id = case id) and one per organisation for
 * staff logins (`org:<id>`). Each entry's hash covers its own fields and the previous entry's hash, and a head
 * row (seq + hash of the last entry) is updated in the same transaction, so removing the last entries is caught too.
 */
export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEvent {
  actor: string;
  /** Only listed actions (signaling/protocol/audit.ts), so each has a label in every language. */
  action: AuditAction;
  data?: Record<string, unknown>;
}

type Executor = Kysely<Database> | Transaction<Database>;

export function entryHash(e: { chainId: string; seq: number; at: string; actor: string; action: string; data: string; prevHash: string }): string {
  // A JSON array fixes field order and escapes separators, so two different entries cannot hash alike.
  const canonical = JSON.stringify([e.chainId, e.seq, e.at, e.actor, e.action, e.data, e.prevHash]);
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * The hash of entries written since migration 009: over the SHA-256 of the payload rather than the payload, so a
 * retention run can redact personal data from a payload (the digest stays in `data_sha256`) and the entry, and every
 * link after it, still verifies. The leading 'v2' keeps the two forms from ever hashing alike.
 */
export function entryHashV2(e: { chainId: string; seq: number; at: string; actor: string; action: string; dataSha256: string; prevHash: string }): string {
  const canonical = JSON.stringify(['v2', e.chainId, e.seq, e.at, e.actor, e.action, e.dataSha256, e.prevHash]);
  return createHash('sha256').update(canonical).digest('hex');
}

export const payloadDigest = (data: string): string => createHash('sha256').update(data).digest('hex');

/** The audit action whose payload names the entries a retention run redacted (`redactedSeqs`). */
export const REDACTION_ACTION: AuditAction = 'retention.identity_deleted';

type EntryRow = Selectable<AuditEntriesTable>;

/** Why an entry does not hold, or null when it does (its own content only; links are checked by the caller). */
function entryProblem(chainId: string, r: EntryRow, redactionsNamed: ReadonlySet<number>): string | null {
  const seq = Number(r.seq);
  const base = { chainId, seq, at: r.at, actor: r.actor, action: r.action, prevHash: r.prev_hash };
  // A payload hashed the old way (an entry re-hashed by hand, say) is judged the old way: the link from the next entry
  // still catches any change, as it always did.
  if (r.data_sha256 && entryHash({ ...base, data: r.data }) !== r.hash) {
    if (entryHashV2({ ...base, dataSha256: r.data_sha256 }) !== r.hash) return 'content does not match its hash (entry altered)';
    if (r.redacted_at) return redactionsNamed.has(seq) ? null : 'redacted, but no retention entry names the redaction (entry altered)';
    return payloadDigest(r.data) === r.data_sha256 ? null : 'content does not match its hash (entry altered)';
  }
  // Entries written before migration 009 hash their payload itself (and cannot be redacted).
  return entryHash({ ...base, data: r.data }) === r.hash ? null : 'content does not match its hash (entry altered)';
}

export class AuditLog {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Appends within the caller's transaction, so the change and its audit entry commit together or not at all. */
  async append(trx: Transaction<Database>, chainId: string, event: AuditEvent): Promise<AuditEntryView> {
    const at = this.now().toISOString();
    await trx
      .insertInto('audit_heads')
      .values({ chain_id: chainId, seq: 0, hash: GENESIS_HASH, updated_at: at })
      .onConflict((oc) => oc.column('chain_id').doNothing())
      .execute();
    let q = trx.selectFrom('audit_heads').select(['seq', 'hash']).where('chain_id', '=', chainId);
    // PostgreSQL: lock the head row so concurrent appends to one chain queue up; SQLite serialises writers already.
    if (this.dialect === 'postgres') q = q.forUpdate();
    const head = await q.executeTakeFirstOrThrow();
    const seq = Number(head.seq) + 1;
    const data = JSON.stringify(event.data ?? {});
    const dataSha256 = payloadDigest(data);
    const hash = entryHashV2({ chainId, seq, at, actor: event.actor, action: event.action, dataSha256, prevHash: head.hash });
    await trx
      .insertInto('audit_entries')
      .values({ chain_id: chainId, seq, at, actor: event.actor, action: event.action, data, data_sha256: dataSha256, prev_hash: head.hash, hash })
      .execute();
    await trx.updateTable('audit_heads').set({ seq, hash, updated_at: at }).where('chain_id', '=', chainId).execute();
    return { seq, at, actor: event.actor, action: event.action, data: event.data ?? {}, prevHash: head.hash, hash };
  }

  /** Convenience for events that change nothing else (a login, a failed identity check). */
  async record(chainId: string, event: AuditEvent): Promise<AuditEntryView> {
    return this.db.transaction().execute((trx) => this.append(trx, chainId, event));
  }

  async entries(chainId: string, db: Executor = this.db): Promise<AuditEntryView[]> {
    const rows = await db.selectFrom('audit_entries').selectAll().where('chain_id', '=', chainId).orderBy('seq').execute();
    return rows.map((r) => ({
      seq: Number(r.seq), at: r.at, actor: r.actor, action: r.action, data: safeParse(r.data), prevHash: r.prev_hash, hash: r.hash,
    }));
  }

  /**
   * Replaces payloads that hold personal data (retention, issue 12). Only entries hashed over their payload's digest
   * (written since migration 009) can be redacted: their hash, and so the chain, still verifies. Older entries are
   * returned in `notRedactable` and keep their payload. The caller names the redacted seqs in a retention entry of
   * the same transaction, which is what makes a redaction legitimate to the verifier.
   */
  async redact(trx: Transaction<Database>, chainId: string, redactions: readonly { seq: number; data: Record<string, unknown> }[], at: string): Promise<{ redacted: number[]; notRedactable: number[] }> {
    const redacted: number[] = [];
    const notRedactable: number[] = [];
    for (const r of redactions) {
      const res = await trx.updateTable('audit_entries').set({ data: JSON.stringify(r.data), redacted_at: at })
        .where('chain_id', '=', chainId).where('seq', '=', r.seq).where('data_sha256', 'is not', null).executeTakeFirst();
      (Number(res.numUpdatedRows) === 1 ? redacted : notRedactable).push(r.seq);
    }
    return { redacted, notRedactable };
  }

  /** Entries whose payload was redacted by a retention run: seq, action, when. */
  async redactions(chainId: string): Promise<{ seq: number; action: string; redactedAt: string }[]> {
    const rows = await this.db.selectFrom('audit_entries').select(['seq', 'action', 'redacted_at'])
      .where('chain_id', '=', chainId).where('redacted_at', 'is not', null).orderBy('seq').execute();
    return rows.map((r) => ({ seq: Number(r.seq), action: r.action, redactedAt: r.redacted_at ?? '' }));
  }

  /** Walks the chain and reports the first entry whose hash, link or position does not hold. */
  async verify(chainId: string): Promise<AuditVerification> {
    const [rows, head] = await Promise.all([
      this.db.selectFrom('audit_entries').selectAll().where('chain_id', '=', chainId).orderBy('seq').execute(),
      this.db.selectFrom('audit_heads').select(['seq', 'hash']).where('chain_id', '=', chainId).executeTakeFirst(),
    ]);
    const named = redactionsNamed(rows);
    let prev = GENESIS_HASH;
    let expectedSeq = 1;
    const fail = (seq: number, reason: string): AuditVerification => ({
      ok: false, checked: rows.length, headSeq: head ? Number(head.seq) : 0, headHash: head?.hash ?? null, firstBroken: { seq, reason },
    });
    for (const r of rows) {
      const seq = Number(r.seq);
      if (seq !== expectedSeq) return fail(expectedSeq, `entry ${expectedSeq} is missing`);
      if (r.prev_hash !== prev) return fail(seq, 'does not link to the previous entry');
      const problem = entryProblem(chainId, r, named);
      if (problem) return fail(seq, problem);
      prev = r.hash;
      expectedSeq++;
    }
    const headSeq = head ? Number(head.seq) : 0;
    if (headSeq !== rows.length) return fail(rows.length + 1, `chain head says ${headSeq} entries, found ${rows.length} (entries removed)`);
    if (head && headSeq > 0 && head.hash !== prev) return fail(headSeq, 'chain head hash does not match the last entry');
    return { ok: true, checked: rows.length, headSeq, headHash: head?.hash ?? null, firstBroken: null };
  }
}

/** Seqs that retention entries of the chain say they redacted: a redaction no hashed entry names is an alteration. */
function redactionsNamed(rows: readonly { action: string; data: string }[]): Set<number> {
  const out = new Set<number>();
  for (const r of rows) {
    if (r.action !== REDACTION_ACTION) continue;
    const d = safeParse(r.data) as { redactedSeqs?: unknown };
    if (Array.isArray(d?.redactedSeqs)) for (const n of d.redactedSeqs) if (typeof n === 'number') out.add(n);
  }
  return out;
}

function safeParse(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}
