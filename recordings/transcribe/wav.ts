import { open, writeFile } from 'node:fs/promises';
import { TranscriptionError } from './engine.js';

/**
 * Streaming access to the 16 kHz mono 16-bit WAV files the speech engines take (recordings/media.ts `toSpeechWav`).
 * Nothing here reads a whole file: a long hearing's track is hundreds of megabytes as samples, so it is read in
 * chunks (the voice-activity detector) and by ranges (one decode window at a time).
 */
export interface WavInfo {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** Byte offset of the first sample. */
  dataOffset: number;
  /** Bytes of samples (the file's size when the header's size is a placeholder, as for a streamed write). */
  dataBytes: number;
  /** Number of samples (per channel). */
  samples: number;
  durationMs: number;
}

const HEADER_PROBE = 64 * 1024;

export async function wavInfo(path: string): Promise<WavInfo> {
  const fh = await open(path, 'r').catch((e: Error) => {
    throw new TranscriptionError(`wav: cannot open ${path}: ${e.message}`);
  });
  try {
    const size = (await fh.stat()).size;
    const head = Buffer.alloc(Math.min(HEADER_PROBE, size));
    await fh.read(head, 0, head.length, 0);
    if (head.length < 12 || head.toString('latin1', 0, 4) !== 'RIFF' || head.toString('latin1', 8, 12) !== 'WAVE') {
      throw new TranscriptionError(`wav: ${path} is not a RIFF/WAVE file`);
    }
    let off = 12;
    let fmt: { channels: number; sampleRate: number; bits: number; format: number } | null = null;
    while (off + 8 <= head.length) {
      const id = head.toString('latin1', off, off + 4);
      const len = head.readUInt32LE(off + 4);
      if (id === 'fmt ' && off + 24 <= head.length) {
        fmt = { format: head.readUInt16LE(off + 8), channels: head.readUInt16LE(off + 10), sampleRate: head.readUInt32LE(off + 12), bits: head.readUInt16LE(off + 22) };
      } else if (id === 'data') {
        if (!fmt) throw new TranscriptionError(`wav: ${path} has no fmt chunk before its data`);
        if (fmt.format !== 1 || fmt.bits !== 16 || fmt.channels !== 1) {
          throw new TranscriptionError(`wav: ${path} is not 16-bit mono PCM (format ${fmt.format}, ${fmt.bits} bits, ${fmt.channels} channels)`);
        }
        const dataOffset = off + 8;
        const available = size - dataOffset;
        const dataBytes = (len === 0 || len === 0xffffffff || len > available ? available : len) & ~1;
        const samples = dataBytes / 2;
        return { sampleRate: fmt.sampleRate, channels: 1, bitsPerSample: 16, dataOffset, dataBytes, samples, durationMs: Math.round((samples / fmt.sampleRate) * 1000) };
      }
      off += 8 + len + (len % 2);
    }
    throw new TranscriptionError(`wav: ${path} has no data chunk in its first ${HEADER_PROBE} bytes`);
  } finally {
    await fh.close();
  }
}

/** The file's samples in order, `chunkSamples` at a time (the last chunk may be shorter); `first` is its sample index. */
export async function* pcmChunks(path: string, info: WavInfo, chunkSamples = 16_000): AsyncGenerator<{ first: number; samples: Int16Array }> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(chunkSamples * 2);
    let read = 0;
    while (read < info.dataBytes) {
      const want = Math.min(buf.length, info.dataBytes - read);
      const { bytesRead } = await fh.read(buf, 0, want, info.dataOffset + read);
      if (bytesRead <= 0) break;
      const n = bytesRead >> 1;
      // A copy: the buffer is reused for the next chunk.
      const samples = new Int16Array(n);
      for (let i = 0; i < n; i++) samples[i] = buf.readInt16LE(i * 2);
      yield { first: read / 2, samples };
      read += n * 2;
    }
  } finally {
    await fh.close();
  }
}

/** A canonical 44-byte header for 16-bit mono PCM. */
export function wavHeader(sampleRate: number, dataBytes: number): Buffer {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'latin1');
  h.writeUInt32LE(36 + dataBytes, 4);
  h.write('WAVEfmt ', 8, 'latin1');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'latin1');
  h.writeUInt32LE(dataBytes, 40);
  return h;
}

/** Writes samples [startSample, endSample) of `src` as a WAV of their own (one decode window: at most 30 s, ~1 MB). */
export async function writeWavSlice(src: string, info: WavInfo, startSample: number, endSample: number, out: string): Promise<void> {
  const first = Math.max(0, Math.min(info.samples, Math.floor(startSample)));
  const last = Math.max(first, Math.min(info.samples, Math.ceil(endSample)));
  const bytes = (last - first) * 2;
  const body = Buffer.alloc(bytes);
  const fh = await open(src, 'r');
  try {
    await fh.read(body, 0, bytes, info.dataOffset + first * 2);
  } finally {
    await fh.close();
  }
  await writeFile(out, Buffer.concat([wavHeader(info.sampleRate, bytes), body]));
}

