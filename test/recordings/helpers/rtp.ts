import { createSocket } from 'node:dgram';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { TrackHandle, TrackSpec } from '../../../server/hearings/recording.js';

/** An Opus audio track spec for RecordingService.openTrack (no media engine: the test sends the RTP itself). */
export function opusTrack(p: { id: string; displayName: string }, roomId: string, isPrivate: boolean): TrackSpec {
  return {
    participantId: p.id, displayName: p.displayName, role: 'applicant', kind: 'audio', roomId, private: isPrivate,
    producer: { id: `prd-${roomId}-${p.id}`, participantId: p.id, kind: 'audio', source: 'microphone', layers: [], codec: 'opus', clockRate: 48000, channels: 2 },
  };
}

/**
 * Sends Opus-silence RTP to a track's recorder until ffmpeg has written media into a segment file in `dir` (however
 * long a loaded machine takes), then a few more packets.
 */
export async function feedUntilWritten(track: TrackHandle, dir: string): Promise<void> {
  const t = track.target();
  const sock = createSocket('udp4');
  let seq = 0;
  const timer = setInterval(() => {
    const b = Buffer.from([0x80, t.payloadType, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xf8, 0xff, 0xfe]);
    b.writeUInt16BE(seq & 0xffff, 2);
    b.writeUInt32BE((seq++ * 960) >>> 0, 4);
    b.writeUInt32BE(t.ssrc, 8);
    sock.send(b, t.port, '127.0.0.1');
  }, 20);
  const written = () => {
    try {
      return readdirSync(dir).some((f) => f.endsWith('.webm') && statSync(join(dir, f)).size > 400);
    } catch {
      return false;
    }
  };
  try {
    while (!written()) await new Promise((r) => setTimeout(r, 100));
    const until = seq + 25;
    while (seq < until) await new Promise((r) => setTimeout(r, 50));
  } finally {
    clearInterval(timer);
    sock.close();
  }
}
