import * as Y from 'yjs';
import { Compartment, EditorState, RangeSetBuilder, StateEffect, StateField } from '@codemirror/state';
import { Decoration, EditorView, MatchDecorator, ViewPlugin, WidgetType, keymap, type DecorationSet, type ViewUpdate } from '@codemirror/view';
import { minimalSetup } from 'codemirror';
import { yCollab, yUndoManagerKeymap } from 'y-codemirror.next';
import type { PadProvider } from './provider.js';

/**
 * The collaborative editor: CodeMirror 6 bound to the pad's Y.Text with y-codemirror.next (remote cursors and
 * selections carry the name and role colour the server put into each awareness state). `{{key}}` placeholders show as
 * chips with the field's label and value; "# " / "## " lines are headings; authorship can be shown as colours.
 */
export interface FieldInfo { label: string; value: string | null }

const setFields = StateEffect.define<Record<string, FieldInfo>>();
const fieldsState = StateField.define<Record<string, FieldInfo>>({
  create: () => ({}),
  update: (v, tr) => tr.effects.reduce((acc, e) => (e.is(setFields) ? e.value : acc), v),
});

class FieldChip extends WidgetType {
  constructor(readonly key: string, readonly info: FieldInfo | undefined) {
    super();
  }
  override eq(other: FieldChip): boolean {
    return other.key === this.key && other.info?.value === this.info?.value && other.info?.label === this.info?.label;
  }
  toDOM(): HTMLElement {
    const el = document.createElement('span');
    el.className = `pad-chip ${this.info?.value ? 'pad-chip-filled' : 'pad-chip-missing'}`;
    el.dataset.testid = 'pad-chip';
    el.dataset.field = this.key;
    el.title = this.info?.label ?? this.key;
    el.textContent = this.info?.value ? this.info.value : `⟨${this.info?.label ?? this.key}⟩`;
    return el;
  }
  override ignoreEvent(): boolean {
    return false;
  }
}

const chipMatcher = new MatchDecorator({
  regexp: /\{\{([A-Za-z][A-Za-z0-9]{0,39})\}\}/g,
  decoration: (m, view) => Decoration.replace({ widget: new FieldChip(m[1]!, view.state.field(fieldsState)[m[1]!]) }),
});

const chips = ViewPlugin.fromClass(
  class {
    decorations: DecorationSet;
    constructor(view: EditorView) {
      this.decorations = chipMatcher.createDeco(view);
    }
    update(u: ViewUpdate) {
      const fieldsChanged = u.transactions.some((t) => t.effects.some((e) => e.is(setFields)));
      this.decorations = fieldsChanged ? chipMatcher.createDeco(u.view) : chipMatcher.updateDeco(u, this.decorations);
    }
  },
  {
    decorations: (v) => v.decorations,
    provide: (p) => EditorView.atomicRanges.of((view) => view.plugin(p)?.decorations ?? Decoration.none),
  },
);

const headingLine = (level: number) => Decoration.line({ attributes: { class: `pad-h${level}` } });
const headings = ViewPlugin.fromClass(
  class {
    decorations: DecorationSet;
    constructor(view: EditorView) {
      this.decorations = this.build(view);
    }
    update(u: ViewUpdate) {
      if (u.docChanged || u.viewportChanged) this.decorations = this.build(u.view);
    }
    build(view: EditorView): DecorationSet {
      const b = new RangeSetBuilder<Decoration>();
      for (const { from, to } of view.visibleRanges) {
        for (let pos = from; pos <= to; ) {
          const line = view.state.doc.lineAt(pos);
          if (line.text.startsWith('# ')) b.add(line.from, line.from, headingLine(1));
          else if (line.text.startsWith('## ')) b.add(line.from, line.from, headingLine(2));
          pos = line.to + 1;
        }
      }
      return b.finish();
    }
  },
  { decorations: (v) => v.decorations },
);

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

export function createPadEditor(parent: HTMLElement, provider: PadProvider, opts: { editable: boolean; label: string }): PadEditor {
  const editable = new Compartment();
  const undoManager = new Y.UndoManager(provider.text);
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: provider.text.toString(),
      extensions: [
        keymap.of(yUndoManagerKeymap),
        minimalSetup,
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({ 'aria-label': opts.label, 'data-testid': 'pad-text' }),
        editable.of([EditorView.editable.of(opts.editable), EditorState.readOnly.of(!opts.editable)]),
        fieldsState,
        chips,
        headings,
        authorship,
        yCollab(provider.text, provider.awareness, { undoManager }),
      ],
    }),
  });
  return {
    view,
    setEditable(on) {
      view.dispatch({ effects: editable.reconfigure([EditorView.editable.of(on), EditorState.readOnly.of(!on)]) });
    },
    setFieldInfo(fields) {
      view.dispatch({ effects: setFields.of(fields) });
    },
    showAuthors(deco) {
      view.dispatch({ effects: setAuthorship.of(deco ?? Decoration.none) });
    },
    insert(text) {
      const at = view.hasFocus ? view.state.selection.main.head : view.state.doc.length;
      view.dispatch({ changes: { from: at, insert: text }, selection: { anchor: at + text.length } });
      view.focus();
    },
    destroy() {
      view.destroy();
      undoManager.destroy();
    },
  };
}
