import { parentPort, workerData } from 'node:worker_threads';
import { allSaved, padClient, synced, waitFor } from '../test/pad/client.js';
import { PadRequests } from '../signaling/protocol/pad.js';
import { threadCpuMs, since } from './pad-cpu.js';
import type { AuthorSetup, FromAuthor, SentUpdate, ToAuthor } from './pad-messages.js';
import { apply, nextOp, rng, type Op } from './pad-trace.js';

/**
 * One author of `npm run bench:pad`, in its own worker thread (as each author is a browser on its own device): the
 * browser's PadProvider over socket.io on loopback (no DOM needed) and this author's trace generator. Started through
 * pad-author-entry.mjs, which registers tsx in the thread. It connects and reports `ready`; on `go` it types its
 * operations, CHUNK at a time, letting its socket move between chunks; reports `saved` when everything it typed is
 * acknowledged as stored; on `expect` waits until its text is the server's and reports `converged` with its own CPU
 * time; on `finish` sends the operations it typed (outside the measured time) for the bare baseline, and ends.
 */
const port = parentPort;
if (!port) throw new Error('bench/pad-author.ts runs as a worker thread');
// workerData is untyped at the thread boundary; the main thread builds it as an AuthorSetup (bench/pad-threads.ts).
const setup = workerData as AuthorSetup;
const post = (m: FromAuthor) => port.postMessage(m);
const WAIT_MS = 600_000;

const c = padClient({ url: setup.url }, setup.token, setup.agreementId);
const chunks: Op[][] = [];
let cpu0: number | null = null;

// The recording pass (setup.record): every pad.update the provider sends after `go`, with the others' updates it had
// received by then (broadcasts counted by author), read off the socket as it goes out: the provider is unchanged.
const seen: Record<string, number> = {};
const sent: SentUpdate[] = [];
const other: Record<string, number> = {};
let recording = false;
if (setup.record) {
  c.socket.on('pad.update', (m) => {
    seen[m.author] = (seen[m.author] ?? 0) + 1;
  });
  c.socket.onAnyOutgoing((event: string, ...args: unknown[]) => {
    if (!recording) return;
    const u = event === 'pad.update' ? PadRequests['pad.update'].safeParse(args[0]) : null;
    if (u?.success) sent.push({ update: new Uint8Array(u.data.update), seen: { ...seen } });
    else other[event] = (other[event] ?? 0) + 1;
  });
}

async function type(): Promise<void> {
  cpu0 = threadCpuMs();
  recording = setup.record;
  const r = rng(setup.seed);
  const cursor = { at: 0 };
  for (let done = 0; done < setup.ops; done += setup.chunk) {
    const ops: Op[] = [];
    for (let k = 0; k < setup.chunk && done + k < setup.ops; k++) {
      const op = nextOp(r, c.text.length, cursor);
      ops.push(op);
      apply(c.text, op);
    }
    chunks.push(ops);
    // Let the socket move: the provider sends, acknowledgements and the others' edits come in.
    await new Promise((res) => setImmediate(res));
  }
  await allSaved([c], WAIT_MS, 5);
  post({ type: 'saved' });
}

async function converge(text: string): Promise<void> {
  await waitFor(() => c.text.length === text.length && c.text.toString() === text, 'convergence', WAIT_MS, 5);
  post({ type: 'converged', cpuMs: since(cpu0, threadCpuMs()), stats: { ...c.stats } });
}

const fail = (err: unknown) => post({ type: 'error', message: err instanceof Error ? err.stack ?? err.message : String(err) });

port.on('message', (m: ToAuthor) => {
  if (m.type === 'go') type().catch(fail);
  else if (m.type === 'expect') converge(m.text).catch(fail);
  else {
    post({ type: 'trace', chunks, recorded: setup.record ? { author: c.self?.author ?? '', sent, other } : null });
    c.destroy();
    port.close();
  }
});
synced(c, 60_000).then(() => post({ type: 'ready' }), fail);
