import * as Y from 'yjs';
import { LocalChanges } from '../client/src/pad/local-changes.js';
import { PAD_MAX_UPDATE_BYTES, PAD_TEXT } from '../signaling/protocol/pad.js';
import { fmt, machine } from './lib.js';
import { apply, nextOp, rng, type Op } from './pad-trace.js';

/**
 * `npx tsx bench/pad-floor.ts`: what `npm run bench:pad` could reach with a free server. The same kind of trace and
 * rounds (three authors, 400 operations each per round), but the three client documents and the server document
 * exchange their updates by function call: no socket, no check, no store. Only the Yjs work the server path cannot
 * avoid in one process: each author's own edits, encoding them once per round (as the provider does), the server
 * document applying them and each client applying the other two authors'. Process CPU time, against the same trace on
 * one bare Y.Doc.
 */
const OPS = 102_000;
const CHUNK = 400;
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const docs = [new Y.Doc(), new Y.Doc(), new Y.Doc()];
const server = new Y.Doc();
const locals = docs.map((d) => {
  const l = new LocalChanges(d, (PAD_MAX_UPDATE_BYTES * 3) / 4);
  const out: Uint8Array[] = [];
  d.on('afterTransaction', (tr: Y.Transaction) => {
    if (tr.origin === 'remote') return;
    const u = l.add(tr);
    if (u) out.push(u);
  });
  return { l, out };
});
const gens = docs.map((_, i) => ({ r: rng(1000 + i), cursor: { at: 0 } }));
const trace: Op[] = [];
const perAuthor = Math.ceil(OPS / docs.length);
const t = { local: 0, encode: 0, server: 0, clients: 0 };
for (let done = 0; done < perAuthor; done += CHUNK) {
  const sent: Uint8Array[][] = [];
  for (const [i, d] of docs.entries()) {
    const text = d.getText(PAD_TEXT);
    const ops: Op[] = [];
    const l0 = cpu();
    for (let k = 0; k < CHUNK && done + k < perAuthor; k++) {
      const op = nextOp(gens[i]!.r, text.length, gens[i]!.cursor);
      apply(text, op);
      ops.push(op);
    }
    const a = cpu();
    t.local += a - l0;
    trace.push(...ops);
    const last = locals[i]!.l.take();
    sent.push([...locals[i]!.out.splice(0), ...(last ? [last] : [])]);
    t.encode += cpu() - a;
  }
  const a = cpu();
  for (const us of sent) for (const u of us) Y.applyUpdate(server, u, 'remote');
  const b = cpu();
  t.server += b - a;
  for (const [i, d] of docs.entries()) for (const [j, us] of sent.entries()) if (i !== j) for (const u of us) Y.applyUpdate(d, u, 'remote');
  t.clients += cpu() - b;
}
const all = t.local + t.encode + t.server + t.clients;
const bareDoc = new Y.Doc();
const bareText = bareDoc.getText(PAD_TEXT);
const b0 = cpu();
for (const op of trace) apply(bareText, op);
const bare = cpu() - b0;
const same = docs.every((d) => d.getText(PAD_TEXT).toString() === server.getText(PAD_TEXT).toString());
console.log(`bench:pad floor on ${machine()}`);
console.table({
  operations: trace.length, converged: String(same), 'authors\' own edits (ms CPU)': fmt(t.local, 0), 'encoding them (ms)': fmt(t.encode, 0),
  'server doc applies them (ms)': fmt(t.server, 0), 'clients apply the others\' (ms)': fmt(t.clients, 0), 'total (ms)': fmt(all, 0),
  'bare doc, same trace (ms)': fmt(bare, 0), 'best ratio through server / bare': fmt(bare / all, 2),
});
