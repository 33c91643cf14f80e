import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RtpOut } from '../../media/helpers/synthetic.js';

/**
 * Known English speech from Debian's pocketsphinx-testdata, as 20 ms Opus packets: 1 s silence, "go forward ten
 * meters", 1.5 s, "go somewhere and do something", 1.5 s, "he was not an ill disposed young man" (librivox), 1 s.
 */
export const DATA = '/usr/share/pocketsphinx/test/data';
export const REFERENCE = 'go forward ten meters go somewhere and do something he was not an ill disposed young man';
/** Where words start in the speech file (s), measured with pocketsphinx on the file itself. */
export const WORD_TIMES: Record<string, number> = { go: 1.47, forward: 1.65, somewhere: 5.93, something: 6.83, young: 11.85 };
/**
 * How far a recognised word may sit from where the test speech puts it, on the hearing's timeline. Quiet runs land
 * within ~200 ms; a loaded machine delays the bot's playback and the recorder's start by a few hundred more, so the
 * bound is several times the usual error, not a margin load can eat.
 */
export const WORD_TIME_TOLERANCE_MS = 1500;

export function speechOgg(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const out = join(dir, 'speech2.ogg');
  if (existsSync(out)) return out;
  const sil = (d: number) => ['-f', 'lavfi', '-i', `anullsrc=r=16000:cl=mono:d=${d}`];
  execFileSync('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-y', ...sil(1), '-f', 's16le', '-ar', '16000', '-ac', '1', '-i', `${DATA}/goforward.raw`, ...sil(1.5),
    '-f', 's16le', '-ar', '16000', '-ac', '1', '-i', `${DATA}/something.raw`, ...sil(1.5), '-i', `${DATA}/librivox/sense_and_sensibility_01_austen_64kb-0880.wav`, ...sil(1),
    '-filter_complex', '[0][1][2][3][4][5][6]concat=n=7:v=0:a=1', '-ar', '48000', '-ac', '1', '-c:a', 'libopus', '-b:a', '32k', '-frame_duration', '20',
    '-application', 'voip', out,
  ]);
  return out;
}

/** The Opus packets of an Ogg Opus file (OpusHead and OpusTags left out). */
export function oggOpusPackets(file: string): Buffer[] {
  const b = readFileSync(file);
  const packets: Buffer[] = [];
  let partial: Buffer[] = [];
  let off = 0;
  while (off + 27 <= b.length && b.toString('latin1', off, off + 4) === 'OggS') {
    const nseg = b[off + 26]!;
    const table = b.subarray(off + 27, off + 27 + nseg);
    let p = off + 27 + nseg;
    for (const lace of table) {
      partial.push(b.subarray(p, p + lace));
      p += lace;
      if (lace < 255) {
        packets.push(Buffer.concat(partial));
        partial = [];
      }
    }
    off = p;
  }
  return packets.filter((x) => !x.subarray(0, 8).toString('latin1').startsWith('Opus'));
}

const SILENCE = Buffer.from([0xf8, 0xff, 0xfe]);

/** An audio source for the test bot: Opus silence until `play()`, then the speech, then silence again. */
export class SpeechOpus {
  private timestamp = 1000;
  private queue: Buffer[] = [];
  level = 127;
  playStartedAt: number | null = null;
  /** Silence from the same encoder (the file's lead-in), so starting to speak switches no Opus mode. */
  private readonly silence: Buffer;
  constructor(private readonly packets: Buffer[]) {
    this.silence = packets[5] ?? SILENCE;
  }

  play(): void {
    this.queue = [...this.packets];
    this.playStartedAt = null;
  }

  get playing(): boolean {
    return this.queue.length > 0;
  }

  next(): RtpOut {
    this.timestamp = (this.timestamp + 960) >>> 0;
    const p = this.queue.shift();
    if (p && this.playStartedAt === null) this.playStartedAt = Date.now();
    this.level = p ? 30 : 127;
    return { payload: p ?? this.silence, marker: false, timestamp: this.timestamp };
  }
}

/**
 * A real VP8 test pattern (ffmpeg testsrc, 320x240, 15 fps, a keyframe every 2 s) as IVF frames. PatternVp8 loops it
 * (its first frame is a keyframe), so a few seconds do: the encode runs synchronously in the process that hosts the test
 * server, and 120 s of it stalled that process for ~40 s on a loaded machine.
 */
export function testPatternIvf(dir: string, seconds = 10): string {
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `pattern-${seconds}.ivf`);
  if (existsSync(out)) return out;
  execFileSync('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `testsrc=size=320x240:rate=15:duration=${seconds}`,
    '-c:v', 'libvpx', '-b:v', '250k', '-g', '30', '-deadline', 'realtime', '-cpu-used', '8', '-f', 'ivf', out,
  ]);
  return out;
}

function ivfFrames(file: string): Buffer[] {
  const b = readFileSync(file);
  const headerLen = b.readUInt16LE(6);
  const frames: Buffer[] = [];
  let off = headerLen;
  while (off + 12 <= b.length) {
    const size = b.readUInt32LE(off);
    frames.push(b.subarray(off + 12, off + 12 + size));
    off += 12 + size;
  }
  return frames;
}

/** A video source for the test bot sending real VP8 (decodable by ffmpeg and browsers), looping the pattern. */
export class PatternVp8 {
  private readonly frames: Buffer[];
  private i = 0;
  private timestamp = 5000;
  private pictureId = 1;
  constructor(file: string, private readonly fps = 15) {
    this.frames = ivfFrames(file);
  }
  requestKeyframe(): void {
    // The pattern has a keyframe every 2 s; a recorder and a subscriber wait for it.
  }
  nextFrame(): RtpOut[] {
    const frame = this.frames[this.i++ % this.frames.length]!;
    this.timestamp = (this.timestamp + Math.round(90000 / this.fps)) >>> 0;
    this.pictureId = (this.pictureId + 1) & 0x7fff;
    const out: RtpOut[] = [];
    for (let off = 0; off < frame.length; off += 1100) {
      const chunk = frame.subarray(off, Math.min(frame.length, off + 1100));
      const desc = Buffer.from([off === 0 ? 0x90 : 0x80, 0x80, 0x80 | (this.pictureId >> 8), this.pictureId & 0xff]);
      out.push({ payload: Buffer.concat([desc, chunk]), marker: off + 1100 >= frame.length, timestamp: this.timestamp });
    }
    return out;
  }
}
