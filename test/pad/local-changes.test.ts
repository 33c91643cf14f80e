import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { LocalChanges } from '../../client/src/pad/local-changes.js';
import { editStats, type EditStats } from '../../server/pad/edit-stats.js';
import { checkUpdate } from '../../server/pad/validate-update.js';
import { PAD_TEXT } from '../../signaling/protocol/pad.js';

/** A seeded generator, so a failure replays. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random typing, deletions (also across other authors' text) and jumps; sometimes several edits in one transaction. */
function edit(doc: Y.Doc, r: () => number): void {
  const t = doc.getText(PAD_TEXT);
  const once = () => {
    const len = t.length;
    if (len > 5 && r() < 0.3) t.delete(Math.floor(r() * (len - 1)), 1 + Math.floor(r() * Math.min(4, len - 1)));
    else t.insert(Math.floor(r() * (len + 1)), ['甲', 'ab', '工资 ', '😀', '\n'][Math.floor(r() * 5)]!);
  };
  if (r() < 0.2) doc.transact(() => Array.from({ length: 1 + Math.floor(r() * 5) }, once));
  else once();
}

describe('pad provider: local edits encoded once per message', () => {
  it('the updates it sends rebuild every author’s text on the server and on the others, and each stays under its budget', () => {
    const r = rng(7);
    const budget = 4000;
    const server = new Y.Doc();
    const docs = [new Y.Doc(), new Y.Doc(), new Y.Doc()];
    const sent: Uint8Array[][] = docs.map(() => []);
    const locals = docs.map((d, i) => {
      const l = new LocalChanges(d, budget);
      d.on('afterTransaction', (tr: Y.Transaction) => {
        if (tr.origin === 'remote') return;
        const u = l.add(tr);
        if (u) sent[i]!.push(u);
      });
      return l;
    });
    for (let round = 0; round < 40; round++) {
      const out: Uint8Array[][] = [];
      for (const [i, d] of docs.entries()) {
        for (let k = 0; k < 20 + Math.floor(r() * 400); k++) edit(d, r);
        const last = locals[i]!.take();
        expect(locals[i]!.empty).toBe(true);
        out.push([...sent[i]!.splice(0), ...(last ? [last] : [])]);
      }
      for (const [i, us] of out.entries()) {
        for (const u of us) {
          expect(u.byteLength).toBeLessThanOrEqual(budget);
          // What the server checks: decodes, own client only, no gaps, refers only to what it holds.
          checkUpdate(u, { stateVector: Y.decodeStateVector(Y.encodeStateVector(server)), author: `a${i}`, textLength: 0, ownerOf: () => undefined });
          Y.applyUpdate(server, u, 'remote');
          expect(server.store.pendingStructs).toBeNull();
          expect(server.store.pendingDs).toBeNull();
          for (const [j, d] of docs.entries()) if (j !== i) Y.applyUpdate(d, u, 'remote');
        }
      }
      const text = server.getText(PAD_TEXT).toString();
      for (const d of docs) expect(d.getText(PAD_TEXT).toString()).toBe(text);
    }
    expect(server.getText(PAD_TEXT).length).toBeGreaterThan(1000);
  });
});

describe('pad edit summary', () => {
  it('counts what the text event’s delta counts, without walking the text', () => {
    const r = rng(11);
    const author = new Y.Doc();
    const server = new Y.Doc({ gc: true });
    const text = server.getText(PAD_TEXT);
    const pending: Uint8Array[] = [];
    author.on('update', (u: Uint8Array) => pending.push(u));
    let fromDelta: EditStats = { inserted: 0, deleted: 0, excerpt: '' };
    let fromTr: EditStats = { inserted: 0, deleted: 0, excerpt: '' };
    text.observe((e) => {
      fromDelta = { inserted: 0, deleted: 0, excerpt: '' };
      for (const d of e.changes.delta) {
        if (typeof d.insert === 'string') fromDelta.inserted += d.insert.length;
        if (d.delete) fromDelta.deleted += d.delete;
      }
    });
    server.on('afterTransaction', (tr: Y.Transaction) => {
      // Summed as the server does: reading the delta in the observer opens a second, empty transaction.
      const s = editStats(tr, text);
      fromTr = { inserted: fromTr.inserted + s.inserted, deleted: fromTr.deleted + s.deleted, excerpt: '' };
    });
    for (let i = 0; i < 300; i++) {
      for (let k = 0; k < 1 + Math.floor(r() * 30); k++) edit(author, r);
      const u = Y.mergeUpdates(pending.splice(0));
      fromDelta = { inserted: 0, deleted: 0, excerpt: '' };
      fromTr = { inserted: 0, deleted: 0, excerpt: '' };
      Y.applyUpdate(server, u);
      expect({ inserted: fromTr.inserted, deleted: fromTr.deleted }).toEqual({ inserted: fromDelta.inserted, deleted: fromDelta.deleted });
    }
    // The excerpt: the first characters inserted, in the order written.
    const d = new Y.Doc();
    d.on('afterTransaction', (tr: Y.Transaction) => {
      fromTr = editStats(tr, d.getText(PAD_TEXT));
    });
    d.getText(PAD_TEXT).insert(0, '被申请人同意支付');
    expect(fromTr).toEqual({ inserted: 8, deleted: 0, excerpt: '被申请人同意支付' });
    d.getText(PAD_TEXT).delete(0, 3);
    expect(fromTr).toEqual({ inserted: 0, deleted: 3, excerpt: '' });
  });
});
