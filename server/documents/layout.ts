import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, PDFName, rgb, type PDFFont, type PDFImage, type PDFPage, type RGB } from 'pdf-lib';

/**
 * Fonts and a small flowing-text layout engine on pdf-lib: line wrapping for CJK (a break may fall between any two
 * ideographs, except before closing or after opening punctuation) and for Latin text (at spaces, long words split),
 * headings, page breaks, a running header and footer with page numbers.
 *
 * Fonts: Latin (English, Portuguese, digits, Latin punctuation) from DejaVu Sans / Sans Bold / Sans Mono, CJK (Simplified
 * and Traditional Chinese, CJK punctuation, full-width forms) from Droid Sans Fallback, a TrueType (glyf) face, so
 * pdf-lib's fontkit subsetting writes a real TrueType subset (CFF-based Noto CJK faces would not subset well). Each run
 * of text is drawn with the font that has its characters. Every font is embedded as a subset and named with a
 * six-letter subset tag ("ABCDEF+Name") as PDF/A asks; pdffonts then lists it as "emb yes, sub yes".
 */

export const FONT_FILES = {
  cjk: '/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf',
  latin: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  latinBold: '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf',
  mono: '/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf',
} as const;
type FontKey = keyof typeof FONT_FILES;

interface LoadedFace {
  bytes: Uint8Array;
  chars: Set<number>;
  postscriptName: string;
}
const faces = new Map<FontKey, LoadedFace>();

/**
 * Work-around for a bug in @pdf-lib/fontkit's TrueType subsetter: it copies each glyph's bytes unpadded and then, when
 * the subset's glyf table is under 64 KiB, writes a short-format loca table (offsets / 2). A glyph of odd length then
 * shifts every later glyph by a byte, and viewers draw blanks or garbage. Droid Sans Fallback has many odd-length
 * glyphs: without this, most Chinese characters render empty (while pdftotext still extracts them, as the ToUnicode map
 * is right). The patch pads every copied glyph to an even length (a zero byte after glyph data is allowed).
 */
let subsetPatched = false;
function patchSubsetter(font: { createSubset(): object }): void {
  if (subsetPatched) return;
  subsetPatched = true;
  const proto = Object.getPrototypeOf(font.createSubset()) as { _addGlyph(this: SubsetState, gid: number): number };
  const original = proto._addGlyph;
  proto._addGlyph = function (gid: number) {
    const r = original.call(this, gid);
    const last = this.glyf[this.glyf.length - 1];
    if (last && last.length % 2 === 1) {
      const Ctor = last.constructor as { alloc?: (n: number) => Uint8Array; new (n: number): Uint8Array };
      const padded = Ctor.alloc ? Ctor.alloc(last.length + 1) : new Ctor(last.length + 1);
      padded.set(last, 0);
      this.glyf[this.glyf.length - 1] = padded;
      this.offset += 1;
    }
    return r;
  };
}
interface SubsetState {
  glyf: Uint8Array[];
  offset: number;
}

function face(key: FontKey): LoadedFace {
  let f = faces.get(key);
  if (!f) {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(FONT_FILES[key]);
    } catch {
      throw new Error(`font ${FONT_FILES[key]} is missing: install Debian's fonts-droid-fallback and fonts-dejavu-core`);
    }
    const parsed = fontkit.create(bytes) as unknown as { characterSet: number[]; postscriptName: string | null; createSubset(): object };
    patchSubsetter(parsed);
    f = { bytes, chars: new Set(parsed.characterSet), postscriptName: parsed.postscriptName ?? key };
    faces.set(key, f);
  }
  return f;
}

/** Byte size of a font file: what embedding the whole face would cost (for the subsetting figures). */
export function fontFileSize(key: FontKey): number {
  return face(key).bytes.length;
}

function subsetTag(): string {
  return Array.from(randomBytes(6), (b) => String.fromCharCode(65 + (b % 26))).join('');
}

export interface FontSet {
  cjk: PDFFont;
  latin: PDFFont;
  latinBold: PDFFont;
  mono: PDFFont;
}

/** Embeds the four faces into `doc` as subsets (only glyphs used end up in the file, when the document is saved). */
export async function embedFonts(doc: PDFDocument, opts: { subset?: boolean } = {}): Promise<FontSet> {
  doc.registerFontkit(fontkit);
  const subset = opts.subset ?? true;
  const embed = (k: FontKey) => {
    const f = face(k);
    return doc.embedFont(f.bytes, { subset, customName: subset ? `${subsetTag()}+${f.postscriptName}` : f.postscriptName });
  };
  const [cjk, latin, latinBold, mono] = await Promise.all([embed('cjk'), embed('latin'), embed('latinBold'), embed('mono')]);
  return { cjk, latin, latinBold, mono };
}

export function isCjk(cp: number): boolean {
  return (
    (cp >= 0x2e80 && cp <= 0x9fff) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xffef) || (cp >= 0x20000 && cp <= 0x3134f) || (cp >= 0xac00 && cp <= 0xd7af)
  );
}

/** Closing punctuation never starts a line; opening punctuation never ends one (simple 禁则). */
const NO_LINE_START = new Set([...'，。、；：？！）」』》〉】〕”’·…—,.;:?!)]}%']);
const NO_LINE_END = new Set([...'（「『《〈【〔“‘([{']);

type Style = 'regular' | 'bold' | 'mono';

interface Run {
  font: PDFFont;
  text: string;
}

export class TextShaper {
  private readonly widthCache = new Map<PDFFont, Map<string, number>>();
  constructor(readonly fonts: FontSet) {}

  /** The font for one character in a style: CJK from the CJK face, the rest from the Latin face that has it. */
  fontFor(ch: string, style: Style): PDFFont {
    const cp = ch.codePointAt(0)!;
    const latinKey: FontKey = style === 'bold' ? 'latinBold' : style === 'mono' ? 'mono' : 'latin';
    if (!isCjk(cp) && face(latinKey).chars.has(cp)) return this.fonts[latinKey];
    if (face('cjk').chars.has(cp)) return this.fonts.cjk;
    if (face('latin').chars.has(cp)) return this.fonts.latin;
    return this.fonts[latinKey];
  }

  runs(text: string, style: Style): Run[] {
    const out: Run[] = [];
    for (const ch of text) {
      const font = this.fontFor(ch, style);
      const last = out[out.length - 1];
      if (last && last.font === font) last.text += ch;
      else out.push({ font, text: ch });
    }
    return out;
  }

  private charWidth(font: PDFFont, ch: string): number {
    let m = this.widthCache.get(font);
    if (!m) this.widthCache.set(font, (m = new Map()));
    let w = m.get(ch);
    if (w === undefined) {
      try {
        w = font.widthOfTextAtSize(ch, 1000) / 1000;
      } catch {
        w = 0.5;
      }
      m.set(ch, w);
    }
    return w;
  }

  width(text: string, size: number, style: Style): number {
    let w = 0;
    for (const ch of text) w += this.charWidth(this.fontFor(ch, style), ch);
    return w * size;
  }

  /** Splits text into unbreakable atoms: a Latin word with its trailing spaces, or one CJK character (with the punctuation glued to it). */
  private atoms(text: string): string[] {
    const atoms: string[] = [];
    let cur = '';
    const chars = [...text];
    for (let i = 0; i < chars.length; i++) {
      const ch = chars[i]!;
      const cp = ch.codePointAt(0)!;
      if (NO_LINE_START.has(ch) || (cur && NO_LINE_END.has([...cur].pop()!))) {
        cur += ch;
        continue;
      }
      if (isCjk(cp)) {
        if (cur) atoms.push(cur);
        cur = ch;
        continue;
      }
      if (ch === ' ') {
        cur += ch;
        const next = chars[i + 1];
        if (next !== ' ') {
          atoms.push(cur);
          cur = '';
        }
        continue;
      }
      // Latin character: continues a Latin word, starts a new atom after a CJK character.
      const prev = cur ? [...cur].pop()! : '';
      if (cur && (isCjk(prev.codePointAt(0)!) && !NO_LINE_END.has(prev))) {
        atoms.push(cur);
        cur = ch;
      } else cur += ch;
    }
    if (cur) atoms.push(cur);
    return atoms;
  }

  /** Greedy line breaking to `maxWidth` points. */
  wrap(text: string, size: number, maxWidth: number, style: Style): string[] {
    const lines: string[] = [];
    let line = '';
    let lineW = 0;
    const push = () => {
      lines.push(line.replace(/ +$/, ''));
      line = '';
      lineW = 0;
    };
    for (const atom of this.atoms(text)) {
      const w = this.width(atom, size, style);
      const trimmedW = this.width(atom.replace(/ +$/, ''), size, style);
      if (lineW + trimmedW <= maxWidth) {
        line += atom;
        lineW += w;
        continue;
      }
      if (line) push();
      if (trimmedW <= maxWidth) {
        line = atom;
        lineW = w;
        continue;
      }
      // A word longer than the line: split it by characters.
      for (const ch of atom) {
        const cw = this.width(ch, size, style);
        if (lineW + cw > maxWidth && line) push();
        line += ch;
        lineW += cw;
      }
    }
    if (line || lines.length === 0) push();
    return lines;
  }
}

export const A4: [number, number] = [595.28, 841.89];
const INK = rgb(0.1, 0.1, 0.12);
const MUTED = rgb(0.38, 0.38, 0.42);

export interface WriterOptions {
  /** Left and right texts of the running header (organisation, case number). */
  header?: { left: string; right: string };
  /** Footer text of page i of n (1-based). */
  footer?: (page: number, pages: number) => string;
  margin?: { top: number; bottom: number; left: number; right: number };
}

export interface TextOptions {
  size?: number;
  style?: Style;
  align?: 'left' | 'center' | 'right';
  indent?: number;
  color?: RGB;
  /** Space after the block, in points. */
  after?: number;
  lineHeight?: number;
  /** Keep this many points free below the first line (e.g. a heading with its first paragraph line). */
  keepWithNext?: number;
}

/** Flowing writer: text blocks top to bottom, new pages as needed, header and footer drawn on `finish()`. */
export class Writer {
  readonly shaper: TextShaper;
  readonly pages: PDFPage[] = [];
  page!: PDFPage;
  y = 0;
  readonly margin: { top: number; bottom: number; left: number; right: number };

  constructor(
    readonly doc: PDFDocument,
    readonly fonts: FontSet,
    private readonly opts: WriterOptions = {},
  ) {
    this.shaper = new TextShaper(fonts);
    this.margin = opts.margin ?? { top: 72, bottom: 64, left: 64, right: 64 };
  }

  get width(): number {
    return A4[0] - this.margin.left - this.margin.right;
  }

  newPage(): PDFPage {
    this.page = this.doc.addPage(A4);
    this.pages.push(this.page);
    this.y = A4[1] - this.margin.top;
    return this.page;
  }

  /** Starts a new page unless `h` points still fit on this one. */
  ensure(h: number): void {
    if (!this.page || this.y - h < this.margin.bottom) this.newPage();
  }

  /** Draws one line of mixed-script text at (x, baseline y). */
  drawLine(page: PDFPage, line: string, x: number, y: number, size: number, style: Style, color: RGB = INK): void {
    for (const run of this.shaper.runs(line, style)) {
      page.drawText(run.text, { x, y, size, font: run.font, color });
      x += this.shaper.width(run.text, size, style);
    }
  }

  text(str: string, o: TextOptions = {}): void {
    const size = o.size ?? 10.5;
    const style = o.style ?? 'regular';
    const lh = o.lineHeight ?? size * 1.55;
    const indent = o.indent ?? 0;
    const maxW = this.width - indent;
    // "\n" starts a new line: a bilingual label prints its second language under the first (bilingual.ts).
    const lines = str.split('\n').flatMap((part) => this.shaper.wrap(part, size, maxW, style));
    lines.forEach((line, i) => {
      this.ensure(lh + (i === 0 ? (o.keepWithNext ?? 0) : 0));
      const w = this.shaper.width(line, size, style);
      const x =
        this.margin.left + indent + (o.align === 'center' ? (maxW - w) / 2 : o.align === 'right' ? maxW - w : 0);
      this.drawLine(this.page, line, x, this.y - size, size, style, o.color ?? INK);
      this.y -= lh;
    });
    this.y -= o.after ?? 0;
  }

  muted(str: string, o: TextOptions = {}): void {
    this.text(str, { size: 8.5, color: MUTED, ...o });
  }

  space(h: number): void {
    this.y -= h;
  }

  rule(after = 8): void {
    this.ensure(after + 2);
    this.page.drawLine({ start: { x: this.margin.left, y: this.y }, end: { x: A4[0] - this.margin.right, y: this.y }, thickness: 0.5, color: MUTED });
    this.y -= after;
  }

  /** Draws `img` scaled into a box of w x h at (x, top y), keeping its aspect ratio. */
  imageInBox(img: PDFImage, x: number, top: number, w: number, h: number): void {
    const s = Math.min(w / img.width, h / img.height, 1.5);
    const iw = img.width * s;
    const ih = img.height * s;
    this.page.drawImage(img, { x: x + (w - iw) / 2, y: top - h + (h - ih) / 2, width: iw, height: ih });
  }

  /** Header and footer on every page written by this writer. */
  finish(): void {
    const n = this.pages.length;
    this.pages.forEach((p, i) => {
      const top = A4[1] - 40;
      if (this.opts.header) {
        this.drawLine(p, this.opts.header.left, this.margin.left, top, 8, 'regular', MUTED);
        const rw = this.shaper.width(this.opts.header.right, 8, 'regular');
        this.drawLine(p, this.opts.header.right, A4[0] - this.margin.right - rw, top, 8, 'regular', MUTED);
        p.drawLine({ start: { x: this.margin.left, y: top - 6 }, end: { x: A4[0] - this.margin.right, y: top - 6 }, thickness: 0.4, color: MUTED });
      }
      if (this.opts.footer) {
        const f = this.opts.footer(i + 1, n);
        const fw = this.shaper.width(f, 7.5, 'regular');
        this.drawLine(p, f, (A4[0] - fw) / 2, 36, 7.5, 'regular', MUTED);
      }
    });
  }
}

/** Marks a page with its kind (`/ConcordPage /CompletionCertificate`), read by the verifier to classify later pages. */
export function markPage(page: PDFPage, kind: string): void {
  page.node.set(PDFName.of('ConcordPage'), PDFName.of(kind));
}
