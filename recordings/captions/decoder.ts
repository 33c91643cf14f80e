import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { constants, openSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { RecordableProducer, RecordingTarget } from '../../server/media/engine.js';
import { freePortPair, trackSdp, udpBound } from '../segmenter.js';
import { FIFO_ARG, type RecognizerCommand } from './engines.js';
import type { Writable } from 'node:stream';

/** 16 kHz mono s16le: bytes per millisecond. */
const PCM_BYTES_PER_MS = 32;
/** When no audio arrives for this long (muted, a move, the end of speech), low noise keeps the recogniser going... */
const FILL_AFTER_MS = 250;
/** ...for at most this long, enough for its voice-activity detector to close the utterance; then it waits idle. */
const FILL_MAX_MS = 1500;
const FILL_TICK_MS = 100;
/** PCM waiting for a recogniser that cannot keep up (a saturated machine): beyond this, new audio is dropped. */
const MAX_BACKLOG_MS = 5000;

export interface CaptionDecoderOptions {
  ffmpeg: string;
  producer: RecordableProducer;
  recognizer: RecognizerCommand;
  onText: (r: { text: string; final: boolean }) => void;
  /** Called once if a process dies on its own (not after close()). */
  onFailed?: (why: string) => void;
}

/**
 * One speaker's live caption decoder: ffmpeg listens for the SFU's caption tap (plain RTP on a loopback port, as a
 * recorder does), decodes Opus to 16 kHz mono PCM on its stdout, and this process hands that to the recogniser
 * (pocketsphinx through a FIFO, sherpa-onnx on its stdin), whose stdout lines become caption results. A recogniser
 * that falls more than MAX_BACKLOG_MS behind loses audio rather than making every later caption later. When the audio stops (mute, the
 * speaker moved room, DTX) a short stretch of faint noise follows, so the recogniser's end-of-speech detector
 * closes the utterance instead of holding its last words until the speaker talks again.
 */
export class CaptionDecoder {
  port = 0;
  readonly payloadType = 111;
  readonly ssrc = randomInt(1, 0x7fffffff);
  failed = false;
  private ffmpeg: ChildProcess | null = null;
  private rec: ChildProcess | null = null;
  private dir: string | null = null;
  /** Where the PCM goes: the recogniser's stdin, or our end of its FIFO. */
  private sink: Writable | null = null;
  private closed = false;
  private lastAudioAt = Date.now();
  private filledMs = 0;
  private fillTimer: ReturnType<typeof setInterval> | null = null;
  private stderr = '';
  /** Audio handed to the recogniser, and dropped because it fell behind (ms of 16 kHz PCM; the bench reads them). */
  readonly audio = { fedMs: 0, droppedMs: 0 };

  constructor(private readonly opts: CaptionDecoderOptions) {}

  get engine(): string {
    return this.opts.recognizer.engine;
  }

  target(): RecordingTarget {
    return { host: '127.0.0.1', port: this.port, payloadType: this.payloadType, ssrc: this.ssrc };
  }

  /** The two processes' ids (the bench reads their CPU time from /proc). */
  pids(): number[] {
    return [this.ffmpeg?.pid, this.rec?.pid].filter((p): p is number => typeof p === 'number');
  }

  /** Spawns both processes and waits until ffmpeg listens (packets before that would be lost). */
  async start(): Promise<void> {
    const { producer, recognizer } = this.opts;
    this.dir = await mkdtemp(join(tmpdir(), 'concord-captions-'));
    this.port = await freePortPair();
    const sdpPath = join(this.dir, 'tap.sdp');
    await writeFile(sdpPath, trackSdp('audio', producer.codec, producer.clockRate, producer.channels, this.port, this.payloadType));

    let args = recognizer.args;
    if (recognizer.input === 'fifo') {
      const fifo = join(this.dir, 'pcm');
      await new Promise<void>((res, rej) => execFile('mkfifo', ['-m', '600', fifo], (err) => (err ? rej(err) : res())));
      // Read-write and non-blocking: opening does not wait for the reader, and a slow reader never blocks a thread
      // (libuv buffers what the FIFO cannot take yet).
      this.sink = new Socket({ fd: openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK), readable: false, writable: true });
      args = args.map((a) => (a === FIFO_ARG ? fifo : a));
    }
    const rec = spawn(recognizer.cmd, args, { stdio: [recognizer.input === 'stdin' ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    this.rec = rec;
    if (recognizer.input === 'stdin') this.sink = rec.stdin!;
    this.sink!.on('error', () => undefined);
    rec.stderr!.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-2000)));
    createInterface({ input: rec.stdout! }).on('line', (line) => {
      if (this.closed) return;
      const r = recognizer.parse(line);
      if (r) this.opts.onText(r);
      else if (line.startsWith('{"error"')) this.fail(`${recognizer.engine}: ${line}`);
    });
    rec.on('exit', (code, signal) => this.fail(`${recognizer.engine} exited (${code ?? signal}): ${this.stderr.trim().split('\n').slice(-2).join(' | ')}`));
    rec.on('error', (err) => this.fail(`${recognizer.engine}: ${err.message}`));

    const ff = spawn(this.opts.ffmpeg, [
      '-hide_banner', '-nostdin', '-loglevel', 'error',
      '-protocol_whitelist', 'file,udp,rtp', '-fflags', 'nobuffer', '-flags', 'low_delay', '-probesize', '32', '-analyzeduration', '0',
      '-reorder_queue_size', '16', '-i', sdpPath,
      '-map', '0:a:0', '-ac', '1', '-ar', '16000', '-f', 's16le', '-flush_packets', '1', 'pipe:1',
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.ffmpeg = ff;
    ff.stderr!.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-2000)));
    ff.stdout!.on('data', (pcm: Buffer) => {
      this.lastAudioAt = Date.now();
      this.filledMs = 0;
      this.write(pcm);
    });
    ff.on('exit', (code, signal) => this.fail(`ffmpeg exited (${code ?? signal}): ${this.stderr.trim().split('\n').slice(-2).join(' | ')}`));
    ff.on('error', (err) => this.fail(`ffmpeg: ${err.message}`));

    this.fillTimer = setInterval(() => this.fill(), FILL_TICK_MS);
    this.fillTimer.unref();
    const until = Date.now() + 10_000;
    while (!(await udpBound(this.port))) {
      if (this.failed) throw new Error(`the caption decoder did not start: ${this.stderr.trim()}`);
      if (Date.now() > until) throw new Error('ffmpeg did not open its RTP input in 10 s');
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  private write(pcm: Buffer): void {
    const sink = this.sink;
    if (!sink || sink.destroyed || this.closed) return;
    if (sink.writableLength > MAX_BACKLOG_MS * PCM_BYTES_PER_MS) {
      this.audio.droppedMs += pcm.length / PCM_BYTES_PER_MS;
      return;
    }
    this.audio.fedMs += pcm.length / PCM_BYTES_PER_MS;
    sink.write(pcm);
  }

  /** Faint noise (±2 of 32767) after the audio stopped, for FILL_MAX_MS at most: the recogniser ends the utterance. */
  private fill(): void {
    const quiet = Date.now() - this.lastAudioAt;
    if (quiet < FILL_AFTER_MS || this.filledMs >= FILL_MAX_MS) return;
    const ms = FILL_TICK_MS;
    const buf = Buffer.alloc(ms * PCM_BYTES_PER_MS);
    for (let i = 0; i < buf.length; i += 2) buf.writeInt16LE(randomInt(-2, 3), i);
    this.filledMs += ms;
    this.write(buf);
  }

  private fail(why: string): void {
    if (this.closed || this.failed) return;
    this.failed = true;
    this.opts.onFailed?.(why);
  }

  /** Stops both processes and removes the SDP file; safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.fillTimer) clearInterval(this.fillTimer);
    const gone = (p: ChildProcess | null) =>
      p && p.exitCode === null && p.signalCode === null ? new Promise<void>((res) => {
        p.once('exit', () => res());
        p.kill('SIGKILL');
      }) : Promise.resolve();
    this.sink?.destroy();
    await Promise.all([gone(this.ffmpeg), gone(this.rec)]);
    if (this.dir) await rm(this.dir, { recursive: true, force: true }).catch(() => undefined);
  }
}
