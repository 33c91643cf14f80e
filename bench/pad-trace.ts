import type * as Y from 'yjs';

/** The drafting-pad benchmarks' editing trace (bench/pad.ts, bench/pad-floor.ts): three authors typing, deleting, jumping. */
export type Op = { kind: 'ins'; pos: number; text: string } | { kind: 'del'; pos: number; len: number };

/** A seeded generator (mulberry32), so every run replays the same trace. */
export function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const WORDS = ['被申请人', '申请人', '工资', '经济补偿', '人民币', '支付', '协议', 'the Respondent', 'pays', ' ', '，', '。', '\n'];

/** One author's next operation on a text of length `len`: mostly typing near their cursor, some deletions and jumps. */
export function nextOp(r: () => number, len: number, cursor: { at: number }): Op {
  if (r() < 0.05) cursor.at = Math.floor(r() * (len + 1));
  cursor.at = Math.min(cursor.at, len);
  if (len > 10 && r() < 0.2) {
    const pos = Math.max(0, cursor.at - 1);
    cursor.at = pos;
    return { kind: 'del', pos, len: 1 };
  }
  const w = WORDS[Math.floor(r() * WORDS.length)]!;
  const text = r() < 0.7 ? w.slice(0, 1 + Math.floor(r() * 2)) : w;
  const op: Op = { kind: 'ins', pos: cursor.at, text };
  cursor.at += text.length;
  return op;
}

export function apply(t: Y.Text, op: Op): void {
  const len = t.length;
  if (op.kind === 'ins') t.insert(Math.min(op.pos, len), op.text);
  else if (len > 0) t.delete(Math.min(op.pos, len - 1), Math.min(op.len, len - Math.min(op.pos, len - 1)));
}
