import { classifyQuality } from './levels.js';

/**
 * The pre-join test call's verdict from the receiving side's statistics (no DOM types here: the unit tests run it
 * under Node). Blocked: nothing came back; weak: it came back with the room's "fair"/"poor" loss or delay, or too
 * little bitrate; good otherwise.
 */
export type TestCallVerdict = 'good' | 'weak' | 'blocked';
/** Why blocked: ICE failed, or nothing came back in time. Why weak: which threshold. */
export type TestCallReason = 'ice_failed' | 'no_media' | 'loss' | 'rtt' | 'bitrate' | null;

export interface TestCallResult {
  verdict: TestCallVerdict;
  reason: TestCallReason;
  /** Over the measuring window; null when nothing came back. */
  lossPct: number | null;
  rttMs: number | null;
  kbps: number | null;
  packets: number;
}

/** Longest wait for media to come back, from our answer, before saying "blocked" (ICE usually needs under a second). */
export const TEST_CALL_WAIT_MS = 8_000;
/** How long media is measured once it comes back. */
export const TEST_CALL_MEASURE_MS = 3_000;
/** Below this the picture will be poor (video sent) or the sound break up (audio only). */
const MIN_KBPS = { video: 100, audio: 16 };

/** Cumulative receive-side numbers of one getStats report. */
export interface EchoSample {
  at: number;
  packets: number;
  lost: number;
  bytes: number;
  /** Round trip of the selected candidate pair, ms. */
  rttMs: number | null;
}

type Stat = Record<string, unknown> & { type: string; id: string };
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function readEcho(report: { forEach(fn: (s: Stat) => void): void }, at: number): EchoSample {
  const stats: Stat[] = [];
  report.forEach((s: Stat) => stats.push(s));
  const out: EchoSample = { at, packets: 0, lost: 0, bytes: 0, rttMs: null };
  for (const s of stats) {
    if (s.type !== 'inbound-rtp') continue;
    out.packets += num(s.packetsReceived) ?? 0;
    out.lost += Math.max(0, num(s.packetsLost) ?? 0);
    out.bytes += num(s.bytesReceived) ?? 0;
  }
  const transport = stats.find((s) => s.type === 'transport' && typeof s.selectedCandidatePairId === 'string');
  const pair = transport
    ? stats.find((s) => s.id === transport.selectedCandidatePairId)
    : stats.find((s) => s.type === 'candidate-pair' && s.nominated === true && s.state === 'succeeded');
  const rtt = pair ? num(pair.currentRoundTripTime) : null;
  if (rtt !== null) out.rttMs = rtt * 1000;
  return out;
}

/**
 * The verdict from two receive-side samples (start and end of the measuring window): blocked without packets, weak
 * with the room's own "poor" or "fair" thresholds for loss and delay (quality.ts) or too low a bitrate, else good.
 */
export function verdictOf(first: EchoSample | null, last: EchoSample | null, sendingVideo: boolean, iceFailed = false): TestCallResult {
  if (!first || !last || last.packets === 0) {
    return { verdict: 'blocked', reason: iceFailed ? 'ice_failed' : 'no_media', lossPct: null, rttMs: null, kbps: null, packets: 0 };
  }
  const received = last.packets - first.packets;
  const lost = Math.max(0, last.lost - first.lost);
  const seconds = Math.max(0.001, (last.at - first.at) / 1000);
  const lossPct = received + lost > 0 ? (lost / (received + lost)) * 100 : 0;
  const kbps = ((last.bytes - first.bytes) * 8) / 1000 / seconds;
  const rttMs = last.rttMs;
  const base = { lossPct: round1(lossPct), rttMs: rttMs === null ? null : Math.round(rttMs), kbps: Math.round(kbps), packets: last.packets };
  const q = classifyQuality({ lossPct, rttMs, availableOutKbps: null, sendingVideo });
  if (q !== 'good') return { verdict: 'weak', reason: lossPct >= 3 ? 'loss' : 'rtt', ...base };
  if (kbps < (sendingVideo ? MIN_KBPS.video : MIN_KBPS.audio)) return { verdict: 'weak', reason: 'bitrate', ...base };
  return { verdict: 'good', reason: null, ...base };
}

const round1 = (v: number) => Math.round(v * 10) / 10;

