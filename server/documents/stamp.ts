import { PDFArray, PDFName, PDFNumber, drawEllipse, drawText, degrees, rgb, type PDFDocument, type PDFPage, type PDFRef, type PDFOperator } from 'pdf-lib';
import { embedFonts, TextShaper } from './layout.js';

/**
 * The visible seal: a red double circle with the organisation's name, "electronic seal" and the date, drawn as the
 * appearance of the seal's signature widget. It belongs to the seal's own revision, so the seal's signature covers it.
 * Renderers reserve its place with `/ConcordSealSlot [x y w h]` on a page (signature page, notice, ruling).
 */

const SEAL_RED = rgb(0.78, 0.08, 0.08);

export function markSealSlot(page: PDFPage, rect: [number, number, number, number]): void {
  page.node.set(PDFName.of('ConcordSealSlot'), page.doc.context.obj(rect));
}

/** The first page with a seal slot, and the slot. */
export function findSealSlot(doc: PDFDocument): { page: PDFPage; pageIndex: number; rect: [number, number, number, number] } | null {
  const pages = doc.getPages();
  for (let i = 0; i < pages.length; i++) {
    const a = pages[i]!.node.lookupMaybe(PDFName.of('ConcordSealSlot'), PDFArray);
    if (a && a.size() === 4) {
      const n = (k: number) => (a.lookup(k) as PDFNumber).asNumber();
      return { page: pages[i]!, pageIndex: i, rect: [n(0), n(1), n(2), n(3)] };
    }
  }
  return null;
}

/** Builds the stamp as a form XObject of size w x h; returns its reference. Fonts are embedded as subsets. */
export async function sealAppearance(doc: PDFDocument, w: number, h: number, lines: { name: string; caption: string; date: string }): Promise<PDFRef> {
  const fonts = await embedFonts(doc);
  const shaper = new TextShaper(fonts);
  const names = new Map<unknown, string>();
  const resources: Record<string, PDFRef> = {};
  const fontName = (f: object) => {
    let n = names.get(f);
    if (!n) {
      n = `F${names.size}`;
      names.set(f, n);
      resources[n] = (f as { ref: PDFRef }).ref;
    }
    return n;
  };
  const r = Math.min(w, h) / 2 - 2;
  const cx = w / 2;
  const cy = h / 2;
  const ops: PDFOperator[] = [
    ...drawEllipse({ x: cx, y: cy, xScale: r, yScale: r, color: undefined, borderColor: SEAL_RED, borderWidth: 2.4 }),
    ...drawEllipse({ x: cx, y: cy, xScale: r - 5, yScale: r - 5, color: undefined, borderColor: SEAL_RED, borderWidth: 0.6 }),
  ];
  const line = (text: string, size: number, y: number) => {
    const width = shaper.width(text, size, 'regular');
    let x = cx - width / 2;
    for (const run of shaper.runs(text, 'regular')) {
      ops.push(...drawText(run.font.encodeText(run.text), { color: SEAL_RED, font: fontName(run.font), size, rotate: degrees(0), xSkew: degrees(0), ySkew: degrees(0), x, y }));
      x += shaper.width(run.text, size, 'regular');
    }
  };
  // The name in at most two lines (three for very long names) that fit inside the inner ring, then a star, the
  // caption and the date; the block centred in the circle.
  const maxW = r * 1.3;
  let size = r / 4.2;
  let nameLines = shaper.wrap(lines.name, size, maxW, 'regular');
  while (nameLines.length > 2 && size > 6) {
    size -= 0.5;
    nameLines = shaper.wrap(lines.name, size, maxW, 'regular');
  }
  nameLines = nameLines.slice(0, 3);
  const small = size * 0.6;
  const blockH = nameLines.length * size * 1.2 + size * 1.1 + small * 1.3 * 2;
  let y = cy + blockH / 2 - size;
  for (const l of nameLines) {
    line(l, size, y);
    y -= size * 1.2;
  }
  line('★', size, y - size * 0.1);
  y -= size * 1.1;
  line(lines.caption, small, y);
  y -= small * 1.3;
  line(lines.date, small * 0.95, y);
  return doc.context.register(doc.context.formXObject(ops, { BBox: [0, 0, w, h], Resources: { Font: resources } }));
}
