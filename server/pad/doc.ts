import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import { PAD_TEXT } from '../../signaling/protocol/pad.js';
import type { AgreementsTable, PadActor, PadDb } from './types.js';
import { unb64 } from './types.js';

export interface ClientOwner { author: string; name: string; role: string }

/** Per author, what they changed since the last summary went into the case's audit chain. */
export interface EditTally { name: string; role: string; inserted: number; deleted: number; updates: number }

/**
 * One agreement's live document in memory: the Y.Doc (the stored snapshot plus the updates after it), the awareness
 * of who is looking where, which Yjs client ids belong to which author, and the change-log position. Only the
 * AgreementService changes it, inside the agreement's queue.
 */
export class PadDoc {
  readonly doc: Y.Doc;
  readonly text: Y.Text;
  readonly awareness: Awareness;
  /** Sockets attached; the document is dropped from memory some time after the last one leaves. */
  refs = 0;
  lastUsed = Date.now();
  /** Set when storing failed after applying: this copy may hold more than the store, so it must be reloaded. */
  broken = false;
  editsSinceSnapshot = 0;
  readonly tally = new Map<string, EditTally>();
  tallyFromSeq: number;

  constructor(
    public row: AgreementsTable,
    readonly clients: Map<number, ClientOwner>,
    /** Last change-log sequence number used. */
    public seq: number,
    public snapshotSeq: number,
  ) {
    this.doc = new Y.Doc({ gc: true });
    this.text = this.doc.getText(PAD_TEXT);
    this.awareness = new Awareness(this.doc);
    // The server has no cursor of its own.
    this.awareness.setLocalState(null);
    this.tallyFromSeq = seq + 1;
  }

  get id(): string {
    return this.row.id;
  }

  stateVector(): Map<number, number> {
    return Y.decodeStateVector(Y.encodeStateVector(this.doc));
  }

  ownerOf = (clientId: number): string | undefined => this.clients.get(clientId)?.author;
  /**
   * Client ids seen in someone's awareness (cursor) before they wrote anything: reserved for that author in memory, so
   * nobody who saw the id can write under it first.
   */
  readonly cursorOwners = new Map<number, string>();

  count(actor: PadActor, inserted: number, deleted: number): void {
    const t = this.tally.get(actor.author) ?? { name: actor.name, role: actor.role, inserted: 0, deleted: 0, updates: 0 };
    t.inserted += inserted;
    t.deleted += deleted;
    t.updates += 1;
    this.tally.set(actor.author, t);
  }

  close(): void {
    this.awareness.destroy();
    this.doc.destroy();
  }
}

/** Loads the newest snapshot and every stored update after it. */
export async function loadPadDoc(db: PadDb, row: AgreementsTable): Promise<PadDoc> {
  const snap = await db
    .selectFrom('agreement_snapshots').select(['upto_seq', 'state']).where('agreement_id', '=', row.id)
    .orderBy('upto_seq', 'desc').limit(1).executeTakeFirst();
  const upto = snap ? Number(snap.upto_seq) : 0;
  const [changes, clients, last] = await Promise.all([
    db.selectFrom('agreement_changes').select(['seq', 'data']).where('agreement_id', '=', row.id).where('seq', '>', upto)
      .where('data', 'is not', null).orderBy('seq').execute(),
    db.selectFrom('agreement_clients').selectAll().where('agreement_id', '=', row.id).execute(),
    db.selectFrom('agreement_changes').select((eb) => eb.fn.max('seq').as('m')).where('agreement_id', '=', row.id).executeTakeFirst(),
  ]);
  const owners = new Map<number, ClientOwner>(clients.map((c) => [Number(c.client_id), { author: c.author, name: c.author_name, role: c.author_role }]));
  const pad = new PadDoc(row, owners, Number(last?.m ?? 0), upto);
  pad.doc.transact(() => {
    if (snap) Y.applyUpdate(pad.doc, unb64(snap.state));
    for (const c of changes) Y.applyUpdate(pad.doc, unb64(c.data!));
  }, 'load');
  pad.editsSinceSnapshot = changes.length;
  return pad;
}
