import type { HearingClient } from './hearingClient.js';
import type { LocalMediaState } from './devices.js';
import { classifyQuality } from './quality.js';
import { sdpSummary, trace } from './debug.js';
import { iceGatheringComplete } from './rtc.js';

/**
 * The pre-join test call (issue 16.5), without a framework: the camera and microphone go to the SFU on one
 * RTCPeerConnection (`testCall.publish`) and come back on a second one (`testCall.receive`, the server offers, we
 * answer), and the receiving side's getStats gives the verdict. The server closes the call's router after its
 * `limitMs` whatever happens here.
 */
export type TestCallVerdict = 'good' | 'weak' | 'blocked';
export type TestCallPhase = 'connecting' | 'sending' | 'measuring';
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

export interface TestCallProgress {
  phase: TestCallPhase;
  /** 0..1 of the longest the test can take. */
  fraction: number;
}

/** Longest wait for media to come back, from our answer, before saying "blocked" (ICE usually needs under a second). */
export const TEST_CALL_WAIT_MS = 8_000;
/** How long media is measured once it comes back. */
export const TEST_CALL_MEASURE_MS = 3_000;
const POLL_MS = 250;
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

export function readEcho(report: RTCStatsReport | Map<string, Stat>, at: number): EchoSample {
  const stats: Stat[] = [];
  (report as Map<string, Stat>).forEach((s: Stat) => stats.push(s));
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
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface TestCallRun {
  result: Promise<TestCallResult>;
  /** Stops early (the page left, or the person joined): connections closed, the server told. */
  cancel(): void;
}

/** Runs one test call with the current devices; `client` must be connected (no `hearing.join` needed). */
export function runTestCall(client: HearingClient, local: LocalMediaState, progress: (p: TestCallProgress) => void): TestCallRun {
  const pcs: RTCPeerConnection[] = [];
  let cancelled = false;
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    for (const pc of pcs) pc.close();
    client.request('testCall.stop', {}, 5000).catch(() => undefined);
  };
  const run = async (): Promise<TestCallResult> => {
    const tell = (phase: TestCallPhase, fraction: number) => progress({ phase, fraction: Math.max(0, Math.min(1, fraction)) });
    tell('connecting', 0.05);
    const { iceServers } = await client.request('testCall.start', {});
    const config: RTCConfiguration = {
      bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require',
      ...(iceServers.length ? { iceServers: iceServers.map((s) => ({ ...s, urls: typeof s.urls === 'string' ? s.urls : [...s.urls] })) } : {}),
    };
    const pub = new RTCPeerConnection(config);
    const sub = new RTCPeerConnection(config);
    pcs.push(pub, sub);
    const stream = new MediaStream();
    const sources: Record<string, 'microphone' | 'camera'> = {};
    const audio = local.audioTrack ? pub.addTransceiver(local.audioTrack, { direction: 'sendonly', streams: [stream] }) : null;
    const video = local.videoTrack ? pub.addTransceiver(local.videoTrack, { direction: 'sendonly', streams: [stream] }) : null;
    await pub.setLocalDescription(await pub.createOffer());
    for (const [t, src] of [[audio, 'microphone'], [video, 'camera']] as const) {
      if (t?.mid) sources[t.mid] = src;
      if (t?.sender.track && t.sender.track.id.length <= 64) sources[t.sender.track.id] = src;
    }
    await iceGatheringComplete(pub);
    if (cancelled) throw new Error('cancelled');
    const answer = await client.request('testCall.publish', { sdp: pub.localDescription!.sdp, sources });
    await pub.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
    tell('sending', 0.1);
    const { sdp: offer } = await client.request('testCall.receive', {}, TEST_CALL_WAIT_MS + 5000);
    trace('test call: offer', offer ? sdpSummary(offer) : null);
    if (cancelled) throw new Error('cancelled');
    if (offer) {
      await sub.setRemoteDescription({ type: 'offer', sdp: offer });
      await sub.setLocalDescription(await sub.createAnswer());
      await iceGatheringComplete(sub);
      await client.request('testCall.answer', { sdp: sub.localDescription!.sdp });
    }
    // Wait for media to come back, then measure a window of it.
    const failed = () => pub.connectionState === 'failed' || sub.connectionState === 'failed';
    let first: EchoSample | null = null;
    let last: EchoSample | null = null;
    const waitFrom = Date.now();
    while (!cancelled && offer && !failed()) {
      const s = readEcho(await sub.getStats(), Date.now());
      trace('test call: sample', { ...s, pub: pub.connectionState, sub: sub.connectionState });
      if (!first && s.packets > 0) first = s;
      last = s;
      if (first && s.at - first.at >= TEST_CALL_MEASURE_MS) break;
      if (!first && s.at - waitFrom >= TEST_CALL_WAIT_MS) break;
      // Waiting for media fills the bar to 60 %, measuring it the rest.
      if (first) tell('measuring', 0.6 + (0.4 * (s.at - first.at)) / TEST_CALL_MEASURE_MS);
      else tell('sending', 0.1 + (0.5 * (s.at - waitFrom)) / TEST_CALL_WAIT_MS);
      await sleep(POLL_MS);
    }
    if (cancelled) throw new Error('cancelled');
    return verdictOf(first, first ? last : null, !!video, failed());
  };
  const result = run().finally(stop);
  return {
    result,
    cancel() {
      cancelled = true;
      stop();
    },
  };
}
