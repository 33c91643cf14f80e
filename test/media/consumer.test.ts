import { describe, expect, it } from 'vitest';
import { parseVp8, type Vp8Descriptor } from '../../server/media/werift/codecs.js';
import { Consumer } from '../../server/media/werift/consumer.js';
import type { OutboundStream, PayloadPatch } from '../../server/media/werift/outbound.js';
import type { Layer } from '../../server/media/werift/layers.js';
import { Producer } from '../../server/media/werift/producer.js';
import { SyntheticVp8 } from './helpers/synthetic.js';

/** The per-subscriber rewriting, on synthetic packets and a recording stand-in for the outgoing stream. */
interface Sent {
  seq: number;
  ts: number;
  payload: Buffer;
  patch: PayloadPatch | null;
}

function recordingStream(): OutboundStream & { sent: Sent[]; up: boolean } {
  const sent: Sent[] = [];
  const s = {
    sent,
    /** The subscriber's DTLS/ICE is up (a real stream drops what it cannot send yet). */
    up: true,
    canSend: () => s.up,
    clockRate: 90000,
    lastSeq: 1000,
    lastTs: 5000,
    lastSentAt: 0,
    srSource: null,
    send(seq: number, ts: number, _marker: boolean, payload: Buffer, patch: PayloadPatch | null, now: number) {
      sent.push({ seq, ts, payload, patch: patch && { ...patch } }); // the patch object is only valid during the call
      s.lastSeq = seq;
      s.lastTs = ts;
      s.lastSentAt = now;
      return payload.length + 28;
    },
  };
  return s as unknown as OutboundStream & { sent: Sent[]; up: boolean };
}

const ev = () => ({ subscribe: () => ({ unSubscribe() {} }) });
const plis: number[] = [];
function producer(rids: string[] = []): Producer {
  const transceiver = { receiver: { onRtcp: ev(), tracks: [], sendRtcpPLI: async (ssrc: number) => void plis.push(ssrc) } };
  const p = new Producer('p1', 'A', 'video', 'camera', { mimeType: 'video/VP8', clockRate: 90000 } as never, transceiver as never, rids);
  p.layers.forEach((l, i) => (l.ssrc = 1000 + i)); // learnt from the first packet in real use
  return p;
}

function consumer(p: Producer, prefs = {}, up = true, at = Date.now()) {
  const stream = recordingStream();
  stream.up = up;
  const c = new Consumer(p, 'B', {} as never, stream, { packets: 0, bytes: 0 }, prefs);
  c.ready = true;
  c.setActive(true, at);
  return { c, stream };
}

/** Feeds `frames` frames of a source into one layer, sequence numbers from `seq`. */
function feed(p: Producer, layerIndex: number, src: SyntheticVp8, frames: number, seq: { n: number }, now = Date.now()): void {
  for (let f = 0; f < frames; f++) {
    for (const pkt of src.nextFrame()) {
      p.onPacket(p.layers[layerIndex]!, seq.n, pkt.timestamp, pkt.marker, pkt.payload, -1, now);
      seq.n = (seq.n + 1) & 0xffff;
    }
  }
}

/** A two-layer simulcast producer (180p and 360p sources) that has seen a first frame of each, measured and ranked. */
function simulcastProducer() {
  const p = producer(['l', 'h']);
  const lo = new SyntheticVp8(150, 30, 1100, 320, 180);
  const hi = new SyntheticVp8(600, 30, 1100, 640, 360);
  const sl = { n: 100 };
  const sh = { n: 40000 };
  feed(p, 0, lo, 1, sl);
  feed(p, 1, hi, 1, sh);
  p.tick(Date.now(), 1000);
  return { p, lo, hi, sl, sh };
}

describe('consumer rewriting', () => {
  it('forwards a long stream (past two sequence-number wraps) with continuous numbering', () => {
    const p = producer();
    const { stream } = consumer(p);
    const src = new SyntheticVp8(300, 30, 1100, 320, 180, 100_000);
    const seq = { n: 60000 };
    feed(p, 0, src, 45_000, seq); // ~2 packets per frame -> ~90,000 packets
    expect(stream.sent.length).toBeGreaterThan(70_000);
    expect(stream.sent[0]!.seq).toBe(1001); // continues the sender's numbering
    for (let i = 1; i < stream.sent.length; i++) {
      if (stream.sent[i]!.seq !== ((stream.sent[i - 1]!.seq + 1) & 0xffff)) throw new Error(`gap at ${i}`);
    }
  });

  it('waits for a keyframe to start, asks for one, and drops packets from before the start', () => {
    plis.length = 0;
    const p = producer();
    const src = new SyntheticVp8(300);
    const seq = { n: 10 };
    feed(p, 0, src, 1, seq); // a keyframe nobody is subscribed to yet
    const { stream } = consumer(p);
    feed(p, 0, src, 3, seq); // delta frames: not forwarded
    expect(stream.sent.length).toBe(0);
    expect(plis.length).toBeGreaterThan(0);
    src.requestKeyframe();
    feed(p, 0, src, 2, seq);
    expect(stream.sent.length).toBeGreaterThan(0);
    const d: Vp8Descriptor = { startOfFrame: false, keyframe: false, pictureIdOffset: -1, pictureIdBits: 0, pictureId: 0, tl0Offset: -1, tl0PicIdx: 0, headerOffset: 0 };
    parseVp8(stream.sent[0]!.payload, d);
    expect(d.keyframe).toBe(true);
    // A retransmitted packet from before the start point is not forwarded.
    const n = stream.sent.length;
    p.onPacket(p.layers[0]!, 11, 0, false, Buffer.from([0x80, 0x80, 0x80, 0x01, 0x01]), -1);
    expect(stream.sent.length).toBe(n);
  });

  it("before the subscriber's transport is up nothing is asked or sent; the first packet after it asks at once", () => {
    plis.length = 0;
    const p = producer();
    const src = new SyntheticVp8(300);
    const seq = { n: 10 };
    feed(p, 0, src, 1, seq);
    const { stream } = consumer(p, {}, false);
    // A PLI now would bring a keyframe into the void, and the browser drops a second one within 300 ms.
    expect(plis.length).toBe(0);
    src.requestKeyframe(); // another subscriber's keyframe, while this one's DTLS is still coming up
    feed(p, 0, src, 3, seq);
    expect(stream.sent.length).toBe(0);
    expect(plis.length).toBe(0);
    stream.up = true;
    feed(p, 0, src, 1, seq); // a delta: not sent, and a keyframe is asked for with it
    expect(stream.sent.length).toBe(0);
    expect(plis.length).toBe(1);
    src.requestKeyframe();
    feed(p, 0, src, 2, seq);
    const d: Vp8Descriptor = { startOfFrame: false, keyframe: false, pictureIdOffset: -1, pictureIdBits: 0, pictureId: 0, tl0Offset: -1, tl0PicIdx: 0, headerOffset: 0 };
    parseVp8(stream.sent[0]!.payload, d);
    expect(d.keyframe).toBe(true);
  });

  it('simulcast: deltas of any layer before the transport is up ask for nothing either', () => {
    plis.length = 0;
    const { p, lo, hi, sl, sh } = simulcastProducer();
    const { stream } = consumer(p, { maxHeight: 200 }, false);
    feed(p, 0, lo, 3, sl);
    feed(p, 1, hi, 3, sh);
    expect(plis.length).toBe(0);
    stream.up = true;
    feed(p, 1, hi, 1, sh); // not the target layer: asks for the target's keyframe now
    expect(plis).toEqual([1000]);
  });

  it('a consumer whose request fell within another PLI\'s 350 ms asks again by itself once they have passed', () => {
    plis.length = 0;
    const p = producer();
    const src = new SyntheticVp8(300);
    const seq = { n: 10 };
    const t = Date.now();
    const a = consumer(p, {}, true, t);
    expect(plis.length).toBe(1);
    src.requestKeyframe();
    feed(p, 0, src, 1, seq, t + 40); // the keyframe: the first subscriber starts, the request is answered
    expect(a.stream.sent.length).toBeGreaterThan(0);
    const b = consumer(p, {}, true, t + 100); // a second subscriber, 100 ms later: the browser would drop this PLI
    expect(plis.length).toBe(1);
    feed(p, 0, src, 1, seq, t + 150);
    feed(p, 0, src, 1, seq, t + 250);
    expect(plis.length).toBe(1);
    feed(p, 0, src, 1, seq, t + 360); // 350 ms after the last PLI: asked now, not after a second
    expect(plis.length).toBe(2);
    src.requestKeyframe();
    feed(p, 0, src, 1, seq, t + 400);
    expect(b.stream.sent.length).toBeGreaterThan(0);
  });

  it('keyframe requests: none within 350 ms of the last PLI (the browser would drop it); an unanswered one is repeated after 1 s', () => {
    plis.length = 0;
    const p = producer(['l', 'h']);
    const [lo, hi] = p.layers as [Layer, Layer];
    const t = 1_000_000;
    expect(p.requestKeyframe(lo, t)).toBe(true);
    lo.lastKeyframeAt = t + 40; // answered
    expect(p.requestKeyframe(hi, t + 100)).toBe(false); // another layer, but the same sender's throttle
    expect(p.requestKeyframe(lo, t + 349)).toBe(false);
    expect(p.requestKeyframe(lo, t + 350)).toBe(true);
    // Unanswered: folded for a second, whoever asks, then asked again.
    expect(p.requestKeyframe(lo, t + 800)).toBe(false);
    expect(p.requestKeyframe(lo, t + 1349)).toBe(false);
    expect(p.requestKeyframe(lo, t + 1350)).toBe(true);
    expect(plis).toEqual([1000, 1000, 1000]);
  });

  it('pause and resume: numbering continues where it stopped, timestamps move on with the clock', async () => {
    const p = producer();
    const { c, stream } = consumer(p);
    const src = new SyntheticVp8(300);
    const seq = { n: 500 };
    feed(p, 0, src, 5, seq);
    const last = stream.sent.at(-1)!;
    c.setActive(false);
    feed(p, 0, src, 5, seq);
    expect(stream.sent.at(-1)).toBe(last);
    await new Promise((r) => setTimeout(r, 50));
    c.setActive(true);
    src.requestKeyframe();
    feed(p, 0, src, 2, seq);
    const resumed = stream.sent[stream.sent.indexOf(last) + 1]!;
    expect(resumed.seq).toBe((last.seq + 1) & 0xffff);
    const dt = (resumed.ts - last.ts) >>> 0;
    expect(dt).toBeGreaterThan(0);
    expect(dt).toBeLessThan(90000); // less than a second of 90 kHz clock
  });

  it('simulcast: switches layer only on a keyframe of the target, picture ids stay continuous', () => {
    const { p, lo, hi, sl, sh } = simulcastProducer();
    const { c, stream } = consumer(p, { maxHeight: 200 });
    lo.requestKeyframe();
    for (let i = 0; i < 5; i++) {
      feed(p, 0, lo, 1, sl);
      feed(p, 1, hi, 1, sh);
    }
    expect(c.current?.rid).toBe('l');
    const beforeSwitch = stream.sent.length;
    c.setPreferences({}, Date.now());
    expect(c.target?.rid).toBe('h');
    feed(p, 0, lo, 1, sl);
    feed(p, 1, hi, 2, sh); // delta frames of h: still on l
    expect(c.current?.rid).toBe('l');
    hi.requestKeyframe();
    feed(p, 1, hi, 1, sh);
    expect(c.current?.rid).toBe('h');
    feed(p, 0, lo, 3, sl); // l is no longer forwarded
    feed(p, 1, hi, 3, sh);
    const after = stream.sent.slice(beforeSwitch);
    for (let i = 1; i < stream.sent.length; i++) expect(stream.sent[i]!.seq).toBe((stream.sent[i - 1]!.seq + 1) & 0xffff);
    const pids = after.filter((s) => s.patch).map((s) => s.patch!.pictureId);
    const distinct = pids.filter((v, i) => i === 0 || v !== pids[i - 1]);
    for (let i = 1; i < distinct.length; i++) expect(distinct[i]).toBe((distinct[i - 1]! + 1) & 0x7fff);
  });
});
