import { createSocket, type Socket } from 'node:dgram';
import { afterAll, describe, expect, it } from 'vitest';
import { Producer } from '../../server/media/werift/producer.js';
import { RecorderTap } from '../../server/media/werift/recorder.js';
import { sleep, until } from './helpers/wait.js';

/** The recording tap on its own: a producer's packets arrive at a local UDP port as plain RTP, renumbered. */
const sockets: Socket[] = [];
afterAll(() => sockets.forEach((s) => s.close()));

function audioProducer(): Producer {
  const ev = () => ({ subscribe: () => ({ unSubscribe() {} }) });
  const transceiver = { receiver: { onRtcp: ev(), tracks: [], sendRtcpPLI: async () => undefined } };
  return new Producer('p1', 'A', 'audio', 'microphone', { mimeType: 'audio/opus', clockRate: 48000 } as never, transceiver as never, []);
}

describe('recording tap', () => {
  it('sends header and payload as one datagram, with its own SSRC, payload type and continuous numbering', async () => {
    const rx = createSocket('udp4');
    const tx = createSocket('udp4');
    sockets.push(rx, tx);
    const got: Buffer[] = [];
    rx.on('message', (m) => got.push(m));
    await new Promise<void>((r) => rx.bind(0, '127.0.0.1', r));
    const port = rx.address().port;
    let room = 'joint';
    const tap = new RecorderTap('A', 'audio', { host: '127.0.0.1', port, payloadType: 111, ssrc: 0xdeadbeef, room: 'joint' }, tx, () => room);
    const p = audioProducer();
    tap.attach(p);
    const payloads = [Buffer.from('one'), Buffer.from('two!'), Buffer.from('three')];
    p.onPacket(p.layers[0]!, 65534, 1000, true, payloads[0]!, 30);
    p.onPacket(p.layers[0]!, 65535, 1960, false, payloads[1]!, 30);
    room = 'caucus-1'; // outside the recorded room: not copied
    p.onPacket(p.layers[0]!, 0, 2920, false, Buffer.from('hidden'), 30);
    room = 'joint';
    p.onPacket(p.layers[0]!, 1, 3880, false, payloads[2]!, 30);
    await until('three datagrams', () => got.length >= 3, 2000);
    await sleep(50);
    expect(got).toHaveLength(3);
    expect(got.map((m) => m.subarray(12).toString())).toEqual(['one', 'two!', 'three']);
    for (const m of got) {
      expect(m[0]).toBe(0x80);
      expect(m[1]! & 0x7f).toBe(111);
      expect(m.readUInt32BE(8)).toBe(0xdeadbeef);
    }
    expect(got[0]![1]! & 0x80).toBe(0x80); // marker
    const seqs = got.map((m) => m.readUInt16BE(2));
    expect((seqs[1]! - seqs[0]!) & 0xffff).toBe(1);
    expect((seqs[2]! - seqs[1]!) & 0xffff).toBe(1); // re-synced after the caucus: no gap
    const stats = tap.close();
    expect(stats.packets).toBe(3);
    expect(stats.bytes).toBe(3 * 12 + 3 + 4 + 5);
  });
});
