import { RangeSetBuilder } from '@codemirror/state';
import { Decoration, ViewPlugin, type DecorationSet, type EditorView, type ViewUpdate } from '@codemirror/view';
import { takeFault } from './fault.js';

/** "# " and "## " lines are headings: line decorations only (a view plugin may not replace line breaks). */
const headingLine = (level: number) => Decoration.line({ attributes: { class: `pad-h${level}` } });

function build(view: EditorView): DecorationSet {
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

/** The test hook's fault: a replacing decoration across the first visible line break, which CodeMirror refuses. */
function faulty(view: EditorView): DecorationSet {
  const line = view.state.doc.lineAt(view.visibleRanges[0]?.from ?? 0);
  return line.to < view.state.doc.length ? Decoration.set([Decoration.replace({}).range(line.to, line.to + 1)]) : build(view);
}

export const headings = ViewPlugin.fromClass(
  class {
    decorations: DecorationSet;
    constructor(view: EditorView) {
      this.decorations = build(view);
    }
    update(u: ViewUpdate) {
      if (u.docChanged || u.viewportChanged) this.decorations = takeFault('decorations') ? faulty(u.view) : build(u.view);
    }
  },
  { decorations: (v) => v.decorations },
);
