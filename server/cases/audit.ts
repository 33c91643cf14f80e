import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
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
    const hash = entryHash({ chainId, seq, at, actor: event.actor, action: event.action, data, prevHash: head.hash });
    await trx
      .insertInto('audit_entries')
      .values({ chain_id: chainId, seq, at, actor: event.actor, action: event.action, data, prev_hash: head.hash, hash })
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

  /** Walks the chain and reports the first entry whose hash, link or position does not hold. */
  async verify(chainId: string): Promise<AuditVerification> {
    const [rows, head] = await Promise.all([
      this.db.selectFrom('audit_entries').selectAll().where('chain_id', '=', chainId).orderBy('seq').execute(),
      this.db.selectFrom('audit_heads').select(['seq', 'hash']).where('chain_id', '=', chainId).executeTakeFirst(),
    ]);
    let prev = GENESIS_HASH;
    let expectedSeq = 1;
    const fail = (seq: number, reason: string): AuditVerification => ({
      ok: false, checked: rows.length, headSeq: head ? Number(head.seq) : 0, headHash: head?.hash ?? null, firstBroken: { seq, reason },
    });
    for (const r of rows) {
      const seq = Number(r.seq);
      if (seq !== expectedSeq) return fail(expectedSeq, `entry ${expectedSeq} is missing`);
      if (r.prev_hash !== prev) return fail(seq, 'does not link to the previous entry');
      const recomputed = entryHash({ chainId, seq, at: r.at, actor: r.actor, action: r.action, data: r.data, prevHash: r.prev_hash });
      if (recomputed !== r.hash) return fail(seq, 'content does not match its hash (entry altered)');
      prev = r.hash;
      expectedSeq++;
    }
    const headSeq = head ? Number(head.seq) : 0;
    if (headSeq !== rows.length) return fail(rows.length + 1, `chain head says ${headSeq} entries, found ${rows.length} (entries removed)`);
    if (head && headSeq > 0 && head.hash !== prev) return fail(headSeq, 'chain head hash does not match the last entry');
    return { ok: true, checked: rows.length, headSeq, headHash: head?.hash ?? null, firstBroken: null };
  }
}

function safeParse(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}
