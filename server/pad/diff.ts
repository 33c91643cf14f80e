import type { DiffOp } from '../../signaling/protocol/pad.js';

/**
 * Differences between two texts for the history view: lines first (Myers), then, inside each changed block, words
 * (Latin) or characters (CJK), so a changed amount shows as that amount rather than as a whole paragraph.
 */
export function diffTexts(a: string, b: string): DiffOp[] {
  const la = splitKeep(a, /\n/);
  const lb = splitKeep(b, /\n/);
  const out: DiffOp[] = [];
  const lines = myers(la, lb, 4000);
  let i = 0;
  while (i < lines.length) {
    const op = lines[i]!;
    if (op.op === 'eq') {
      push(out, 'eq', op.items.join(''));
      i++;
      continue;
    }
    // A run of deletions and insertions: refine it token by token.
    let del = '';
    let ins = '';
    while (i < lines.length && lines[i]!.op !== 'eq') {
      if (lines[i]!.op === 'del') del += lines[i]!.items.join('');
      else ins += lines[i]!.items.join('');
      i++;
    }
    const ta = tokens(del);
    const tb = tokens(ins);
    if (ta.length + tb.length > 20_000) {
      push(out, 'del', del);
      push(out, 'ins', ins);
      continue;
    }
    for (const t of myers(ta, tb, 2000)) push(out, t.op, t.items.join(''));
  }
  return out;
}

function push(out: DiffOp[], op: DiffOp['op'], text: string): void {
  if (!text) return;
  const last = out[out.length - 1];
  if (last && last.op === op) last.text += text;
  else out.push({ op, text });
}

function splitKeep(s: string, sep: RegExp): string[] {
  const parts: string[] = [];
  let start = 0;
  const re = new RegExp(sep.source, 'g');
  for (let m = re.exec(s); m; m = re.exec(s)) {
    parts.push(s.slice(start, m.index + m[0].length));
    start = m.index + m[0].length;
  }
  if (start < s.length) parts.push(s.slice(start));
  return parts;
}

/** Words, runs of spaces, and single characters for everything else (CJK, punctuation). */
export function tokens(s: string): string[] {
  return s.match(/[\p{L}\p{N}]+(?<![\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}])|\s+|./gsu)?.flatMap((t) =>
    /\p{Script=Han}/u.test(t) && t.length > 1 ? [...t] : [t],
  ) ?? [];
}

interface Run { op: DiffOp['op']; items: string[] }

/** Myers' O(ND) diff; past `maxD` edits it gives up and reports delete-all / insert-all. */
function myers(a: string[], b: string[], maxD: number): Run[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  let v: Int32Array = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= Math.min(max, maxD); d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
    if (found >= 0) break;
  }
  if (found < 0) {
    const runs: Run[] = [];
    if (n) runs.push({ op: 'del', items: a });
    if (m) runs.push({ op: 'ins', items: b });
    return runs;
  }
  // Walk back through the saved frontiers.
  const rev: { op: DiffOp['op']; item: string }[] = [];
  let x = n;
  let y = m;
  for (let d = found; d >= 0; d--) {
    v = trace[d]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : v[offset + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      rev.push({ op: 'eq', item: a[x - 1]! });
      x--;
      y--;
    }
    if (d === 0) break;
    if (x === prevX) rev.push({ op: 'ins', item: b[y - 1]! });
    else rev.push({ op: 'del', item: a[x - 1]! });
    x = prevX;
    y = prevY;
  }
  const runs: Run[] = [];
  for (let i = rev.length - 1; i >= 0; i--) {
    const r = rev[i]!;
    const last = runs[runs.length - 1];
    if (last && last.op === r.op) last.items.push(r.item);
    else runs.push({ op: r.op, items: [r.item] });
  }
  return runs;
}
