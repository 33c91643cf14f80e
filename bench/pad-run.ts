import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import * as Y from 'yjs';
import { PAD_TEXT } from '../signaling/protocol/pad.js';
import { processCpuMs, since, threadCpuMs } from './pad-cpu.js';
import type { Recording } from './pad-messages.js';
import { apply, type Op } from './pad-trace.js';

export interface RunOptions {
  /** Operations in the whole trace (divided among the three authors). */
  ops: number;
  /** Operations an author types between two turns of its event loop. */
  chunk: number;
  /** Write a CPU profile of the main thread over the measured window (bench/pad-profile.ts). */
  profile: boolean;
  /** Threads mode: capture what each author's provider sends, for the replay pass (bench/pad-replay.ts). */
  record?: boolean;
}

/** One replay of the trace through the server, in either mode of `npm run bench:pad`. */
export interface PadRun {
  mode: 'threads' | 'in-process';
  /** Operations typed by the three authors, in the baseline's order (per chunk: author 0, 1, 2). */
  trace: Op[];
  /** Wall time from the first keystroke until every author and the server hold the same text, all of it stored. */
  ms: number;
  text: string;
  sent: number;
  received: number;
  rejected: number;
  /** Main thread's own CPU time over the run (the server; in-process also the three authors); null if unknown. */
  mainCpuMs: number | null;
  /** The main thread's event loop over the run: busy wall time (ms) and the busy share. */
  mainBusyMs: number;
  mainUtilization: number;
  /** Process CPU time over the run, every thread (authors' workers, GC helpers, libuv's pool). */
  processCpuMs: number;
  /** Each author thread's own CPU time (threads mode; empty in-process). */
  authorCpuMs: (number | null)[];
  /** Main thread heap growth (in-process: 3 client docs + the server doc; threads: the server doc). */
  heapGrowth: number;
  /** With `record` (threads mode): what the authors sent. */
  recording: Recording | null;
}

export function heap(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
}

/** Starts the measures of the main thread and the process; the returned function stops them. */
export function measure(): () => Pick<PadRun, 'ms' | 'mainCpuMs' | 'mainBusyMs' | 'mainUtilization' | 'processCpuMs'> {
  const cpu0 = threadCpuMs();
  const p0 = processCpuMs();
  const elu0: EventLoopUtilization = performance.eventLoopUtilization();
  const t0 = performance.now();
  return () => {
    const ms = performance.now() - t0;
    const elu = performance.eventLoopUtilization(elu0);
    return { ms, mainCpuMs: since(cpu0, threadCpuMs()), mainBusyMs: elu.active, mainUtilization: elu.utilization, processCpuMs: processCpuMs() - p0 };
  };
}

/** The authors' operations, chunk by chunk, interleaved as the in-process mode types them: author 0, 1, 2 per chunk. */
export function interleave(perAuthor: Op[][][]): Op[] {
  const trace: Op[] = [];
  const rounds = Math.max(...perAuthor.map((c) => c.length));
  for (let k = 0; k < rounds; k++) for (const chunks of perAuthor) trace.push(...(chunks[k] ?? []));
  return trace;
}

export interface BareRun {
  ms: number;
  /** The main thread's CPU time. */
  cpuMs: number | null;
  /** The process's (with V8's GC helper threads). */
  processCpuMs: number;
}

/** The baseline: the same trace on one bare Y.Doc in the main thread. */
export function bare(trace: Op[]): BareRun {
  const d = new Y.Doc();
  const t = d.getText(PAD_TEXT);
  const cpu0 = threadCpuMs();
  const p0 = processCpuMs();
  const t0 = performance.now();
  for (const op of trace) apply(t, op);
  const ms = performance.now() - t0;
  return { ms, cpuMs: since(cpu0, threadCpuMs()), processCpuMs: processCpuMs() - p0 };
}
