import type * as Y from 'yjs';
import type { Transaction } from '@codemirror/state';
import { ySyncAnnotation, ySyncFacet } from 'y-codemirror.next';

/**
 * What the editor does when one of its extensions throws while the person types: the Y.Text stays the source of truth,
 * so a failed update is never the end of what was typed.
 *
 * CodeMirror applies a transaction in steps: the new state, then the view plugins (y-codemirror's sync plugin copies a
 * local change into the Y.Text there), then the DOM. If the DOM step throws, the state and the Y.Text already hold the
 * change but the DOM does not, and every later keystroke is read against a stale DOM. If an earlier step throws, the
 * change never reached the Y.Text. `keepTyped` covers the second case; the editor is then rebuilt from the Y.Text.
 */

/**
 * Copies local changes that never reached the Y.Text into it, exactly as the sync plugin would have (same origin, so
 * the plugin does not echo them back and the undo manager tracks them). Does nothing for remote changes (they came
 * from the Y.Text) or when the Y.Text has already moved past the transactions' start (the sync plugin ran).
 */
export function keepTyped(ytext: Y.Text, trs: readonly Transaction[]): boolean {
  const first = trs[0];
  const last = trs[trs.length - 1];
  if (!first || !last || trs.some((tr) => tr.annotation(ySyncAnnotation) !== undefined)) return false;
  if (last.state.doc.eq(first.startState.doc) || ytext.toString() !== first.startState.doc.toString()) return false;
  const conf = first.startState.facet(ySyncFacet);
  ytext.doc?.transact(() => {
    for (const tr of trs) {
      let adj = 0;
      tr.changes.iterChanges((fromA, toA, _fromB, _toB, inserted) => {
        const text = inserted.sliceString(0, inserted.length, '\n');
        if (fromA !== toA) ytext.delete(fromA + adj, toA - fromA);
        if (text.length > 0) ytext.insert(fromA + adj, text);
        adj += text.length - (toA - fromA);
      });
    }
  }, conf);
  return true;
}
