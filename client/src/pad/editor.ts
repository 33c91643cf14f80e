import * as Y from 'yjs';
import { Compartment, EditorState, RangeSetBuilder, StateEffect, StateField, type Extension, type Transaction } from '@codemirror/state';
import { Decoration, EditorView, keymap, type DecorationSet } from '@codemirror/view';
import { minimalSetup } from 'codemirror';
import { yCollab, yUndoManagerKeymap } from 'y-codemirror.next';
import { chipsField, fieldsState, setFields, type FieldInfo } from './chips.js';
import { keepTyped } from './guard.js';
import { headings } from './headings.js';
import type { PadProvider } from './provider.js';

/**
 * The collaborative editor: CodeMirror 6 bound to the pad's Y.Text with y-codemirror.next (remote cursors and
 * selections carry the name and role colour the server put into each awareness state). `{{key}}` placeholders show as
 * chips with the field's label and value; "# " / "## " lines are headings; authorship can be shown as colours.
 *
 * An extension that throws never costs the person their text: the error is reported (`onError`, the page says so) and
 * the editor is rebuilt from the Y.Text, which holds everything typed (see guard.ts). If rebuilding fails too, the
 * editor comes back without chips and headings ("safe" mode) rather than not at all.
 */
export type { FieldInfo };

/** Author colours over the text: each run of characters with the colour of the role of whoever typed it. */
const setAuthorship = StateEffect.define<DecorationSet>();
const authorship = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update: (v, tr) => tr.effects.reduce((acc, e) => (e.is(setAuthorship) ? e.value : acc), v.map(tr.changes)),
  provide: (f) => EditorView.decorations.from(f),
});

export function authorshipDecorations(text: Y.Text, authors: PadProvider['authors'], colour: (role: string) => string): DecorationSet {
  const b = new RangeSetBuilder<Decoration>();
  let pos = 0;
  for (let item = text._start; item; item = item.right) {
    if (item.deleted || !(item.content instanceof Y.ContentString)) continue;
    const len = item.length;
    const a = authors.get(item.id.client);
    if (a) b.add(pos, pos + len, Decoration.mark({ attributes: { style: `background:${colour(a.role)}22;border-bottom:2px solid ${colour(a.role)}`, title: a.name, 'data-author': a.author } }));
    pos += len;
  }
  return b.finish();
}

export interface PadEditor {
  view: EditorView;
  setEditable(editable: boolean): void;
  setFieldInfo(fields: Record<string, FieldInfo>): void;
  showAuthors(deco: DecorationSet | null): void;
  /** Inserts text at the cursor (or the end), as one change. */
  insert(text: string): void;
  destroy(): void;
}

export interface PadEditorOptions {
  editable: boolean;
  label: string;
  /** An extension threw; the editor has recovered (or is recovering) with the text intact. */
  onError?: (e: unknown) => void;
}

const editableExt = (on: boolean): Extension => [EditorView.editable.of(on), EditorState.readOnly.of(!on)];

export function createPadEditor(parent: HTMLElement, provider: PadProvider, opts: PadEditorOptions): PadEditor {
  const editable = new Compartment();
  const undoManager = new Y.UndoManager(provider.text);
  const collab = yCollab(provider.text, provider.awareness, { undoManager });
  // What a rebuild carries over from the state it replaces.
  let canEdit = opts.editable;
  let fields: Record<string, FieldInfo> = {};
  let authors: DecorationSet = Decoration.none;
  let safe = false;
  let pluginCrashes = 0;
  let restartQueued = false;
  let destroyed = false;

  const report = (e: unknown) => {
    console.error('pad editor:', e);
    opts.onError?.(e);
  };
  const extensions = (): Extension[] => [
    keymap.of(yUndoManagerKeymap),
    minimalSetup,
    EditorView.lineWrapping,
    EditorView.contentAttributes.of({ 'aria-label': opts.label, 'data-testid': 'pad-text' }),
    editable.of(editableExt(canEdit)),
    // Plugin crashes (CodeMirror catches them and switches the plugin off): say so, then bring the plugins back; a
    // second crash brings them back without chips and headings, a crash after that is only reported.
    EditorView.exceptionSink.of((e) => {
      report(e);
      if (safe) return;
      if (++pluginCrashes > 1) safe = true;
      queueRestart();
    }),
    fieldsState.init(() => fields),
    safe ? [] : [chipsField, headings],
    authorship.init(() => authors),
    collab,
  ];

  /** A fresh state from the Y.Text (everything typed is there), the caret kept; plugins and DOM built anew. */
  const restart = (head: number) => {
    for (;;) {
      const doc = provider.text.toString();
      // Author colours are positions: carried over only onto the same text (the page repaints them on the next change).
      authors = view.state.doc.toString() === doc ? view.state.field(authorship) : Decoration.none;
      try {
        view.setState(EditorState.create({ doc, selection: { anchor: Math.min(head, doc.length) }, extensions: extensions() }));
        return;
      } catch (e) {
        report(e);
        if (safe) return;
        safe = true;
      }
    }
  };
  function queueRestart() {
    if (restartQueued) return;
    restartQueued = true;
    // After the update in progress; only when the sync plugin has kept the Y.Text level with the editor (else the
    // editor's copy, still on screen, is the one to keep, and the message tells the person).
    queueMicrotask(() => {
      restartQueued = false;
      if (destroyed) return;
      if (view.state.doc.toString() === provider.text.toString()) restart(view.state.selection.main.head);
    });
  }
  const dispatchTransactions = (trs: readonly Transaction[], v: EditorView) => {
    try {
      v.update(trs);
      return;
    } catch (e) {
      report(e);
    }
    keepTyped(provider.text, trs);
    restart(trs[trs.length - 1]?.state.selection.main.head ?? v.state.selection.main.head);
  };

  const view = new EditorView({ parent, dispatchTransactions, state: EditorState.create({ doc: provider.text.toString(), extensions: extensions() }) });
  return {
    view,
    setEditable(on) {
      canEdit = on;
      view.dispatch({ effects: editable.reconfigure(editableExt(on)) });
    },
    setFieldInfo(f) {
      fields = f;
      view.dispatch({ effects: setFields.of(f) });
    },
    showAuthors(deco) {
      authors = deco ?? Decoration.none;
      view.dispatch({ effects: setAuthorship.of(authors) });
    },
    insert(text) {
      const at = view.hasFocus ? view.state.selection.main.head : view.state.doc.length;
      view.dispatch({ changes: { from: at, insert: text }, selection: { anchor: at + text.length } });
      view.focus();
    },
    destroy() {
      destroyed = true;
      view.destroy();
      undoManager.destroy();
    },
  };
}
