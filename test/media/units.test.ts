import { randomBytes } from 'node:crypto';
import { RtpHeader, SrtpSession } from 'werift';
import { describe, expect, it } from 'vitest';
import { h264Keyframe, parseVp8, pictureIdDiff, seqDiff, vp8KeyframeSize, writeVp8PictureId, type Vp8Descriptor } from '../../server/media/werift/codecs.js';
import { filterCandidates, SdpOrigin, checkSdp } from '../../server/media/werift/config.js';
import { newLayer, rankLayers, selectLayer } from '../../server/media/werift/layers.js';
import { History, ntpFromMs, type PayloadPatch } from '../../server/media/werift/outbound.js';
import { createRtpProtector, createRtpUnprotector, newRocState, rocFor, SRTP_AEAD_AES_128_GCM, SRTP_AES128_CM_HMAC_SHA1_80 } from '../../server/media/werift/srtp.js';
import { SyntheticVp8 } from './helpers/synthetic.js';

const desc = (): Vp8Descriptor => ({ startOfFrame: false, keyframe: false, pictureIdOffset: -1, pictureIdBits: 0, pictureId: 0, tl0Offset: -1, tl0PicIdx: 0, headerOffset: 0 });

describe('SRTP protection on bytes', () => {
  for (const profile of [SRTP_AES128_CM_HMAC_SHA1_80, SRTP_AEAD_AES_128_GCM]) {
    it(`profile ${profile}: werift decrypts what we encrypt, across a sequence-number wrap`, () => {
      const masterKey = randomBytes(16);
      const masterSalt = randomBytes(profile === SRTP_AEAD_AES_128_GCM ? 12 : 14);
      const keys = { localMasterKey: masterKey, localMasterSalt: masterSalt, remoteMasterKey: masterKey, remoteMasterSalt: masterSalt };
      const session = new SrtpSession({ keys, profile } as never);
      const ctx = (session as unknown as { localContext: { srtpSessionKey: Buffer; srtpSessionSalt: Buffer; srtpSessionAuthTag: Buffer } }).localContext;
      const prot = createRtpProtector({ profile, key: ctx.srtpSessionKey, salt: ctx.srtpSessionSalt, authKey: ctx.srtpSessionAuthTag });
      const roc = newRocState();
      for (let i = 0, seq = 65530; i < 12; i++, seq = (seq + 1) & 0xffff) {
        const payload = randomBytes(50 + i * 97);
        const buf = Buffer.allocUnsafe(prot.headroom + 12 + payload.length + prot.tailroom);
        const h = prot.headroom;
        buf[h] = 0x80;
        buf[h + 1] = 96;
        buf.writeUInt16BE(seq, h + 2);
        buf.writeUInt32BE(1000 * i, h + 4);
        buf.writeUInt32BE(0x11223344, h + 8);
        payload.copy(buf, h + 12);
        const wire = prot.protect(buf, 12, 12 + payload.length, 0x11223344, seq, rocFor(roc, seq));
        const plain = session.decrypt(Buffer.from(wire));
        expect(plain.subarray(12).equals(payload)).toBe(true);
        expect(RtpHeader.deSerialize(plain).sequenceNumber).toBe(seq);
      }
      expect(roc.roc).toBe(1);
    });
  }

  for (const profile of [SRTP_AES128_CM_HMAC_SHA1_80, SRTP_AEAD_AES_128_GCM]) {
    it(`profile ${profile}: we decrypt what werift encrypts and reject a tampered packet`, () => {
      const masterKey = randomBytes(16);
      const masterSalt = randomBytes(profile === SRTP_AEAD_AES_128_GCM ? 12 : 14);
      const keys = { localMasterKey: masterKey, localMasterSalt: masterSalt, remoteMasterKey: masterKey, remoteMasterSalt: masterSalt };
      const session = new SrtpSession({ keys, profile } as never);
      const ctx = (session as unknown as { remoteContext: { srtpSessionKey: Buffer; srtpSessionSalt: Buffer; srtpSessionAuthTag: Buffer } }).remoteContext;
      const un = createRtpUnprotector({ profile, key: ctx.srtpSessionKey, salt: ctx.srtpSessionSalt, authKey: ctx.srtpSessionAuthTag });
      for (const size of [0, 1, 17, 1100]) {
        const payload = randomBytes(size);
        const wire = session.encrypt(payload, new RtpHeader({ payloadType: 111, sequenceNumber: 4242, timestamp: 9, ssrc: 77 }));
        expect(un.unprotect(wire, 12, 77, 4242, 0)?.equals(payload)).toBe(true);
        const bad = Buffer.from(wire);
        bad[bad.length - 1] = bad[bad.length - 1]! ^ 1;
        expect(un.unprotect(bad, 12, 77, 4242, 0)).toBeNull();
        expect(un.unprotect(wire, 12, 77, 4242, 1)).toBeNull(); // wrong rollover counter
      }
    });
  }

  it('rollover counter: old packets before a wrap keep the old ROC', () => {
    const s = newRocState();
    expect(rocFor(s, 65535)).toBe(0);
    expect(rocFor(s, 2)).toBe(1);
    expect(rocFor(s, 65534)).toBe(0); // late packet from before the wrap
    expect(rocFor(s, 3)).toBe(1);
  });
});

describe('payload inspection', () => {
  it('VP8: keyframe, picture id, frame size from a synthetic keyframe; picture id rewrite in place', () => {
    const frames = new SyntheticVp8(500, 30, 1100, 320, 180).nextFrame();
    const d = desc();
    expect(parseVp8(frames[0]!.payload, d)).toBe(true);
    expect(d).toMatchObject({ startOfFrame: true, keyframe: true, pictureIdBits: 15, pictureIdOffset: 2, headerOffset: 4 });
    expect(vp8KeyframeSize(frames[0]!.payload, d.headerOffset)).toEqual({ width: 320, height: 180 });
    parseVp8(frames[1]!.payload, d);
    expect(d.startOfFrame).toBe(false);
    expect(d.keyframe).toBe(false);
    const p = Buffer.from(frames[0]!.payload);
    writeVp8PictureId(p, 2, 15, 0x1234);
    parseVp8(p, d);
    expect(d.pictureId).toBe(0x1234);
    const delta = new SyntheticVp8(500).nextFrame(); // the first frame is a keyframe, the next is not
    const next = new SyntheticVp8(500);
    next.nextFrame();
    parseVp8(next.nextFrame()[0]!.payload, d);
    expect(d.startOfFrame && !d.keyframe).toBe(true);
    expect(delta.length).toBeGreaterThan(1);
  });

  it('VP8: short and odd descriptors are rejected or parsed without reading past the end', () => {
    const d = desc();
    expect(parseVp8(Buffer.alloc(0), d)).toBe(false);
    expect(parseVp8(Buffer.from([0x90]), d)).toBe(false);
    expect(parseVp8(Buffer.from([0x90, 0x80]), d)).toBe(false);
    expect(parseVp8(Buffer.from([0x10, 0x00]), d)).toBe(true); // no extension, keyframe tag
    expect(d.keyframe).toBe(true);
    expect(vp8KeyframeSize(Buffer.from([0x10, 0x00]), 1)).toBeNull();
  });

  it('H.264: IDR, STAP-A with SPS, FU-A start of IDR; non-IDR slices are not keyframes', () => {
    expect(h264Keyframe(Buffer.from([0x65, 0]))).toEqual({ keyframe: true, startOfFrame: true });
    expect(h264Keyframe(Buffer.from([0x41, 0]))).toEqual({ keyframe: false, startOfFrame: true });
    expect(h264Keyframe(Buffer.from([0x18, 0, 2, 0x67, 0, 0, 2, 0x68, 0])).keyframe).toBe(true);
    expect(h264Keyframe(Buffer.from([0x7c, 0x85, 0]))).toEqual({ keyframe: true, startOfFrame: true });
    expect(h264Keyframe(Buffer.from([0x7c, 0x05, 0]))).toEqual({ keyframe: false, startOfFrame: false });
  });

  it('serial-number arithmetic', () => {
    expect(seqDiff(1, 65535)).toBe(2);
    expect(seqDiff(65535, 1)).toBe(-2);
    expect(pictureIdDiff(0, 0x7fff)).toBe(1);
  });
});

describe('simulcast layer choice', () => {
  const now = 100_000;
  const layer = (rid: string, order: number, height: number, bitrate: number) => Object.assign(newLayer(rid, order), { height, bitrate, lastPacketAt: now - 10 });

  it('ranks by height, then bitrate, and skips layers that went quiet', () => {
    const h = layer('h', 0, 720, 1_500_000);
    const l = layer('l', 2, 180, 150_000);
    const m = layer('m', 1, 360, 500_000);
    const dead = Object.assign(layer('x', 3, 1080, 3_000_000), { lastPacketAt: now - 5000 });
    expect(rankLayers([h, l, m, dead], now).map((x) => x.rid)).toEqual(['l', 'm', 'h']);
  });

  it('picks the best layer within maxHeight / maxBitrate, else the lowest', () => {
    const ranked = rankLayers([layer('l', 0, 180, 150_000), layer('m', 1, 360, 500_000), layer('h', 2, 720, 1_500_000)], now);
    expect(selectLayer(ranked, {})?.rid).toBe('h');
    expect(selectLayer(ranked, { maxHeight: 400 })?.rid).toBe('m');
    expect(selectLayer(ranked, { maxBitrate: 200_000 })?.rid).toBe('l');
    expect(selectLayer(ranked, { maxHeight: 90 })?.rid).toBe('l');
    expect(selectLayer([], {})).toBeNull();
  });
});

describe('SDP handling', () => {
  const sdp = [
    'v=0',
    'o=- 123 0 IN IP4 0.0.0.0',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111',
    'a=candidate:1 1 udp 2116026367 127.0.0.1 40000 typ host',
    'a=candidate:2 1 udp 2116026367 192.0.2.2 40001 typ host',
    'a=ice-ufrag:x',
    'a=fingerprint:sha-256 AA',
    '',
  ].join('\r\n');

  it('keeps only candidates on the bound address and announces the public one', () => {
    const out = filterCandidates(sdp, { listenIp: '127.0.0.1', announcedIp: '203.0.113.7' });
    expect(out).toContain('203.0.113.7 40000 typ host');
    expect(out).not.toContain('192.0.2.2');
    expect(out).not.toContain(' 127.0.0.1 ');
  });

  it('keeps one origin session id with increasing versions', () => {
    const o = new SdpOrigin();
    const a = o.apply(sdp).split('\r\n')[1]!.split(' ');
    const b = o.apply(sdp).split('\r\n')[1]!.split(' ');
    expect(a[1]).toBe(b[1]);
    expect(Number(b[2])).toBe(Number(a[2]) + 1);
  });

  it('rejects non-SDP input with a validation error', () => {
    for (const bad of [undefined, 42, '', 'hello', 'v=0\r\ns=-\r\n', 'v=0\r\nm=video 9 RTP 96\r\n', 'x'.repeat(300_000)]) {
      expect(() => checkSdp(bad, 'offer')).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    }
    expect(checkSdp(sdp, 'offer')).toBe(sdp);
  });

  it('NTP timestamps carry a real fraction', () => {
    const ntp = ntpFromMs(Date.UTC(2024, 0, 1, 0, 0, 0, 500));
    expect(Number(ntp & 0xffffffffn)).toBe(2 ** 31);
    expect(Number(ntp >> 32n)).toBe(Date.UTC(2024, 0, 1) / 1000 + 2208988800);
  });
});

describe('send history (NACK answers)', () => {
  it('keeps the patch fields of each packet although the sender reuses one patch object', () => {
    const h = new History();
    const patch: PayloadPatch = { pictureIdOffset: 2, pictureIdBits: 15, pictureId: 100, tl0Offset: 4, tl0PicIdx: 7 };
    h.put(10, 1000, false, Buffer.from([1]), patch);
    patch.pictureId = 101;
    patch.tl0PicIdx = 8;
    h.put(11, 1000, true, Buffer.from([2]), patch);
    h.put(12, 4000, false, Buffer.from([3]), null);
    patch.pictureId = 999;
    expect({ ...h.patch(10 & 511)! }).toEqual({ pictureIdOffset: 2, pictureIdBits: 15, pictureId: 100, tl0Offset: 4, tl0PicIdx: 7 });
    expect({ ...h.patch(11 & 511)! }).toEqual({ pictureIdOffset: 2, pictureIdBits: 15, pictureId: 101, tl0Offset: 4, tl0PicIdx: 8 });
    expect(h.patch(12 & 511)).toBeNull();
    // A slot reused by a later packet without a patch forgets the old one.
    h.put(10 + 512, 9000, false, Buffer.from([4]), null);
    expect(h.patch(10 & 511)).toBeNull();
    h.clear();
    expect(h.patch(11 & 511)).toBeNull();
  });
});
