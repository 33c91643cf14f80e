import { PDFDocument, PDFName, PDFRef, PDFStream, type PDFObject } from 'pdf-lib';

/**
 * Incremental updates with pdf-lib (ISO 32000-1 §7.5.6).
 *
 * pdf-lib always writes a whole new file, which would break every earlier signature (their byte ranges cover the old
 * bytes). So: load the PDF, remember every indirect object (its instance, and the serialisation of non-stream objects),
 * let the caller change the document through pdf-lib, then append ONLY the new and changed objects after the original
 * bytes, with a classic cross-reference section and a trailer whose /Prev points to the previous section. The original
 * bytes stay untouched, so earlier signatures stay valid.
 *
 * Limitation: the previous cross-reference section must be a classic table (what our renderers write:
 * `save({ useObjectStreams: false })`); PDFs ending in a cross-reference stream are refused.
 */

export interface UpdateSession {
  doc: PDFDocument;
  /** The bytes the update is appended to. */
  original: Uint8Array;
  before: Map<string, { obj: PDFObject; text: string | null }>;
  prevXref: number;
}

const latin1 = (b: Uint8Array, from: number, to: number) => Buffer.from(b.buffer, b.byteOffset + from, to - from).toString('latin1');

/** Offset given by the last `startxref` of the file. */
export function lastStartXref(bytes: Uint8Array): number {
  const tail = latin1(bytes, Math.max(0, bytes.length - 1024), bytes.length);
  const m = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(tail);
  if (!m) throw new Error('PDF has no startxref at its end');
  return Number(m[1]);
}

function serialise(obj: PDFObject): string | null {
  if (obj instanceof PDFStream) return null;
  return obj.toString();
}

export async function beginUpdate(original: Uint8Array): Promise<UpdateSession> {
  const prevXref = lastStartXref(original);
  if (latin1(original, prevXref, Math.min(original.length, prevXref + 4)) !== 'xref') {
    throw new Error('the previous cross-reference section is a stream; only PDFs with classic xref tables can be updated');
  }
  const doc = await PDFDocument.load(original, { updateMetadata: false, parseSpeed: Infinity });
  const before = new Map<string, { obj: PDFObject; text: string | null }>();
  for (const [ref, obj] of doc.context.enumerateIndirectObjects()) before.set(ref.tag, { obj, text: serialise(obj) });
  return { doc, original, before, prevXref };
}

function objectBytes(ref: PDFRef, obj: PDFObject): Uint8Array {
  const head = Buffer.from(`${ref.objectNumber} ${ref.generationNumber} obj\n`, 'latin1');
  const body = new Uint8Array(obj.sizeInBytes());
  obj.copyBytesInto(body, 0);
  return Buffer.concat([head, body, Buffer.from('\nendobj\n', 'latin1')]);
}

/** Appends the new and changed objects of `s.doc` to `s.original`; returns the new file (the original if nothing changed). */
export async function finishUpdate(s: UpdateSession): Promise<Uint8Array> {
  await s.doc.flush();
  const ctx = s.doc.context;
  const changed: [PDFRef, PDFObject][] = [];
  for (const [ref, obj] of ctx.enumerateIndirectObjects()) {
    const was = s.before.get(ref.tag);
    if (!was || was.obj !== obj || (was.text !== null && was.text !== serialise(obj))) changed.push([ref, obj]);
  }
  if (changed.length === 0) return s.original;
  changed.sort((a, b) => a[0].objectNumber - b[0].objectNumber);

  const parts: Uint8Array[] = [s.original];
  let offset = s.original.length;
  const lastByte = s.original[s.original.length - 1];
  if (lastByte !== 0x0a && lastByte !== 0x0d) {
    parts.push(Buffer.from('\n', 'latin1'));
    offset += 1;
  }
  const offsets: [number, number, number][] = [];
  for (const [ref, obj] of changed) {
    const b = objectBytes(ref, obj);
    offsets.push([ref.objectNumber, ref.generationNumber, offset]);
    parts.push(b);
    offset += b.length;
  }
  const xrefAt = offset;
  let xref = 'xref\n';
  for (let i = 0; i < offsets.length; ) {
    let j = i;
    while (j + 1 < offsets.length && offsets[j + 1]![0] === offsets[j]![0] + 1) j++;
    xref += `${offsets[i]![0]} ${j - i + 1}\n`;
    for (let k = i; k <= j; k++) {
      const [, gen, off] = offsets[k]!;
      xref += `${String(off).padStart(10, '0')} ${String(gen).padStart(5, '0')} n \n`;
    }
    i = j + 1;
  }
  const t = ctx.trailerInfo;
  const trailer = ctx.obj({ Size: ctx.largestObjectNumber + 1, Prev: s.prevXref });
  if (t.Root) trailer.set(PDFName.of('Root'), t.Root);
  if (t.Info) trailer.set(PDFName.of('Info'), t.Info);
  if (t.ID) trailer.set(PDFName.of('ID'), t.ID);
  xref += `trailer\n${trailer.toString()}\nstartxref\n${xrefAt}\n%%EOF\n`;
  parts.push(Buffer.from(xref, 'latin1'));
  return new Uint8Array(Buffer.concat(parts));
}
