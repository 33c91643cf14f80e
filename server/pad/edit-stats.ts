import * as Y from 'yjs';

export interface EditStats {
  /** Characters the transaction inserted into the text that are still there at its end. */
  inserted: number;
  /** Characters that were in the text before the transaction and that it deleted. */
  deleted: number;
  /** The first characters inserted, in the order they were written. */
  excerpt: string;
}

const EXCERPT_CHARS = 60;

/**
 * What one transaction changed in `text`, counted as the text event's delta counts it (inserts that survive the
 * transaction, deletions of what was there before), but from the transaction's new structs and delete set only.
 * The delta walks the whole text on every event, so on a long agreement it cost more than applying the update.
 * Call it from `afterTransaction` (before Yjs merges structs and drops deleted content).
 */
export function editStats(tr: Y.Transaction, text: Y.Text): EditStats {
  const store = tr.doc.store;
  let inserted = 0;
  let deleted = 0;
  let excerpt = '';
  for (const [client, after] of tr.afterState) {
    const before = tr.beforeState.get(client) ?? 0;
    const structs = store.clients.get(client);
    if (after <= before || !structs) continue;
    for (let i = Y.findIndexSS(structs, before); i < structs.length; i++) {
      const s = structs[i]!;
      if (!(s instanceof Y.Item) || s.deleted || s.parent !== text || !(s.content instanceof Y.ContentString)) continue;
      // New structs start at `before` (nothing is merged yet), so each one is wholly new.
      inserted += s.length;
      if (excerpt.length < EXCERPT_CHARS) excerpt += s.content.str.slice(0, EXCERPT_CHARS - excerpt.length);
    }
  }
  for (const [client, ranges] of tr.deleteSet.clients) {
    const before = tr.beforeState.get(client) ?? 0;
    const structs = store.clients.get(client);
    if (!structs) continue;
    for (const r of ranges) {
      // Only what existed before: content added and deleted in the same transaction never showed.
      const end = Math.min(r.clock + r.len, before);
      if (r.clock >= end) continue;
      for (let i = Y.findIndexSS(structs, r.clock); i < structs.length && structs[i]!.id.clock < end; i++) {
        const s = structs[i]!;
        if (!(s instanceof Y.Item) || s.parent !== text || !(s.content instanceof Y.ContentString)) continue;
        deleted += Math.min(end, s.id.clock + s.length) - Math.max(r.clock, s.id.clock);
      }
    }
  }
  return { inserted, deleted, excerpt };
}
