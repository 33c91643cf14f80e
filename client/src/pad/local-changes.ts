import * as Y from 'yjs';

type DeleteSet = Y.Transaction['deleteSet'];

/**
 * Upper bounds of the encoded size (Yjs update v1): a struct's header (info byte, two ids, parent) is at most 32 bytes,
 * counted twice per new struct since inserting into an earlier one splits it; a character at most 3 bytes; a deleted
 * range its two numbers plus the two structs it may split.
 */
const STRUCT_BYTES = 64;
const CHAR_BYTES = 3;
const RANGE_BYTES = 80;

/**
 * The local edits not yet handed to the send queue: this client's own structs from clock `from` on, and the delete
 * sets of the local transactions. Encoded into one Yjs update only when the provider can send (one encoding per
 * message), instead of Yjs encoding an update per keystroke that the provider then had to merge (`Y.mergeUpdates`
 * sorts its inputs for every struct it writes: quadratic in the number of keystrokes per message).
 *
 * Encoded as Yjs writes a state-as-update diff for one client: what leaves equals what `doc.on('update')` would have
 * produced for the same transactions, merged. So that no update outgrows `budget`, the recorded edits are cut at a
 * transaction boundary (before Yjs merges the new structs into the old) when the next transaction would exceed it.
 */
export class LocalChanges {
  private from: number | null = null;
  /** The Yjs client id the edits were made under (Yjs picks a new one if another client used it). */
  private client = 0;
  private dss: DeleteSet[] = [];
  private estimate = 0;

  constructor(private readonly doc: Y.Doc, private readonly budget: number) {}

  get empty(): boolean {
    return this.from === null;
  }

  /**
   * Records a local transaction; call from `afterTransaction` (its structs are not merged yet). Returns the edits
   * recorded before it, encoded, when adding it would pass the budget.
   */
  add(tr: Y.Transaction): Uint8Array | null {
    const id = this.doc.clientID;
    const before = tr.beforeState.get(id) ?? 0;
    const after = tr.afterState.get(id) ?? 0;
    let ranges = 0;
    for (const r of tr.deleteSet.clients.values()) ranges += r.length;
    if (after === before && ranges === 0) return null;
    let structs = 0;
    if (after > before) {
      const all = this.doc.store.clients.get(id)!;
      structs = all.length - Y.findIndexSS(all, before);
    }
    const size = STRUCT_BYTES * structs + CHAR_BYTES * (after - before) + RANGE_BYTES * ranges + 16;
    let out: Uint8Array | null = null;
    if (this.from !== null && this.client !== id) out = this.take();
    else if (this.from !== null && this.estimate + size > this.budget) out = this.take(before);
    if (this.from === null) {
      this.from = before;
      this.client = id;
    }
    if (ranges > 0) this.dss.push(tr.deleteSet);
    this.estimate += size;
    return out;
  }

  /** Forgets the recorded edits (something else sends them: the sync step's diff). */
  clear(): void {
    this.from = null;
    this.dss = [];
    this.estimate = 0;
  }

  /** Encodes the edits recorded so far (this client's structs before clock `to`) as one update and forgets them. */
  take(to = Infinity): Uint8Array | null {
    if (this.from === null) return null;
    const id = this.client;
    const all = this.doc.store.clients.get(id) ?? [];
    const from = this.from;
    const enc = new Y.UpdateEncoderV1();
    const start = from < Y.getState(this.doc.store, id) ? Y.findIndexSS(all, from) : all.length;
    let end = start;
    while (end < all.length && all[end]!.id.clock < to) end++;
    // `to` is a struct boundary when called from add(); if it is not, keep everything for the next update.
    if (to !== Infinity && end > start && all[end - 1]!.id.clock + all[end - 1]!.length !== to) return null;
    if (end > start) {
      enc.writeLen(1);
      enc.writeLen(end - start);
      enc.writeClient(id);
      enc.writeLen(from);
      all[start]!.write(enc, from - all[start]!.id.clock);
      for (let i = start + 1; i < end; i++) all[i]!.write(enc, 0);
    } else enc.writeLen(0);
    const ds = this.dss.length === 1 ? this.dss[0]! : Y.mergeDeleteSets(this.dss);
    enc.writeLen(ds.clients.size);
    for (const [client, items] of [...ds.clients].sort((a, b) => b[0] - a[0])) {
      enc.resetDsCurVal();
      enc.writeLen(client);
      enc.writeLen(items.length);
      for (const it of items) {
        enc.writeDsClock(it.clock);
        enc.writeDsLen(it.len);
      }
    }
    this.clear();
    return enc.toUint8Array();
  }
}
