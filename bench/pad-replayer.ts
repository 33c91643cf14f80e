import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { io, type Socket } from 'socket.io-client';
import * as Y from 'yjs';
import { PROTOCOL_VERSION } from '../signaling/protocol/errors.js';
import { PAD_NAMESPACE, PAD_TEXT, type PadClientToServerEvents, type PadServerToClientEvents } from '../signaling/protocol/pad.js';
import { since, threadCpuMs } from './pad-cpu.js';
import type { FromReplayer, ReplaySetup, ReplayStats, ToReplayer } from './pad-messages.js';

/**
 * The replay pass of `npm run bench:pad` (bench/pad-replay.ts), in one worker thread: three lightweight pad clients,
 * plain socket.io-client speaking the pad protocol with the participants' tokens in the handshake as the provider
 * sends them, and no Y.Doc. Each sends its author's recorded `pad.update`s in the recorded order with the provider's
 * flow control (one request in flight; the next once it is acknowledged as stored; RATE_LIMITED sent again after
 * 100 ms), and an update another author's update must precede waits until the server has stored that one (the server
 * refuses updates that refer to content it lacks). Acknowledgements and broadcasts are counted, never applied.
 */
const port = parentPort;
if (!port) throw new Error('bench/pad-replayer.ts runs as a worker thread');
// workerData is untyped at the thread boundary; the main thread builds it as a ReplaySetup (bench/pad-replay.ts).
const setup = workerData as ReplaySetup;
const post = (m: FromReplayer) => port.postMessage(m);
const WAIT_MS = 300_000;

type PadSocket = Socket<PadServerToClientEvents, PadClientToServerEvents>;
const stats: ReplayStats = { sent: 0, acked: 0, rateLimited: 0, received: 0, waited: 0 };
let counting = false;

function connect(token: string): Promise<PadSocket> {
  const s: PadSocket = io(`${setup.url}${PAD_NAMESPACE}`, {
    transports: ['websocket'], extraHeaders: { origin: setup.url }, forceNew: true, reconnection: false,
    auth: { token, protocol: PROTOCOL_VERSION, agreementId: setup.agreementId },
  });
  s.on('pad.update', () => {
    if (counting) stats.received++;
  });
  return new Promise((resolve, reject) => {
    s.once('connect', () => resolve(s));
    s.once('connect_error', reject);
  });
}

/** The sync step as the provider's first one (an empty state vector); returns the document the server holds. */
async function sync(s: PadSocket): Promise<Uint8Array> {
  const res = await s.timeout(WAIT_MS).emitWithAck('pad.sync', { stateVector: Y.encodeStateVector(new Y.Doc()) });
  if (!res.ok) throw new Error(`pad.sync refused: ${res.error.code} ${res.error.message}`);
  return new Uint8Array(res.data.update);
}

/**
 * Not timed: the fresh agreement's template has other Yjs ids than the recorded one, which the recorded updates refer
 * to, so one client deletes the fresh template and sends the recorded one. The text is then the recording's start.
 */
async function seed(s: PadSocket, fresh: Uint8Array): Promise<void> {
  const d = new Y.Doc();
  Y.applyUpdate(d, fresh);
  const sv = Y.encodeStateVector(d);
  const t = d.getText(PAD_TEXT);
  t.delete(0, t.length);
  const update = Y.mergeUpdates([Y.encodeStateAsUpdate(d, sv), setup.recording.initial]);
  const res = await s.timeout(WAIT_MS).emitWithAck('pad.update', { update });
  if (!res.ok) throw new Error(`seeding refused: ${res.error.code} ${res.error.message}`);
}

/** Updates stored per author during the replay (those that changed the document, so were broadcast). */
const stored = setup.tokens.map(() => 0);
let wake: (() => void)[] = [];
const ready = (after: number[]) => after.every((n, j) => stored[j]! >= n);

async function replay(i: number, s: PadSocket): Promise<void> {
  for (const m of setup.recording.authors[i]!.sent) {
    if (!ready(m.after)) stats.waited++;
    while (!ready(m.after)) await new Promise<void>((r) => wake.push(r));
    for (;;) {
      stats.sent++;
      const res = await s.timeout(WAIT_MS).emitWithAck('pad.update', { update: m.update });
      if (res.ok) {
        stats.acked++;
        if (res.data.seq !== null) stored[i]!++;
        const w = wake;
        wake = [];
        for (const f of w) f();
        break;
      }
      if (res.error.code !== 'RATE_LIMITED') throw new Error(`pad.update refused: ${res.error.code} ${res.error.message}`);
      stats.rateLimited++;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function start(): Promise<PadSocket[]> {
  const sockets = await Promise.all(setup.tokens.map(connect));
  const docs = await Promise.all(sockets.map(sync));
  await seed(sockets[setup.seeder]!, docs[setup.seeder]!);
  return sockets;
}

const fail = (err: unknown) => post({ type: 'error', message: err instanceof Error ? err.stack ?? err.message : String(err) });
const started = start();

port.on('message', (m: ToReplayer) => {
  if (m.type === 'go') {
    void started.then(async (sockets) => {
      counting = true;
      const cpu0 = threadCpuMs();
      const t0 = performance.now();
      await Promise.all(sockets.map((s, i) => replay(i, s)));
      const ms = performance.now() - t0;
      post({ type: 'done', ms, cpuMs: since(cpu0, threadCpuMs()), stats: { ...stats } });
    }).catch(fail);
  } else {
    void started.then((sockets) => {
      for (const s of sockets) s.disconnect();
      port.close();
    }, () => port.close());
  }
});
started.then(() => post({ type: 'ready' }), fail);
