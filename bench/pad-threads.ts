import * as Y from 'yjs';
import { padFixture, serverText, type RestartableServer } from '../test/pad/helpers.js';
import type { AuthorSetup, FromAuthor, Recording, ToAuthor } from './pad-messages.js';
import { startProfile } from './pad-profile.js';
import { BenchThread } from './pad-thread.js';
import { heap, interleave, measure, type PadRun, type RunOptions } from './pad-run.js';

/** One author thread (bench/pad-author.ts). */
class AuthorThread extends BenchThread<FromAuthor, ToAuthor> {
  constructor(setup: AuthorSetup) {
    super(new URL('./pad-author-entry.mjs', import.meta.url), setup, 'author');
  }
}

/**
 * `npm run bench:pad -- --threads`, and the recording pass of the default replay mode (`record`): each of the three
 * authors, a PadProvider client with its trace generator, runs in its own worker thread, as each author is a browser on
 * its own device; the server runs in the main thread. The wall time runs from `go` until every author holds the
 * server's text with everything it typed acknowledged as stored.
 */
export async function throughServerThreads(srv: RestartableServer, { ops, chunk, profile, record = false }: RunOptions): Promise<PadRun> {
  const s = srv.s;
  const f = await padFixture(s, 1);
  const tokens = [f.participants.applicant.token, f.participants.respondent.token, f.participants.mediator.token];
  const perAuthor = Math.ceil(ops / tokens.length);
  const authors = tokens.map((token, i) => new AuthorThread({ url: s.url, token, agreementId: f.agreementId, seed: 1000 + i, ops: perAuthor, chunk, record }));
  try {
    await Promise.all(authors.map((a) => a.next('ready')));
    // The document the recorded updates build on: the template, before anyone typed.
    const initial = record ? Y.encodeStateAsUpdate((await s.services.agreements.live.get(f.agreementId)).doc) : null;
    const h0 = heap();
    const profiling = profile ? await startProfile() : null;
    const stop = measure();
    for (const a of authors) a.send({ type: 'go' });
    await Promise.all(authors.map((a) => a.next('saved')));
    // Every author's edits are acknowledged, so stored and applied: the server's text is the final one.
    const text = (await s.services.agreements.live.get(f.agreementId)).text.toString();
    for (const a of authors) a.send({ type: 'expect', text });
    const done = await Promise.all(authors.map((a) => a.next('converged')));
    const m = stop();
    if (profiling) console.log(`main thread profile of the measured window: ${await profiling()}`);
    const heapGrowth = heap() - h0;
    for (const a of authors) a.send({ type: 'finish' });
    const traces = await Promise.all(authors.map((a) => a.next('trace')));
    if ((await serverText(s, f.staffToken, f.agreementId)) !== text) throw new Error('the server and the authors differ');
    return {
      mode: 'threads', trace: interleave(traces.map((t) => t.chunks)), text, ...m, heapGrowth,
      recording: initial ? recordingOf(initial, text, traces) : null,
      authorCpuMs: done.map((d) => d.cpuMs),
      sent: done.reduce((n, d) => n + d.stats.sent, 0), received: done.reduce((n, d) => n + d.stats.received, 0),
      rejected: done.reduce((n, d) => n + d.stats.rejected, 0),
    };
  } finally {
    await Promise.all(authors.map((a) => a.terminate()));
  }
}

/** The authors' captures as the replay needs them: each update's wait on the others by author index, not key. */
function recordingOf(initial: Uint8Array, text: string, traces: Extract<FromAuthor, { type: 'trace' }>[]): Recording {
  const keys = traces.map((t) => t.recorded?.author ?? '');
  return {
    initial, text,
    authors: traces.map((t) => ({
      sent: (t.recorded?.sent ?? []).map((u) => ({ update: u.update, after: keys.map((k) => u.seen[k] ?? 0) })),
      other: t.recorded?.other ?? {},
    })),
  };
}
