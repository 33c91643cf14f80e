import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MediaKind, RecordableProducer, RecordingTarget } from '../server/media/engine.js';

/** A finished segment file of one track: `start`/`end` in seconds from the track's first packet (ffmpeg's list). */
export interface FinishedSegment {
  index: number;
  file: string;
  path: string;
  start: number;
  end: number;
}

export interface TrackRecorderOptions {
  dir: string;
  /** File name stem, e.g. `<participant>-audio`. */
  stem: string;
  kind: MediaKind;
  producer: Pick<RecordableProducer, 'codec' | 'clockRate' | 'channels'>;
  segmentSeconds?: number;
  ffmpeg?: string;
  /** Written into each file's track (issue 17): the listening channel (track title `channel:<id>`) and ISO 639-2/3 language. */
  channel?: string;
  language?: string;
}

const PAYLOAD_TYPES: Record<string, number> = { opus: 111, vp8: 96, vp9: 98, h264: 102 };

/**
 * ffmpeg ends its input (cleanly) after this long without any packet; `stop` relies on that. The keep-alives reset it
 * while a track is idle (muted, in a caucus), and they come from this process's event loop: at 1 s a stall of ~0.5 s
 * on a loaded machine ended idle recorders on their own, which counted as a crash (partial, restarted). 3 s rides out
 * stalls of ~2.7 s; a stop takes up to that long (its time on the record is when it was asked for).
 */
const INPUT_TIMEOUT_S = 3;
const KEEPALIVE_MS = 250;

/** The SDP ffmpeg reads: one plain-RTP stream on a loopback port (RTCP muxed; nothing is sent back). */
export function trackSdp(kind: MediaKind, codec: string, clockRate: number, channels: number | undefined, port: number, pt: number): string {
  const enc = codec === 'opus' ? `opus/${clockRate}/${channels ?? 2}` : codec === 'h264' ? `H264/${clockRate}` : `${codec.toUpperCase()}/${clockRate}`;
  const lines = [
    'v=0', 'o=- 0 0 IN IP4 127.0.0.1', 's=concord recording', 'c=IN IP4 127.0.0.1', 't=0 0',
    `m=${kind} ${port} RTP/AVP ${pt}`, `a=rtpmap:${pt} ${enc}`, 'a=rtcp-mux', 'a=recvonly',
  ];
  if (codec === 'h264') lines.push(`a=fmtp:${pt} packetization-mode=1`);
  return lines.join('\r\n') + '\r\n';
}

/** Two adjacent free UDP ports on loopback (ffmpeg may open port+1 for RTCP). */
export async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20000 + 2 * Math.floor(Math.random() * 10000);
    const a = createSocket('udp4');
    const b = createSocket('udp4');
    const bind = (s: ReturnType<typeof createSocket>, p: number) =>
      new Promise<boolean>((res) => {
        s.once('error', () => res(false));
        s.bind(p, '127.0.0.1', () => res(true));
      });
    const ok = (await bind(a, port)) && (await bind(b, port + 1));
    a.close();
    b.close();
    if (ok) return port;
  }
  throw new Error('no free UDP port pair for a recorder');
}

/** Whether a UDP port on 127.0.0.1 is bound (ffmpeg opened its input). */
export async function udpBound(port: number): Promise<boolean> {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const table = await readFile('/proc/net/udp', 'utf8').catch(() => '');
  return table.split('\n').some((l) => l.trim().split(/\s+/)[1]?.endsWith(hex));
}

export function parseSegmentList(csv: string, dir: string): FinishedSegment[] {
  const out: FinishedSegment[] = [];
  for (const line of csv.split('\n')) {
    const [file, start, end] = line.trim().split(',');
    if (!file || start === undefined || end === undefined) continue;
    const m = /-(\d+)\.webm$/.exec(file);
    out.push({ index: m ? Number(m[1]) : out.length, file, path: join(dir, file), start: Number(start), end: Number(end) });
  }
  return out;
}

/**
 * One track's recorder: an ffmpeg process reading plain RTP (from the SFU's recording tap) on a loopback port and
 * writing WebM segments with the codec copied (no transcoding). ffmpeg's segment muxer closes each file before it
 * lists it in `<stem>.csv`, so a listed segment is complete even when ffmpeg is killed with SIGKILL: at most the
 * segment being written is lost. Emits `segment` (FinishedSegment) as files finish and `exit` ({ code, signal }).
 */
export class TrackRecorder extends EventEmitter {
  readonly payloadType: number;
  readonly ssrc = (Math.random() * 0xffffffff) >>> 0;
  port = 0;
  proc: ChildProcess | null = null;
  exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private seen = 0;
  private poll: NodeJS.Timeout | null = null;
  private stderr = '';
  private readonly done: Promise<void>;
  private resolveDone!: () => void;

  constructor(readonly opts: TrackRecorderOptions) {
    super();
    const pt = PAYLOAD_TYPES[opts.producer.codec];
    if (pt === undefined) throw new Error(`cannot record codec ${opts.producer.codec}`);
    this.payloadType = pt;
    this.done = new Promise((r) => (this.resolveDone = r));
  }

  get listPath(): string {
    return join(this.opts.dir, `${this.opts.stem}.csv`);
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /** Where the SFU tap must send. */
  target(): RecordingTarget {
    return { host: '127.0.0.1', port: this.port, payloadType: this.payloadType, ssrc: this.ssrc, keyframeIntervalMs: (this.opts.segmentSeconds ?? 5) * 1000 };
  }

  /** Spawns ffmpeg and waits until it listens (packets sent before that would be lost). */
  async start(): Promise<void> {
    const { dir, stem, kind, producer } = this.opts;
    await mkdir(dir, { recursive: true });
    this.port = await freePortPair();
    const sdpPath = join(dir, `${stem}.sdp`);
    await writeFile(sdpPath, trackSdp(kind, producer.codec, producer.clockRate, producer.channels, this.port, this.payloadType));
    await writeFile(this.listPath, '');
    const seg = String(this.opts.segmentSeconds ?? 5);
    const args = [
      '-hide_banner', '-nostdin', '-loglevel', 'error',
      '-protocol_whitelist', 'file,udp,rtp', '-reorder_queue_size', '256', '-buffer_size', '4194304', '-listen_timeout', String(INPUT_TIMEOUT_S),
      ...(kind === 'video' ? ['-analyzeduration', '10000000', '-probesize', '20000000'] : ['-analyzeduration', '0']),
      '-i', sdpPath,
      '-map', '0:0', '-c', 'copy',
      ...(this.opts.channel ? ['-metadata:s:0', `title=channel:${this.opts.channel}`] : []),
      ...(this.opts.language ? ['-metadata:s:0', `language=${this.opts.language}`] : []),
      '-f', 'segment', '-segment_time', seg, '-segment_format', 'webm', '-reset_timestamps', '1',
      '-segment_list', this.listPath, '-segment_list_type', 'csv',
      join(dir, `${stem}-%05d.webm`),
    ];
    const proc = spawn(this.opts.ffmpeg ?? 'ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.proc = proc;
    proc.stderr!.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-4000);
    });
    proc.on('exit', (code, signal) => {
      this.exited = { code, signal };
      this.stopKeepAlive();
      void this.scan().finally(() => {
        if (this.poll) clearInterval(this.poll);
        this.poll = null;
        this.emit('exit', this.exited);
        this.resolveDone();
      });
    });
    proc.on('error', (err) => this.emit('error', err));
    this.poll = setInterval(() => void this.scan(), 500);
    this.poll.unref();
    this.startKeepAlive();
    const until = Date.now() + 5000;
    while (!(await udpBound(this.port))) {
      if (this.exited) throw new Error(`ffmpeg exited before listening: ${this.stderr.trim()}`);
      if (Date.now() > until) throw new Error('ffmpeg did not open its RTP input in 5 s');
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** New lines of the segment list: finished files. */
  private async scan(): Promise<void> {
    const csv = await readFile(this.listPath, 'utf8').catch(() => '');
    const all = parseSegmentList(csv, this.opts.dir);
    while (this.seen < all.length) this.emit('segment', all[this.seen++]!);
  }

  /** Ends the recording cleanly: ffmpeg closes the last segment and lists it. */
  async stop(): Promise<void> {
    const p = this.proc;
    if (!p || this.exited) return this.done;
    // ffmpeg's read on an idle RTP socket does not see one signal (a second one aborts without closing the file), but
    // it ends cleanly, closing and listing the last segment, when no packet came for `-listen_timeout`: so the
    // keep-alives stop first (the caller has stopped the tap), then SIGINT for the main loop, SIGKILL as a last resort.
    this.stopKeepAlive();
    p.kill('SIGINT');
    // The second signal only once the input timeout has had ample time to end it cleanly (a loaded machine is slow).
    const again = setTimeout(() => p.kill('SIGINT'), (INPUT_TIMEOUT_S + 4) * 1000);
    const t = setTimeout(() => p.kill('SIGKILL'), (INPUT_TIMEOUT_S + 8) * 1000);
    await this.done;
    clearTimeout(again);
    clearTimeout(t);
  }

  /**
   * An empty RTCP receiver report every KEEPALIVE_MS: ffmpeg ignores it, but it resets ffmpeg's input timeout, so a muted
   * participant (no RTP) does not end their recording.
   */
  private startKeepAlive(): void {
    const sock = createSocket('udp4');
    sock.on('error', () => undefined);
    const rr = Buffer.from([0x80, 0xc9, 0x00, 0x01, 0, 0, 0, 0]);
    rr.writeUInt32BE((this.ssrc ^ 0x5a5a5a5a) >>> 0, 4);
    const t = setInterval(() => sock.send(rr, this.port, '127.0.0.1'), KEEPALIVE_MS);
    t.unref();
    sock.unref();
    this.keepAlive = () => {
      clearInterval(t);
      sock.close();
    };
  }

  private keepAlive: (() => void) | null = null;

  private stopKeepAlive(): void {
    this.keepAlive?.();
    this.keepAlive = null;
  }

  get lastError(): string {
    return this.stderr.trim();
  }

  wait(): Promise<void> {
    return this.done;
  }
}
