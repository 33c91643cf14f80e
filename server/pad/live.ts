import * as Y from 'yjs';
import type { PadAccess } from '../../signaling/protocol/pad.js';
import { AppError, InvalidStateError, NotFoundError, PermissionDeniedError, RateLimitedError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { AuditLog } from '../cases/audit.js';
import { canonicalize, sha256Hex } from './canonical.js';
import { loadPadDoc, PadDoc } from './doc.js';
import { editStats, type EditStats } from './edit-stats.js';
import type { KeyedQueue } from './queue.js';
import { b64, type AgreementsTable, type PadActor, type PadDb, type PadTrx } from './types.js';
import { checkUpdate } from './validate-update.js';

export interface Applied {
  /** Change-log number of the stored update; null when it changed nothing (already known). */
  seq: number | null;
  /** What actually changed (to broadcast); null when nothing did. */
  update: Uint8Array | null;
  /** Client ids the author used for the first time in it. */
  newClients: number[];
}

interface Pending {
  actor: PadActor;
  update: Uint8Array;
  access: (row: AgreementsTable) => PadAccess;
  resolve: (a: Applied) => void;
  reject: (e: unknown) => void;
}

export interface LiveDocsOptions {
  /** Stored updates after which the document is compacted into a snapshot (and an edit summary audited). */
  compactEvery: number;
  /** A document nobody has open is compacted and dropped from memory after this long. */
  idleUnloadMs: number;
  log?: Logger;
  now: () => Date;
}

const MAX_BATCH = 256;
const MAX_QUEUED = 2000;

/**
 * The live documents: loaded on first use, changed only inside the agreement's queue. Client updates are checked,
 * applied, and stored in one transaction per batch (group commit); an update is acknowledged after its batch commits.
 */
export class LiveDocs {
  private readonly docs = new Map<string, Promise<PadDoc>>();
  private readonly incoming = new Map<string, Pending[]>();
  private readonly unloadTimers = new Map<string, NodeJS.Timeout>();
  private readonly resetListeners = new Set<(agreementId: string) => void>();
  private closed = false;

  constructor(
    private readonly db: PadDb,
    private readonly audit: AuditLog,
    private readonly queue: KeyedQueue,
    private readonly opts: LiveDocsOptions,
  ) {}

  /** Called when a document had to be dropped (a store failure after applying): its sockets must resync. */
  onReset(fn: (agreementId: string) => void): void {
    this.resetListeners.add(fn);
  }

  async get(agreementId: string): Promise<PadDoc> {
    if (this.closed) throw new AppError('UNAVAILABLE', 'the pad is shutting down');
    let p = this.docs.get(agreementId);
    if (!p) {
      p = (async () => {
        const row = await this.db.selectFrom('agreements').selectAll().where('id', '=', agreementId).executeTakeFirst();
        if (!row) throw new NotFoundError('agreement');
        return loadPadDoc(this.db, row);
      })();
      this.docs.set(agreementId, p);
      p.catch(() => {
        if (this.docs.get(agreementId) === p) this.docs.delete(agreementId);
      });
    }
    const pad = await p;
    pad.lastUsed = Date.now();
    return pad;
  }

  /** The loaded document, if any (no load). */
  async peek(agreementId: string): Promise<PadDoc | undefined> {
    return this.docs.get(agreementId)?.catch(() => undefined);
  }

  async attach(agreementId: string): Promise<PadDoc> {
    const pad = await this.get(agreementId);
    pad.refs += 1;
    const t = this.unloadTimers.get(agreementId);
    if (t) clearTimeout(t);
    this.unloadTimers.delete(agreementId);
    return pad;
  }

  detach(pad: PadDoc): void {
    pad.refs = Math.max(0, pad.refs - 1);
    this.scheduleUnload(pad);
  }

  /** Nobody has it open: compact it and drop it from memory after the idle time, unless someone opens it again. */
  scheduleUnload(pad: PadDoc): void {
    if (pad.refs > 0 || this.closed || this.unloadTimers.has(pad.id)) return;
    const t = setTimeout(() => {
      this.unloadTimers.delete(pad.id);
      void this.queue.run(pad.id, async () => {
        if (pad.refs > 0 || this.docs.get(pad.id) === undefined) return;
        await this.compact(pad).catch((err) => this.opts.log?.warn({ err, agreementId: pad.id }, 'pad compaction failed'));
        if (pad.refs === 0 && !this.incoming.get(pad.id)?.length) this.drop(pad);
      });
    }, this.opts.idleUnloadMs);
    t.unref();
    this.unloadTimers.set(pad.id, t);
  }

  /** Queues a client's update; resolves once it is stored (or known already), rejects with the reason it was refused. */
  submit(pad: PadDoc, actor: PadActor, update: Uint8Array, access: (row: AgreementsTable) => PadAccess): Promise<Applied> {
    return new Promise<Applied>((resolve, reject) => {
      let list = this.incoming.get(pad.id);
      if (!list) this.incoming.set(pad.id, (list = []));
      if (list.length >= MAX_QUEUED) {
        reject(new RateLimitedError('the pad is busy; try again shortly'));
        return;
      }
      list.push({ actor, update, access, resolve, reject });
      if (list.length === 1) void this.queue.run(pad.id, () => this.drain(pad));
    });
  }

  private async drain(pad: PadDoc): Promise<void> {
    const list = this.incoming.get(pad.id) ?? [];
    const batch = list.splice(0, MAX_BATCH);
    if (list.length > 0) void this.queue.run(pad.id, () => this.drain(pad));
    if (batch.length === 0) return;
    if (pad.broken || this.docs.get(pad.id) === undefined) {
      for (const p of batch) p.reject(new AppError('UNAVAILABLE', 'the document is reloading; send again'));
      return;
    }
    const sv = pad.stateVector();
    let textLength = pad.text.length;
    const claims = new Map<number, PadActor>();
    const accepted: { p: Pending; newClients: number[]; seq: number | null; effective: Uint8Array | null; ins: number; del: number; excerpt: string }[] = [];
    for (const p of batch) {
      try {
        const access = p.access(pad.row);
        if (!access.canEdit) {
          throw access.readOnlyReason === 'locked'
            ? new InvalidStateError('the agreement is locked for signature; the mediator must unlock it first')
            : new PermissionDeniedError('you may read this agreement but not edit it');
        }
        const r = checkUpdate(p.update, {
          stateVector: sv, author: p.actor.author, textLength,
          ownerOf: (c) => pad.ownerOf(c) ?? claims.get(c)?.author ?? pad.cursorOwners.get(c),
        });
        textLength += r.inserted;
        const newClients = r.clients.filter((c) => !pad.clients.has(c) && !claims.has(c));
        for (const c of newClients) claims.set(c, p.actor);
        accepted.push({ p, newClients, seq: null, effective: null, ins: 0, del: 0, excerpt: '' });
      } catch (err) {
        p.reject(err);
      }
    }
    if (accepted.length === 0) return;

    let captured: Uint8Array | null = null;
    let stats: EditStats = { inserted: 0, deleted: 0, excerpt: '' };
    const onUpdate = (u: Uint8Array) => {
      captured = u;
    };
    const onTransaction = (tr: Y.Transaction) => {
      // Summed: an observer reading a text event's delta would open a second (empty) transaction.
      const s = editStats(tr, pad.text);
      stats = { inserted: stats.inserted + s.inserted, deleted: stats.deleted + s.deleted, excerpt: (stats.excerpt + s.excerpt).slice(0, 60) };
    };
    pad.doc.on('update', onUpdate);
    pad.doc.on('afterTransaction', onTransaction);
    const at = this.opts.now().toISOString();
    try {
      for (const a of accepted) {
        captured = null;
        stats = { inserted: 0, deleted: 0, excerpt: '' };
        Y.applyUpdate(pad.doc, a.p.update, a.p.actor.author);
        a.effective = captured;
        a.ins = stats.inserted;
        a.del = stats.deleted;
        a.excerpt = stats.excerpt;
        if (captured) a.seq = ++pad.seq;
      }
    } finally {
      pad.doc.off('update', onUpdate);
      pad.doc.off('afterTransaction', onTransaction);
    }
    if (pad.doc.store.pendingStructs || pad.doc.store.pendingDs) {
      this.opts.log?.error({ agreementId: pad.id }, 'a checked update left pending structs');
    }
    const rows = accepted.filter((a) => a.seq !== null);
    try {
      await this.db.transaction().execute(async (trx) => {
        for (let i = 0; i < rows.length; i += 400) {
          await trx.insertInto('agreement_changes').values(rows.slice(i, i + 400).map((a) => ({
            agreement_id: pad.id, seq: a.seq!, at, author: a.p.actor.author, author_name: a.p.actor.name, author_role: a.p.actor.role,
            kind: 'edit', summary: JSON.stringify({ inserted: a.ins, deleted: a.del, excerpt: a.excerpt }), data: b64(a.effective!),
          }))).execute();
        }
        if (claims.size > 0) {
          await trx.insertInto('agreement_clients').values([...claims].map(([client, actor]) => ({
            agreement_id: pad.id, client_id: String(client), author: actor.author, author_name: actor.name, author_role: actor.role, at,
          }))).execute();
        }
        if (rows.length > 0) await trx.updateTable('agreements').set({ updated_at: at }).where('id', '=', pad.id).execute();
      });
    } catch (err) {
      this.opts.log?.error({ err, agreementId: pad.id }, 'storing pad updates failed; reloading the document');
      pad.broken = true;
      this.drop(pad);
      for (const a of accepted) a.p.reject(new AppError('UNAVAILABLE', 'the update could not be stored; send it again'));
      for (const fn of this.resetListeners) fn(pad.id);
      return;
    }
    for (const [client, actor] of claims) pad.clients.set(client, { author: actor.author, name: actor.name, role: actor.role });
    pad.row = { ...pad.row, updated_at: rows.length > 0 ? at : pad.row.updated_at };
    for (const a of rows) pad.count(a.p.actor, a.ins, a.del);
    pad.editsSinceSnapshot += rows.length;
    for (const a of accepted) a.p.resolve({ seq: a.seq, update: a.effective, newClients: a.newClients });
    if (pad.editsSinceSnapshot >= this.opts.compactEvery) await this.compact(pad);
  }

  /**
   * Folds the stored updates into one snapshot (their log rows stay, without the binary) and writes the edit summary
   * since the last one (who changed how much, the text's hash) into the case's audit chain. Runs inside the queue.
   */
  async compact(pad: PadDoc, trxHook?: (trx: PadTrx) => Promise<void>): Promise<void> {
    if (pad.broken) return;
    const upto = pad.seq;
    const hasEdits = pad.editsSinceSnapshot > 0 && upto > pad.snapshotSeq;
    if (!hasEdits && pad.tally.size === 0 && !trxHook) return;
    const at = this.opts.now().toISOString();
    const state = hasEdits ? b64(Y.encodeStateAsUpdate(pad.doc)) : null;
    const tally = [...pad.tally].map(([author, t]) => ({ author, ...t }));
    const fromSeq = pad.tallyFromSeq;
    await this.db.transaction().execute(async (trx) => {
      if (state !== null) {
        await trx.insertInto('agreement_snapshots').values({ agreement_id: pad.id, upto_seq: upto, state, at }).execute();
        await trx.updateTable('agreement_changes').set({ data: null }).where('agreement_id', '=', pad.id).where('seq', '<=', upto).where('data', 'is not', null).execute();
        await trx.deleteFrom('agreement_snapshots').where('agreement_id', '=', pad.id).where('upto_seq', '<', upto).execute();
      }
      if (tally.length > 0) {
        await this.audit.append(trx, pad.row.case_id, {
          actor: 'system:pad',
          action: 'agreement.edited',
          data: {
            agreementId: pad.id, fromSeq, toSeq: upto, sha256: sha256Hex(canonicalize(pad.text.toString())), chars: pad.text.length, authors: tally,
          },
        });
      }
      if (trxHook) await trxHook(trx);
    });
    if (state !== null) {
      pad.snapshotSeq = upto;
      pad.editsSinceSnapshot = 0;
    }
    pad.tally.clear();
    pad.tallyFromSeq = upto + 1;
  }

  private drop(pad: PadDoc): void {
    if (this.docs.get(pad.id) === undefined) return;
    this.docs.delete(pad.id);
    const t = this.unloadTimers.get(pad.id);
    if (t) clearTimeout(t);
    this.unloadTimers.delete(pad.id);
    pad.close();
  }

  /** Stores summaries and snapshots of every loaded document, then drops them. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.unloadTimers.values()) clearTimeout(t);
    this.unloadTimers.clear();
    await this.queue.idle();
    for (const [id, p] of this.docs) {
      const pad = await p.catch(() => undefined);
      if (!pad) continue;
      await this.queue.run(id, () => this.compact(pad)).catch((err) => this.opts.log?.warn({ err, agreementId: id }, 'pad compaction at close failed'));
      pad.close();
    }
    this.docs.clear();
  }
}
