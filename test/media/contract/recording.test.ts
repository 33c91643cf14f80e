import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordingTarget } from '../../../server/media/engine.js';
import { parseVp8, type Vp8Descriptor } from '../../../server/media/werift/codecs.js';
import { Bot } from '../helpers/bot.js';
import { sleep, until } from '../helpers/wait.js';
import { engines } from './engines.js';
import { useEngineRouter } from './fixture.js';

/**
 * Engine contract, recording taps: a participant's decrypted microphone / camera copied as plain RTP to a local UDP
 * port (the recorder listens there) with the SSRC and payload type asked for, continuous numbering, video from a
 * keyframe; copied only while the participant is in the recorded room and not muted; nothing after the stop.
 */
interface Rx {
  socket: Socket;
  port: number;
  packets: Buffer[];
}

async function receiver(): Promise<Rx> {
  const socket = createSocket('udp4');
  const rx: Rx = { socket, port: 0, packets: [] };
  socket.on('message', (m) => rx.packets.push(m));
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  rx.port = socket.address().port;
  return rx;
}

const seqDiff = (a: number, b: number) => ((a - b + 0x8000) & 0xffff) - 0x8000;

function isVp8Keyframe(payload: Buffer): boolean {
  const d: Vp8Descriptor = { startOfFrame: false, keyframe: false, pictureIdOffset: -1, pictureIdBits: 0, pictureId: 0, tl0Offset: -1, tl0PicIdx: 0, headerOffset: 0 };
  return parseVp8(payload, d) && d.keyframe;
}

describe.each(engines())('engine contract, recording taps: $name', (c) => {
  const f = useEngineRouter(c, 'hearing-contract-recording');
  const rxs: Rx[] = [];
  let p: Bot;
  let audio: Rx;
  let video: Rx;
  const target = (rx: Rx, payloadType: number, ssrc: number): RecordingTarget => ({ host: '127.0.0.1', port: rx.port, payloadType, ssrc, room: 'joint' });

  beforeAll(async () => {
    audio = await receiver();
    video = await receiver();
    rxs.push(audio, video);
    p = new Bot('P', { videoKbps: 300 });
    f.bots.push(p);
    await p.publish(f.router);
    p.start();
  });

  afterAll(() => {
    for (const rx of rxs) rx.socket.close();
  });

  it('lists the recordable producers with their codecs', async () => {
    await until('P announced', () => f.producers.filter((x) => x.participantId === 'P').length === 2, 10_000);
    const rec = await f.router.recordableProducers();
    expect(rec.find((x) => x.participantId === 'P' && x.kind === 'audio')).toMatchObject({ codec: 'opus', clockRate: 48000, source: 'microphone' });
    expect(rec.find((x) => x.participantId === 'P' && x.kind === 'video')).toMatchObject({ codec: 'vp8', clockRate: 90000, source: 'camera' });
  });

  it('copies the microphone and the camera with the SSRC and payload type asked for, numbering continuous, video from a keyframe', async () => {
    const a = await f.router.startRecordingTap('P', 'audio', target(audio, 111, 0x11112222));
    const v = await f.router.startRecordingTap('P', 'video', { ...target(video, 96, 0x33334444), keyframeIntervalMs: 1000 });
    expect(a).toMatchObject({ participantId: 'P', kind: 'audio', codec: 'opus' });
    expect(v).toMatchObject({ participantId: 'P', kind: 'video', codec: 'vp8' });
    await until('audio and video copied', () => audio.packets.length > 50 && video.packets.length > 50, 20_000);
    for (const [rx, pt, ssrc] of [[audio, 111, 0x11112222], [video, 96, 0x33334444]] as const) {
      for (const m of rx.packets) {
        expect(m[0]! >> 6, 'RTP version 2').toBe(2);
        expect(m[1]! & 0x7f).toBe(pt);
        expect(m.readUInt32BE(8)).toBe(ssrc);
      }
      // Plain RTP: loopback loses nothing, so each packet follows the previous one.
      const seqs = rx.packets.map((m) => m.readUInt16BE(2));
      const steps = seqs.slice(1).map((s, i) => seqDiff(s, seqs[i]!));
      expect(steps.filter((d) => d !== 1).length, `sequence steps ${steps.filter((d) => d !== 1)}`).toBeLessThanOrEqual(1);
    }
    // The video copy starts on a keyframe (a recorder can decode from its first packet).
    const first = video.packets[0]!;
    const cc = first[0]! & 0x0f;
    const ext = (first[0]! & 0x10) !== 0;
    let off = 12 + cc * 4;
    if (ext) off += 4 + first.readUInt16BE(off + 2) * 4;
    expect(isVp8Keyframe(first.subarray(off))).toBe(true);
  });

  it('copies nothing while the participant is outside the recorded room, and goes on when it returns', async () => {
    await f.router.setRoom('P', 'caucus-1');
    await sleep(300); // datagrams already sent land
    const n = audio.packets.length;
    const m = video.packets.length;
    await sleep(1500);
    expect(audio.packets.length).toBe(n);
    expect(video.packets.length).toBe(m);
    await f.router.setRoom('P', 'joint');
    await until('copies again', () => audio.packets.length > n + 20 && video.packets.length > m + 10, 20_000);
  });

  it('copies nothing of a muted track (setForwarding false), and goes on when unmuted', async () => {
    await f.router.setForwarding('P', 'audio', false);
    await sleep(300);
    const n = audio.packets.length;
    await sleep(1200);
    expect(audio.packets.length).toBe(n);
    await f.router.setForwarding('P', 'audio', true);
    await until('audio copied again', () => audio.packets.length > n + 20, 20_000);
  });

  it('stopRecordingTap ends the copy and says what it copied', async () => {
    const sa = await f.router.stopRecordingTap('P', 'audio', 'joint');
    const sv = await f.router.stopRecordingTap('P', 'video', 'joint');
    await sleep(300);
    const n = audio.packets.length;
    const m = video.packets.length;
    expect(sa).toMatchObject({ packets: expect.any(Number), bytes: expect.any(Number), firstPacketAt: expect.any(Number), lastPacketAt: expect.any(Number) });
    // The engine counts what it sent; every datagram sent on loopback arrived.
    expect(sa!.packets).toBe(n);
    expect(sv!.packets).toBe(m);
    expect(sa!.bytes).toBe(audio.packets.reduce((s, x) => s + x.length, 0));
    expect(sa!.lastPacketAt!).toBeGreaterThanOrEqual(sa!.firstPacketAt!);
    await sleep(1000);
    expect(audio.packets.length).toBe(n);
    expect(video.packets.length).toBe(m);
    expect(await f.router.stopRecordingTap('P', 'audio', 'joint')).toBeNull();
  });

  it('a captions tap and a recording tap of the same microphone and room run side by side and stop apart', async () => {
    const rec = await receiver();
    const cap = await receiver();
    rxs.push(rec, cap);
    await f.router.startRecordingTap('P', 'audio', target(rec, 111, 0x12121212));
    await f.router.startRecordingTap('P', 'audio', { ...target(cap, 111, 0x34343434), purpose: 'captions' });
    await until('both copied', () => rec.packets.length > 20 && cap.packets.length > 20, 20_000);
    expect(cap.packets.every((m) => m.readUInt32BE(8) === 0x34343434)).toBe(true);
    const stats = await f.router.stopRecordingTap('P', 'audio', 'joint', 'captions');
    await sleep(300);
    const n = cap.packets.length;
    expect(stats!.packets).toBe(n);
    const r = rec.packets.length;
    await sleep(1000);
    expect(cap.packets.length).toBe(n);
    expect(rec.packets.length).toBeGreaterThan(r + 10);
    expect(await f.router.stopRecordingTap('P', 'audio', 'joint')).toMatchObject({ packets: expect.any(Number) });
    await expect(f.router.startRecordingTap('P', 'audio', { ...target(cap, 111, 1), purpose: 'nonsense' as never })).rejects.toThrow(/purpose/);
  });

  it('a tap started before the participant publishes waits for the track, and its stats outlive the participant', async () => {
    const rx = await receiver();
    rxs.push(rx);
    expect(await f.router.startRecordingTap('Q', 'audio', target(rx, 100, 0x55556666))).toBeNull();
    const q = new Bot('Q');
    f.bots.push(q);
    await q.publish(f.router);
    q.start();
    await until('Q copied', () => rx.packets.length > 20, 20_000);
    expect(rx.packets.every((m) => (m[1]! & 0x7f) === 100 && m.readUInt32BE(8) === 0x55556666)).toBe(true);
    q.stop();
    await f.router.removeParticipant('Q');
    await sleep(300);
    const stats = await f.router.stopRecordingTap('Q', 'audio', 'joint');
    expect(stats?.packets).toBe(rx.packets.length);
  });
});
