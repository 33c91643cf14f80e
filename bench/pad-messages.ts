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
  /** Capture every `pad.update` the provider sends after `go`, for the replay pass (bench/pad-replay.ts). */
  record: boolean;
}

/**
 * One `pad.update` an author's provider sent, as captured in the recording pass: the Yjs update, and how many of each
 * other author's updates the provider had received (as broadcasts) when it sent it, keyed by author. The update may
 * refer to those, so the replay sends it only once the server has stored as many of theirs.
 */
export interface SentUpdate {
  update: Uint8Array;
  seen: Record<string, number>;
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
  /**
   * On `finish`, outside the measured time: the operations typed, one array per chunk; with `record`, this author's key
   * and the updates its provider sent in order (`other`: any other request it sent after `go`, by name).
   */
  | { type: 'trace'; chunks: Op[][]; recorded: { author: string; sent: SentUpdate[]; other: Record<string, number> } | null }
  | { type: 'error'; message: string };

/** What the recording pass captured (bench/pad-threads.ts with `record`), for the replay pass (bench/pad-replay.ts). */
export interface Recording {
  /** The agreement's document before anyone typed (its template), which the recorded updates build on. */
  initial: Uint8Array;
  /** The final text, every update stored. */
  text: string;
  /**
   * Per author, in the replay's order (applicant, respondent, mediator): the updates in the order sent, each with
   * `after[j]`, how many of author j's updates must be stored before it is sent; and any other request sent, by name.
   */
  authors: { sent: { update: Uint8Array; after: number[] }[]; other: Record<string, number> }[];
}

/** What the main thread hands the replay thread (bench/pad-replayer.ts) at start. */
export interface ReplaySetup {
  url: string;
  agreementId: string;
  /** One participant token per recorded author, in the recording's order. */
  tokens: string[];
  /** Which client first makes the fresh agreement's document the recorded one (`Recording.initial`). */
  seeder: number;
  recording: Recording;
}

export type ToReplayer = { type: 'go' } | { type: 'finish' };

export interface ReplayStats {
  /** `pad.update` requests sent (with any sent again after RATE_LIMITED) and acknowledged as stored. */
  sent: number;
  acked: number;
  /** Answered RATE_LIMITED (sent again 100 ms later, as the provider does). */
  rateLimited: number;
  /** Broadcasts of the others' updates received (counted, not applied). */
  received: number;
  /** Updates that had to wait for another author's update to be stored first. */
  waited: number;
}

export type FromReplayer =
  | { type: 'ready' }
  /** Every recorded update acknowledged as stored: wall time from the first send, and this thread's CPU time. */
  | { type: 'done'; ms: number; cpuMs: number | null; stats: ReplayStats }
  | { type: 'error'; message: string };
