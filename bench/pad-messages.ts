import type { Op } from './pad-trace.js';

/** What the pad benchmark's main thread hands each author thread (bench/pad-author.ts) at start. */
export interface AuthorSetup {
  url: string;
  token: string;
  agreementId: string;
  /** Seed of this author's trace generator (the in-process mode uses the same seeds). */
  seed: number;
  /** Operations this author types. */
  ops: number;
  /** Operations typed between two turns of the author's event loop (when its socket moves). */
  chunk: number;
}

/** Main thread to author. */
export type ToAuthor =
  | { type: 'go' }
  /** Everything is stored: wait until your text is this one. */
  | { type: 'expect'; text: string }
  /** After every author converged: send your operations, disconnect and end. */
  | { type: 'finish' };

/** The author's PadProvider counters (sent, acknowledged, received, rejected). */
export interface AuthorStats { sent: number; acked: number; received: number; rejected: number }

/** Author to main thread. */
export type FromAuthor =
  | { type: 'ready' }
  /** Done typing, and every local edit acknowledged as stored by the server. */
  | { type: 'saved' }
  /** Holds the expected text. `cpuMs`: this thread's own CPU time since `go` (null where the OS does not say). */
  | { type: 'converged'; cpuMs: number | null; stats: AuthorStats }
  /** On `finish`, outside the measured time: the operations typed, one array per chunk. */
  | { type: 'trace'; chunks: Op[][] }
  | { type: 'error'; message: string };
