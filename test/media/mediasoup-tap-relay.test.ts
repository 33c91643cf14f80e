import { createSocket, type Socket } from 'node:dgram';
import { afterAll, describe, expect, it } from 'vitest';
import { TapRelay, vp9Keyframe } from '../../server/media/mediasoup/tap-relay.js';
import { sleep, until } from './helpers/wait.js';

/** The relay of the mediasoup recording tap on its own (no worker needed): what it passes, rewrites and drops. */
const sockets: Socket[] = [];
afterAll(() => sockets.forEach((s) => s.close()));

async function udp(): Promise<{ s: Socket; got: Buffer[]; port: number }> {
  const s = createSocket('udp4');
  sockets.push(s);
  const got: Buffer[] = [];
  s.on('message', (m) => got.push(m));
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  return { s, got, port: s.address().port };
}

function rtp(o: { ssrc: number; seq: number; ts: number; pt?: number; marker?: boolean; payload: Buffer; csrcs?: number; ext?: Buffer; pad?: number }): Buffer {
  const cc = o.csrcs ?? 0;
  const parts: Buffer[] = [];
  const h = Buffer.alloc(12 + 4 * cc);
  h[0] = 0x80 | (o.ext ? 0x10 : 0) | (o.pad ? 0x20 : 0) | cc;
  h[1] = (o.marker ? 0x80 : 0) | (o.pt ?? 100);
  h.writeUInt16BE(o.seq, 2);
  h.writeUInt32BE(o.ts, 4);
  h.writeUInt32BE(o.ssrc, 8);
  parts.push(h);
  if (o.ext) {
    const e = Buffer.alloc(4);
    e.writeUInt16BE(0xbede, 0);
    e.writeUInt16BE(o.ext.length / 4, 2);
    parts.push(e, o.ext);
  }
  parts.push(o.payload);
  if (o.pad) {
    const p = Buffer.alloc(o.pad);
    p[o.pad - 1] = o.pad;
    parts.push(p);
  }
  return Buffer.concat(parts);
}

describe('mediasoup tap relay', () => {
  it('rewrites SSRC/PT/numbering, strips CSRCs, extensions and padding, ignores RTCP and foreign SSRCs, holds the gate', async () => {
    const target = await udp();
    const from = await udp();
    let asks = 0;
    const relay = await TapRelay.bind({ host: '127.0.0.1', port: target.port, payloadType: 111, ssrc: 0xdeadbeef }, () => asks++);
    const send = (m: Buffer) => from.s.send(m, relay.port, '127.0.0.1');
    relay.setSource({ ssrc: 1, codec: 'opus', clockRate: 48000, kind: 'audio' });
    send(rtp({ ssrc: 1, seq: 10, ts: 1000, payload: Buffer.from('closed') })); // gate shut: dropped
    await sleep(100);
    relay.setOpen(true);
    send(rtp({ ssrc: 1, seq: 65535, ts: 5000, marker: true, payload: Buffer.from('one'), ext: Buffer.from([0x10, 0xff, 0, 0]) }));
    send(rtp({ ssrc: 2, seq: 7, ts: 1, payload: Buffer.from('foreign') }));
    send(Buffer.from([0x80, 0xc8, 0, 6, 0, 0, 0, 1, ...Buffer.alloc(20)])); // an SR
    send(rtp({ ssrc: 1, seq: 0, ts: 5960, payload: Buffer.alloc(0), pad: 8 })); // padding only
    send(rtp({ ssrc: 1, seq: 1, ts: 6920, payload: Buffer.from('two'), csrcs: 2, pad: 4 }));
    await until('two datagrams', () => target.got.length >= 2, 5000);
    relay.setSource({ ssrc: 3, codec: 'opus', clockRate: 48000, kind: 'audio' }); // a new consumer
    send(rtp({ ssrc: 1, seq: 2, ts: 7880, payload: Buffer.from('old') }));
    send(rtp({ ssrc: 3, seq: 3000, ts: 123, payload: Buffer.from('three') }));
    await until('three datagrams', () => target.got.length >= 3, 5000);
    relay.setOpen(false);
    send(rtp({ ssrc: 3, seq: 3001, ts: 1083, payload: Buffer.from('shut') }));
    await sleep(200);
    expect(target.got.map((m) => m.subarray(12).toString())).toEqual(['one', 'two', 'three']);
    const [a, b, c] = target.got as [Buffer, Buffer, Buffer];
    for (const m of target.got) {
      expect(m[0]).toBe(0x80);
      expect(m.readUInt32BE(8)).toBe(0xdeadbeef);
    }
    expect(a[1]).toBe(0x80 | 111);
    expect(b[1]).toBe(111);
    expect(b.readUInt16BE(2)).toBe((a.readUInt16BE(2) + 1) & 0xffff);
    expect(c.readUInt16BE(2)).toBe((b.readUInt16BE(2) + 1) & 0xffff);
    expect((b.readUInt32BE(4) - a.readUInt32BE(4)) >>> 0).toBe(1920);
    expect((c.readUInt32BE(4) - b.readUInt32BE(4)) >>> 0).toBeGreaterThan(0);
    expect(relay.stats.packets).toBe(3);
    expect(relay.stats.bytes).toBe(3 * 12 + 3 + 3 + 5);
    expect(asks).toBe(0);
    relay.close();
  });

  it('starts video on a VP8 keyframe and asks for one meanwhile', async () => {
    const target = await udp();
    const from = await udp();
    let asks = 0;
    const relay = await TapRelay.bind({ host: '127.0.0.1', port: target.port, payloadType: 96, ssrc: 5 }, () => asks++);
    relay.setSource({ ssrc: 9, codec: 'vp8', clockRate: 90000, kind: 'video' });
    relay.setOpen(true);
    const delta = Buffer.from([0x90, 0x80, 0x81, 0x02, 0x01, 0, 0, 0]); // S=1, frame tag bit 0 = 1: interframe
    const key = Buffer.from([0x90, 0x80, 0x81, 0x03, 0x10, 0, 0, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0x68, 0x01]);
    from.s.send(rtp({ ssrc: 9, seq: 100, ts: 0, payload: delta }), relay.port, '127.0.0.1');
    from.s.send(rtp({ ssrc: 9, seq: 101, ts: 3000, payload: key }), relay.port, '127.0.0.1');
    from.s.send(rtp({ ssrc: 9, seq: 102, ts: 6000, payload: delta }), relay.port, '127.0.0.1');
    await until('two datagrams', () => target.got.length >= 2, 5000);
    await sleep(100);
    expect(target.got.map((m) => m[16])).toEqual([0x10, 0x01]);
    expect(asks).toBe(1);
    relay.close();
  });

  it('tells VP9 keyframes (start of a non-predicted frame on spatial layer 0)', () => {
    expect(vp9Keyframe(Buffer.from([0x08]))).toBe(true); // B
    expect(vp9Keyframe(Buffer.from([0x48]))).toBe(false); // B + P
    expect(vp9Keyframe(Buffer.from([0x00]))).toBe(false); // not a frame start
    expect(vp9Keyframe(Buffer.from([0xa8, 0x80, 0x01, 0x00]))).toBe(true); // I (15-bit id), L, SID 0
    expect(vp9Keyframe(Buffer.from([0xa8, 0x05, 0x02]))).toBe(false); // I (7-bit id), L, SID 1
  });
});
