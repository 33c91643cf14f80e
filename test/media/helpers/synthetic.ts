import { randomBytes } from 'node:crypto';

/**
 * Synthetic media of realistic shape, cheap enough for many bots on two cores: VP8 RTP payloads (valid payload
 * descriptor, 15-bit picture id, keyframes with a real frame header and size) and Opus-sized audio payloads.
 * The bytes after the headers are noise; nobody decodes them.
 */
export interface RtpOut {
  payload: Buffer;
  marker: boolean;
  timestamp: number;
}

const NOISE = randomBytes(64 * 1024);

/** The frame clock both video sources share: 90 kHz timestamps, a keyframe every N frames or on request. */
abstract class VideoSource {
  protected timestamp = randomBytes(4).readUInt32BE(0);
  private frame = 0;
  private keyframePending = true;

  constructor(
    protected readonly kbps: number,
    protected readonly fps: number,
    protected readonly keyframeEvery: number,
  ) {}

  requestKeyframe(): void {
    this.keyframePending = true;
  }

  /** Advances to the next frame; whether it is a keyframe. */
  protected startFrame(): boolean {
    const key = this.keyframePending || this.frame % this.keyframeEvery === 0;
    this.keyframePending = false;
    this.frame++;
    this.timestamp = (this.timestamp + Math.round(90000 / this.fps)) >>> 0;
    return key;
  }
}

export class SyntheticVp8 extends VideoSource {
  private pictureId = randomBytes(2).readUInt16BE(0) & 0x7fff;

  constructor(
    kbps: number,
    fps = 30,
    private readonly mtuPayload = 1100,
    private readonly width = 640,
    private readonly height = 360,
    keyframeEvery = 150,
  ) {
    super(kbps, fps, keyframeEvery);
  }

  /** The packets of the next frame. */
  nextFrame(): RtpOut[] {
    const key = this.startFrame();
    this.pictureId = (this.pictureId + 1) & 0x7fff;
    const base = Math.round((this.kbps * 1000) / 8 / this.fps);
    const size = key ? base * 3 : base;
    const out: RtpOut[] = [];
    let left = size;
    let first = true;
    while (left > 0) {
      const chunk = Math.min(left, this.mtuPayload);
      left -= chunk;
      const desc = 4; // X|S, I, 15-bit picture id
      const buf = Buffer.allocUnsafe(desc + chunk);
      buf[0] = first ? 0x90 : 0x80;
      buf[1] = 0x80;
      buf[2] = 0x80 | (this.pictureId >> 8);
      buf[3] = this.pictureId & 0xff;
      const off = Math.floor(Math.random() * (NOISE.length - chunk));
      NOISE.copy(buf, desc, off, off + chunk);
      if (first) {
        // VP8 frame tag: bit 0 = 0 for keyframes; keyframes carry start code and size.
        buf[desc] = key ? 0x10 : 0x11;
        if (key && chunk >= 10) {
          buf[desc + 3] = 0x9d;
          buf[desc + 4] = 0x01;
          buf[desc + 5] = 0x2a;
          buf.writeUInt16LE(this.width, desc + 6);
          buf.writeUInt16LE(this.height, desc + 8);
        }
      }
      out.push({ payload: buf, marker: left === 0, timestamp: this.timestamp });
      first = false;
    }
    return out;
  }
}

export class SyntheticOpus {
  private timestamp = randomBytes(4).readUInt32BE(0);
  /** RFC 6464 level of the last packet: 0 loud .. 127 silent. */
  level = 127;

  constructor(private readonly loud = true) {}

  next(): RtpOut {
    this.timestamp = (this.timestamp + 960) >>> 0;
    const size = this.loud ? 90 + Math.floor(Math.random() * 60) : 3;
    this.level = this.loud ? 20 + Math.floor(Math.random() * 10) : 127;
    const buf = Buffer.allocUnsafe(size);
    NOISE.copy(buf, 0, 0, size);
    return { payload: buf, marker: false, timestamp: this.timestamp };
  }
}

/** H.264 packetization-mode 1 of noise: keyframes are STAP-A (SPS, PPS) + FU-A IDR, others FU-A non-IDR slices. */
export class SyntheticH264 extends VideoSource {
  constructor(
    kbps: number,
    fps = 30,
    private readonly mtuPayload = 1100,
    keyframeEvery = 150,
  ) {
    super(kbps, fps, keyframeEvery);
  }

  nextFrame(): RtpOut[] {
    const key = this.startFrame();
    const out: RtpOut[] = [];
    if (key) {
      const sps = Buffer.from([0x67, 0x42, 0xe0, 0x1f, 0x8c, 0x8d, 0x40]);
      const pps = Buffer.from([0x68, 0xce, 0x3c, 0x80]);
      const stap = Buffer.concat([Buffer.from([0x18, 0, sps.length]), sps, Buffer.from([0, pps.length]), pps]);
      out.push({ payload: stap, marker: false, timestamp: this.timestamp });
    }
    const type = key ? 5 : 1;
    let left = Math.round((this.kbps * 1000) / 8 / this.fps) * (key ? 3 : 1);
    let first = true;
    while (left > 0) {
      const chunk = Math.min(left, this.mtuPayload);
      left -= chunk;
      const buf = Buffer.allocUnsafe(2 + chunk);
      buf[0] = 0x60 | 28; // FU-A, NRI 3
      buf[1] = (first ? 0x80 : 0) | (left === 0 ? 0x40 : 0) | type;
      const off = Math.floor(Math.random() * (NOISE.length - chunk));
      NOISE.copy(buf, 2, off, off + chunk);
      out.push({ payload: buf, marker: left === 0, timestamp: this.timestamp });
      first = false;
    }
    return out;
  }
}
