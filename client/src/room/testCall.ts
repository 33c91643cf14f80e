import type { HearingClient } from './hearingClient.js';
import type { LocalMediaState } from './devices.js';
import { readEcho, verdictOf, TEST_CALL_MEASURE_MS, TEST_CALL_WAIT_MS, type EchoSample, type TestCallResult } from './echo.js';
import { sdpSummary, trace } from './debug.js';
import { iceGatheringComplete } from './rtc.js';

/**
 * The pre-join test call (issue 16.5), without a framework: the camera and microphone go to the SFU on one
 * RTCPeerConnection (`testCall.publish`) and come back on a second one (`testCall.receive`, the server offers, we
 * answer), and the receiving side's getStats gives the verdict. The server closes the call's router after its
 * `limitMs` whatever happens here.
 */
export type { TestCallResult, TestCallVerdict } from './echo.js';
export type TestCallPhase = 'connecting' | 'sending' | 'measuring';
export interface TestCallProgress {
  phase: TestCallPhase;
  /** 0..1 of the longest the test can take. */
  fraction: number;
}

const POLL_MS = 250;
const median = (v: number[]): number | null => (v.length ? [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]! : null);
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
    // Placing the router may start a media worker (the first media of the server): more than a usual request's wait.
    const { iceServers } = await client.request('testCall.start', {}, 60_000);
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
    const rtts: number[] = [];
    while (!cancelled && offer && !failed()) {
      const s = readEcho(await sub.getStats(), Date.now());
      trace('test call: sample', { ...s, pub: pub.connectionState, sub: sub.connectionState });
      if (!first && s.packets > 0) first = s;
      if (first && s.rttMs !== null) rtts.push(s.rttMs);
      last = s;
      if (first && s.at - first.at >= TEST_CALL_MEASURE_MS) break;
      if (!first && s.at - waitFrom >= TEST_CALL_WAIT_MS) break;
      // Waiting for media fills the bar to 60 %, measuring it the rest.
      if (first) tell('measuring', 0.6 + (0.4 * (s.at - first.at)) / TEST_CALL_MEASURE_MS);
      else tell('sending', 0.1 + (0.5 * (s.at - waitFrom)) / TEST_CALL_WAIT_MS);
      await sleep(POLL_MS);
    }
    if (cancelled) throw new Error('cancelled');
    // One slow STUN answer on a busy phone is not a slow link: the window's median round trip counts.
    if (first && last) last = { ...last, rttMs: median(rtts) };
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
