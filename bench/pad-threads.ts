import { Worker } from 'node:worker_threads';
import { padFixture, serverText, type RestartableServer } from '../test/pad/helpers.js';
import type { AuthorSetup, FromAuthor, ToAuthor } from './pad-messages.js';
import { startProfile } from './pad-profile.js';
import { heap, interleave, measure, type PadRun, type RunOptions } from './pad-run.js';

type Msg<T extends FromAuthor['type']> = Extract<FromAuthor, { type: T }>;

/** One author thread (bench/pad-author.ts) and the messages it sends, awaited by type. */
class AuthorThread {
  private readonly worker: Worker;
  private readonly got = new Map<FromAuthor['type'], FromAuthor>();
  private readonly waiting = new Map<FromAuthor['type'], { resolve: (m: FromAuthor) => void; reject: (e: Error) => void }>();
  private failure: Error | null = null;
  readonly exited: Promise<number>;

  constructor(setup: AuthorSetup) {
    this.worker = new Worker(new URL('./pad-author-entry.mjs', import.meta.url), { workerData: setup });
    this.worker.on('message', (m: FromAuthor) => {
      if (m.type === 'error') return this.fail(new Error(`author thread: ${m.message}`));
      const w = this.waiting.get(m.type);
      this.waiting.delete(m.type);
      if (w) w.resolve(m);
      else this.got.set(m.type, m);
    });
    this.worker.on('error', (e) => this.fail(e));
    this.exited = new Promise((r) => this.worker.once('exit', r));
    void this.exited.then((code) => this.fail(new Error(`author thread ended (exit code ${code})`)));
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const w of this.waiting.values()) w.reject(e);
    this.waiting.clear();
  }

  send(m: ToAuthor): void {
    this.worker.postMessage(m);
  }

  next<T extends FromAuthor['type']>(type: T): Promise<Msg<T>> {
    // The map is keyed by message type, so the message found or delivered under `type` is a Msg<T>.
    const m = this.got.get(type);
    if (m) {
      this.got.delete(type);
      return Promise.resolve(m as Msg<T>);
    }
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiting.set(type, { resolve: (x) => resolve(x as Msg<T>), reject }));
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}

/**
 * `npm run bench:pad` (default mode): each of the three authors, a PadProvider client with its trace generator, runs
 * in its own worker thread, as each author is a browser on its own device; the server runs in the main thread. The
 * wall time runs from `go` until every author holds the server's text with everything it typed acknowledged as stored.
 */
export async function throughServerThreads(srv: RestartableServer, { ops, chunk, profile }: RunOptions): Promise<PadRun> {
  const s = srv.s;
  const f = await padFixture(s, 1);
  const tokens = [f.participants.applicant.token, f.participants.respondent.token, f.participants.mediator.token];
  const perAuthor = Math.ceil(ops / tokens.length);
  const authors = tokens.map((token, i) => new AuthorThread({ url: s.url, token, agreementId: f.agreementId, seed: 1000 + i, ops: perAuthor, chunk }));
  try {
    await Promise.all(authors.map((a) => a.next('ready')));
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
      authorCpuMs: done.map((d) => d.cpuMs),
      sent: done.reduce((n, d) => n + d.stats.sent, 0), received: done.reduce((n, d) => n + d.stats.received, 0),
      rejected: done.reduce((n, d) => n + d.stats.rejected, 0),
    };
  } finally {
    await Promise.all(authors.map((a) => a.terminate()));
  }
}
