import { allSaved, padClient, padFixture, serverText, synced, waitFor, type RestartableServer } from '../test/pad/helpers.js';
import { startProfile } from './pad-profile.js';
import { heap, interleave, measure, type PadRun, type RunOptions } from './pad-run.js';
import { apply, nextOp, rng, type Op } from './pad-trace.js';

/**
 * `npm run bench:pad -- --in-process`: the earlier mode, kept for comparison. The three PadProvider clients and their
 * trace generators run in the server's process and thread: per round each author types `chunk` operations, then the
 * event loop turns once so the sockets move.
 */
export async function throughServerInProcess(srv: RestartableServer, { ops, chunk, profile }: RunOptions): Promise<PadRun> {
  const s = srv.s;
  const f = await padFixture(s, 1);
  const clients = [f.participants.applicant.token, f.participants.respondent.token, f.participants.mediator.token].map((t) => padClient(s, t, f.agreementId));
  try {
    await Promise.all(clients.map((c) => synced(c)));
    const gens = clients.map((_, i) => ({ r: rng(1000 + i), cursor: { at: 0 } }));
    const chunks: Op[][][] = clients.map(() => []);
    const perAuthor = Math.ceil(ops / clients.length);
    const h0 = heap();
    const profiling = profile ? await startProfile() : null;
    const stop = measure();
    for (let done = 0; done < perAuthor; done += chunk) {
      for (const [i, c] of clients.entries()) {
        const g = gens[i]!;
        const mine: Op[] = [];
        for (let k = 0; k < chunk && done + k < perAuthor; k++) {
          const op = nextOp(g.r, c.text.length, g.cursor);
          mine.push(op);
          apply(c.text, op);
        }
        chunks[i]!.push(mine);
      }
      // Let the sockets move: the server applies and broadcasts while the authors keep typing.
      await new Promise((r) => setImmediate(r));
    }
    await allSaved(clients, 600_000);
    await waitFor(() => clients.every((c) => c.text.toString() === clients[0]!.text.toString()), 'convergence', 600_000);
    const m = stop();
    if (profiling) console.log(`main thread profile of the measured window: ${await profiling()}`);
    const heapGrowth = heap() - h0;
    const text = clients[0]!.text.toString();
    if ((await serverText(s, f.staffToken, f.agreementId)) !== text) throw new Error('the server and the clients differ');
    return {
      mode: 'in-process', trace: interleave(chunks), text, ...m, authorCpuMs: [], heapGrowth, recording: null,
      sent: clients.reduce((n, c) => n + c.stats.sent, 0), received: clients.reduce((n, c) => n + c.stats.received, 0),
      rejected: clients.reduce((n, c) => n + c.stats.rejected, 0),
    };
  } finally {
    for (const c of clients) c.destroy();
  }
}
