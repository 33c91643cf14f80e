import { StateEffect, StateField, type EditorState, type Range } from '@codemirror/state';
import { Decoration, EditorView, WidgetType, type DecorationSet } from '@codemirror/view';

/**
 * `{{key}}` placeholders shown as chips with the field's label and value (atomic: the caret steps over a chip).
 *
 * The chips live in a StateField over the whole document, not in a view plugin over the viewport: a field maps its
 * decorations through every change, wherever it is. (They used to come from a MatchDecorator in a view plugin, whose
 * `updateDeco` returns the old set unmapped when a change lies wholly outside the viewport. On a phone, with another
 * editor typing above the visible part, the chips stayed at stale offsets, one ended up across a line break, CodeMirror
 * threw "Decorations that replace line breaks may not be specified via plugins" while drawing the next keystroke, and
 * the DOM and the editor state went apart, so what the person typed was read back wrong.)
 */
export interface FieldInfo { label: string; value: string | null }

export const setFields = StateEffect.define<Record<string, FieldInfo>>();
export const fieldsState = StateField.define<Record<string, FieldInfo>>({
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

/** One line's worth of pattern: it cannot match a line break, so a chip never spans one. */
const CHIP = /\{\{([A-Za-z][A-Za-z0-9]{0,39})\}\}/g;

/** Chips for every match on the lines that touch [from, to]. */
function chipsOnLines(state: EditorState, from: number, to: number): Range<Decoration>[] {
  const fields = state.field(fieldsState);
  const out: Range<Decoration>[] = [];
  const doc = state.doc;
  for (let n = doc.lineAt(from).number, last = doc.lineAt(to).number; n <= last; n++) {
    const line = doc.line(n);
    if (!line.text.includes('{{')) continue;
    for (const m of line.text.matchAll(CHIP)) {
      const start = line.from + m.index;
      out.push(Decoration.replace({ widget: new FieldChip(m[1]!, fields[m[1]!]) }).range(start, start + m[0].length));
    }
  }
  return out;
}

export const chipsField = StateField.define<DecorationSet>({
  create: (state) => Decoration.set(chipsOnLines(state, 0, state.doc.length)),
  update(deco, tr) {
    if (tr.effects.some((e) => e.is(setFields))) return Decoration.set(chipsOnLines(tr.state, 0, tr.state.doc.length));
    if (!tr.docChanged) return deco;
    let next = deco.map(tr.changes);
    const doc = tr.state.doc;
    tr.changes.iterChangedRanges((_fromA, _toA, fromB, toB) => {
      // Re-match the whole lines the change touched; a chip a change cut or joined is dropped or found again.
      const from = doc.lineAt(fromB).from;
      const to = doc.lineAt(toB).to;
      next = next.update({ filterFrom: from, filterTo: to, filter: () => false, add: chipsOnLines(tr.state, from, to), sort: true });
    });
    return next;
  },
  provide: (f) => [EditorView.decorations.from(f), EditorView.atomicRanges.of((view) => view.state.field(f))],
});
