/**
 * Link quality from WebRTC statistics, as plain functions: read the numbers out of `getStats()` reports, classify a
 * sample as good / fair / poor (with hysteresis, so the indicator does not flicker), and notice when video stopped
 * getting through while audio still does (then the room switches to audio-only).
 */
import type { LinkQuality, QualityInput } from './levels.js';

export { classifyQuality, type LinkQuality, type QualityInput } from './levels.js';

export interface PublishStats {
  /** Bytes sent on every outbound RTP stream so far. */
  bytesSent: number;
  /** Round-trip time in ms (remote-inbound-rtp, else the selected candidate pair), null when unknown. */
  rttMs: number | null;
  /** Fraction of our packets the server reported lost (0..1), null when unknown. */
  fractionLost: number | null;
  /** The browser's estimate of the uplink (bits/s), null when unknown. */
  availableOutgoingBitrate: number | null;
}

export interface ReceiveStats {
  packetsReceived: number;
  packetsLost: number;
  videoFramesDecoded: number;
  audioPacketsReceived: number;
  rttMs: number | null;
}

type Stat = Record<string, unknown> & { type: string; id: string };
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function entries(report: RTCStatsReport | Iterable<Stat> | Map<string, Stat>): Stat[] {
  const out: Stat[] = [];
  (report as Map<string, Stat>).forEach((s: Stat) => out.push(s));
  return out;
}

function selectedPair(stats: Stat[]): Stat | undefined {
  const transport = stats.find((s) => s.type === 'transport' && typeof s.selectedCandidatePairId === 'string');
  if (transport) return stats.find((s) => s.id === transport.selectedCandidatePairId);
  return stats.find((s) => s.type === 'candidate-pair' && (s.nominated === true || s.selected === true) && s.state === 'succeeded');
}

export function readPublishStats(report: RTCStatsReport | Map<string, Stat>): PublishStats {
  const stats = entries(report);
  let bytesSent = 0;
  let rtt: number | null = null;
  let lost: number | null = null;
  for (const s of stats) {
    if (s.type === 'outbound-rtp') bytesSent += num(s.bytesSent) ?? 0;
    if (s.type === 'remote-inbound-rtp') {
      const r = num(s.roundTripTime);
      if (r !== null) rtt = Math.max(rtt ?? 0, r * 1000);
      const f = num(s.fractionLost);
      if (f !== null) lost = Math.max(lost ?? 0, f);
    }
  }
  const pair = selectedPair(stats);
  if (rtt === null && pair) {
    const r = num(pair.currentRoundTripTime);
    if (r !== null) rtt = r * 1000;
  }
  return { bytesSent, rttMs: rtt, fractionLost: lost, availableOutgoingBitrate: pair ? num(pair.availableOutgoingBitrate) : null };
}

export function readReceiveStats(report: RTCStatsReport | Map<string, Stat>): ReceiveStats {
  const stats = entries(report);
  const out: ReceiveStats = { packetsReceived: 0, packetsLost: 0, videoFramesDecoded: 0, audioPacketsReceived: 0, rttMs: null };
  for (const s of stats) {
    if (s.type !== 'inbound-rtp') continue;
    const received = num(s.packetsReceived) ?? 0;
    out.packetsReceived += received;
    out.packetsLost += Math.max(0, num(s.packetsLost) ?? 0);
    if (s.kind === 'video') out.videoFramesDecoded += num(s.framesDecoded) ?? 0;
    else if (s.kind === 'audio') out.audioPacketsReceived += received;
  }
  const pair = selectedPair(stats);
  const r = pair ? num(pair.currentRoundTripTime) : null;
  if (r !== null) out.rttMs = r * 1000;
  return out;
}

/** Window deltas of two cumulative samples -> QualityInput. */
export function windowInput(
  prev: { pub: PublishStats | null; sub: ReceiveStats | null },
  next: { pub: PublishStats | null; sub: ReceiveStats | null },
  sendingVideo: boolean,
): QualityInput {
  const losses: number[] = [];
  if (next.pub?.fractionLost != null) losses.push(next.pub.fractionLost * 100);
  if (prev.sub && next.sub) {
    const rec = next.sub.packetsReceived - prev.sub.packetsReceived;
    const lost = next.sub.packetsLost - prev.sub.packetsLost;
    if (rec + lost > 20) losses.push((Math.max(0, lost) / (rec + Math.max(0, lost))) * 100);
  }
  const rtts = [next.pub?.rttMs, next.sub?.rttMs].filter((r): r is number => typeof r === 'number');
  const up = next.pub?.availableOutgoingBitrate;
  return {
    lossPct: losses.length ? Math.max(...losses) : null,
    rttMs: rtts.length ? Math.max(...rtts) : null,
    availableOutKbps: up != null ? up / 1000 : null,
    sendingVideo,
  };
}

/** Hysteresis: a new level is reported once it was seen `confirm` windows in a row (the first one at once). */
export class QualityTracker {
  private reported: LinkQuality | null = null;
  private candidate: LinkQuality | null = null;
  private streak = 0;

  constructor(private readonly confirm = 2) {}

  get current(): LinkQuality | null {
    return this.reported;
  }

  reset(): void {
    this.reported = null;
    this.candidate = null;
    this.streak = 0;
  }

  /** Returns the quality to report when it changed, else null. */
  push(q: LinkQuality): LinkQuality | null {
    if (this.reported === null) {
      this.reported = q;
      return q;
    }
    if (q === this.reported) {
      this.candidate = null;
      this.streak = 0;
      return null;
    }
    this.streak = q === this.candidate ? this.streak + 1 : 1;
    this.candidate = q;
    if (this.streak < this.confirm) return null;
    this.reported = q;
    this.candidate = null;
    this.streak = 0;
    return q;
  }
}

/**
 * Video cannot get through: for `windowMs` no video frame was decoded although someone should be sending video to
 * us, while audio packets kept arriving. (Both stalled means the whole link is down: that is not for audio-only.)
 */
export class VideoStallDetector {
  private progressAt: number | null = null;
  private audioAtProgress = 0;
  private lastFrames = 0;

  constructor(private readonly windowMs = 8000) {}

  push(at: number, s: { videoFramesDecoded: number; audioPacketsReceived: number }, expectingVideo: boolean, paused = false): boolean {
    const progressed = s.videoFramesDecoded > this.lastFrames;
    this.lastFrames = s.videoFramesDecoded;
    if (this.progressAt === null || progressed || !expectingVideo || paused) {
      this.progressAt = at;
      this.audioAtProgress = s.audioPacketsReceived;
      return false;
    }
    return at - this.progressAt >= this.windowMs && s.audioPacketsReceived > this.audioAtProgress;
  }

  reset(): void {
    this.progressAt = null;
    this.lastFrames = 0;
    this.audioAtProgress = 0;
  }
}
