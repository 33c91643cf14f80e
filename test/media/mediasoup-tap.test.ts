import { createSocket, type Socket } from 'node:dgram';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { types } from 'mediasoup';
import { loadConfig } from '../../server/config/index.js';
import { loadMediasoup } from '../../server/media/mediasoup/load.js';
import { MediasoupRecordingTap } from '../../server/media/mediasoup/tap.js';
import { locateMediasoupWorker } from '../../server/media/mediasoup/worker-bin.js';
import { parseVp8, seqDiff, vp8KeyframeSize, type Vp8Descriptor } from '../../server/media/werift/codecs.js';
import type { RecordingTarget } from '../../server/media/engine.js';
import { ffprobe } from '../../recordings/media.js';
import { TrackRecorder } from '../../recordings/segmenter.js';
import { PatternVp8, testPatternIvf } from '../recordings/helpers/speech.js';
import { publishOpus, publishVp8, type TestPublisher } from './helpers/mediasoup-publishers.js';
import { sleep, until } from './helpers/wait.js';

/**
 * The mediasoup engine's recording tap (issue 13) with real parts: the worker built here, werift peers publishing VP8
 * over WebRTC, a plain-RTP Opus producer, a UDP socket (or ffmpeg, the recorder) as the target.
 */
const where = locateMediasoupWorker(loadConfig().mediasoup);
if (!where.ok) console.warn(`mediasoup tap tests skipped: ${where.reason}`);

/** What the target received, one datagram each. */
class Target {
  readonly got: Buffer[] = [];
  private constructor(readonly socket: Socket) {
    socket.on('message', (m) => this.got.push(m));
  }
  static async open(): Promise<Target> {
    const s = createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
    return new Target(s);
  }
  target(extra: Partial<RecordingTarget> = {}): RecordingTarget {
    return { host: '127.0.0.1', port: this.socket.address().port, payloadType: 96, ssrc: 0xc0ffee01, ...extra };
  }
}

const d: Vp8Descriptor = { startOfFrame: false, keyframe: false, pictureIdOffset: -1, pictureIdBits: 0, pictureId: 0, tl0Offset: -1, tl0PicIdx: 0, headerOffset: 0 };
const keyframe = (m: Buffer) => parseVp8(m.subarray(12), d) && d.keyframe;
const width = (m: Buffer) => (keyframe(m) ? vp8KeyframeSize(m.subarray(12), d.headerOffset)?.width : undefined);
const seqs = (ms: Buffer[]) => ms.map((m) => m.readUInt16BE(2));

/** Every datagram is one RTP packet with the target's SSRC and PT, no extensions, numbered without a gap. */
function expectContinuousRtp(got: Buffer[], t: RecordingTarget): void {
  for (const m of got) {
    expect(m[0]).toBe(0x80);
    expect(m[1]! & 0x7f).toBe(t.payloadType);
    expect(m.readUInt32BE(8)).toBe(t.ssrc);
  }
  const s = seqs(got);
  const gaps = s.slice(1).map((x, i) => seqDiff(x, s[i]!)).filter((g) => g !== 1);
  expect(gaps).toEqual([]);
}

describe.skipIf(!where.ok)('the mediasoup recording tap', () => {
  let worker: types.Worker;
  let router: types.Router;
  const cleanup: (() => Promise<unknown> | void)[] = [];

  beforeAll(async () => {
    if (!where.ok) return;
    const mediasoup = await loadMediasoup(where.bin);
    worker = await mediasoup.createWorker({ logLevel: 'warn' });
    router = await worker.createRouter({
      mediaCodecs: [
        { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
        { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
      ],
    });
  });

  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });

  afterAll(() => worker?.close());

  async function video(opts: Parameters<typeof publishVp8>[1] = {}): Promise<TestPublisher> {
    const p = await publishVp8(router, opts);
    cleanup.push(() => p.stop());
    return p;
  }
  async function target(): Promise<Target> {
    const t = await Target.open();
    cleanup.push(() => void t.socket.close());
    return t;
  }
  async function tap(kind: 'audio' | 'video', t: RecordingTarget): Promise<MediasoupRecordingTap> {
    const tp = await MediasoupRecordingTap.open({ router }, 'A', kind, t);
    cleanup.push(() => tp.close());
    return tp;
  }

  it('copies VP8 as plain RTP with the target SSRC and PT, from a keyframe on, and asks for keyframes periodically', async () => {
    const pub = await video({ keyframeEvery: 100_000 }); // keyframes only when asked
    const rx = await target();
    const t = rx.target({ keyframeIntervalMs: 1000 });
    const tp = await tap('video', t);
    await tp.setOpen(true);
    await tp.follow(pub.producer, null);
    const plis = pub.plis();
    await until('three keyframe requests at the peer', () => pub.plis() - plis >= 3, 60_000);
    await until('three keyframes copied', () => rx.got.filter(keyframe).length >= 3, 60_000);
    expect(keyframe(rx.got[0]!)).toBe(true);
    expectContinuousRtp(rx.got, t);
    const stats = await tp.close();
    expect(await tp.close()).toEqual(stats);
    expect(tp.stats).toEqual(stats);
    await until('every copied datagram received', () => rx.got.length >= stats.packets, 10_000);
    await sleep(300); // and nothing after the close
    expect(rx.got.length).toBe(stats.packets);
    expect(stats.bytes).toBe(rx.got.reduce((n, m) => n + m.length, 0));
    expect(stats.firstPacketAt).not.toBeNull();
    expect(stats.lastPacketAt!).toBeGreaterThanOrEqual(stats.firstPacketAt!);
  });

  it('keeps sequence numbers and timestamps continuous when the producer is replaced, restarting on a keyframe', async () => {
    const a = await video({ width: 640, height: 360 });
    const b = await video({ width: 320, height: 180 });
    const rx = await target();
    const t = rx.target();
    const tp = await tap('video', t);
    await tp.setOpen(true);
    await tp.follow(a.producer, null);
    await until('copying from the first producer', () => rx.got.length >= 30, 30_000);
    await tp.follow(a.producer, null); // the same producer again: nothing changes
    await tp.follow(b.producer, null);
    await until('copying from the second producer', () => rx.got.some((m) => width(m) === 320) && rx.got.length >= 60, 30_000);
    const at = rx.got.findIndex((m) => width(m) === 320);
    expect(rx.got.slice(0, at).every((m) => width(m) !== 320)).toBe(true);
    expect(keyframe(rx.got[at]!)).toBe(true);
    expectContinuousRtp(rx.got, t);
    const ts = rx.got.map((m) => m.readUInt32BE(4));
    const step = (ts[at]! - ts[at - 1]!) >>> 0;
    expect(step).toBeGreaterThan(0);
    expect(step).toBeLessThan(90000 * 30); // forward, by about the time between the two packets
    await tp.follow(null, null);
    const n = tp.stats.packets;
    await sleep(500);
    expect(tp.stats.packets).toBe(n); // following nothing copies nothing
  });

  it('setOpen(false) stops the copy before it resolves; setOpen(true) resumes on a keyframe, numbering continuous', async () => {
    const pub = await video();
    const rx = await target();
    const t = rx.target();
    const tp = await tap('video', t);
    await tp.follow(pub.producer, null); // gate still closed: nothing is copied
    await sleep(500);
    expect(tp.stats.packets).toBe(0);
    await tp.setOpen(true);
    await until('copying', () => rx.got.length >= 30, 30_000);
    await tp.setOpen(false);
    const stopped = tp.stats.packets;
    await sleep(1000); // the producer keeps sending meanwhile
    expect(tp.stats.packets).toBe(stopped);
    await until('everything sent before the gate closed arrived', () => rx.got.length >= stopped, 10_000);
    expect(rx.got.length).toBe(stopped);
    await Promise.all([tp.setOpen(true), tp.setOpen(false), tp.setOpen(true)]); // the last call wins
    await until('copying again', () => rx.got.length >= stopped + 30, 30_000);
    expect(keyframe(rx.got[stopped]!)).toBe(true);
    expectContinuousRtp(rx.got, t);
  });

  it('copies Opus from an audio producer, payloads untouched', async () => {
    const pub = await publishOpus(router);
    cleanup.push(() => pub.stop());
    const rx = await target();
    const t = rx.target({ payloadType: 111, ssrc: 0xa0d10 });
    const tp = await tap('audio', t);
    await tp.follow(pub.producer, { id: pub.producer.id, participantId: 'A', kind: 'audio', source: 'microphone', layers: [], codec: 'opus', clockRate: 48000, channels: 2 });
    await tp.setOpen(true);
    await until('50 Opus packets', () => rx.got.length >= 50, 30_000);
    expectContinuousRtp(rx.got, t);
    const got = rx.got.map((m) => m.subarray(12));
    const k = pub.sent.findIndex((_, i) => got.every((g, j) => pub.sent[i + j]?.equals(g)));
    expect(k).toBeGreaterThanOrEqual(0); // a run of the sent payloads, in order, none changed
    const ts = rx.got.map((m) => m.readUInt32BE(4));
    expect(ts.slice(1).every((x, i) => ((x - ts[i]!) >>> 0) === 960)).toBe(true);
  });

  it('gives ffmpeg (the recorder, with its SDP) 5 s of real VP8 it writes as WebM segments', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'concord-mstap-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    // libvpx's test pattern, 320x240 at 15 fps with a keyframe every 2 s (synthetic noise frames are not decodable).
    const pub = await video({ source: new PatternVp8(testPatternIvf(dir, 4)), fps: 15 });
    const rec = new TrackRecorder({ dir, stem: 'A-video', kind: 'video', producer: { codec: 'vp8', clockRate: 90000 }, segmentSeconds: 2 });
    await rec.start();
    cleanup.push(() => rec.stop());
    const segments: string[] = [];
    rec.on('segment', (s: { path: string }) => segments.push(s.path));
    const tp = await tap('video', rec.target());
    await tp.setOpen(true);
    await tp.follow(pub.producer, null);
    await until('5 s of video copied', () => (tp.stats.lastPacketAt ?? 0) - (tp.stats.firstPacketAt ?? Infinity) >= 5000, 60_000);
    await tp.close();
    // What the tap copied, by its own clock: the files must hold that much video, not a wall-clock guess.
    const copiedS = ((tp.stats.lastPacketAt ?? 0) - (tp.stats.firstPacketAt ?? 0)) / 1000;
    await rec.stop();
    expect(segments.length).toBeGreaterThanOrEqual(2); // cut on the pattern's keyframes, every 2 s
    let duration = 0;
    for (const f of segments) {
      const p = await ffprobe(f);
      expect(p.streams.map((s) => [s.codec, s.width, s.height])).toEqual([['vp8', 320, 240]]);
      duration += p.duration;
    }
    expect(duration).toBeGreaterThan(3); // RTP time: the 15 fps sender's frames, fewer when the machine is busy
    expect(duration).toBeLessThan(copiedS + 1.5);
  }, 180_000);
});
