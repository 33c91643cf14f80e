/**
 * What the forwarder needs to know about a packet's payload, read straight from the bytes: is it the start of a
 * keyframe, where is the VP8 picture id (rewritten per subscriber when simulcast layers switch), how large is a VP8
 * keyframe. Nothing here allocates.
 */

export type VideoCodecName = 'vp8' | 'h264' | 'other';

export function videoCodecName(mimeType: string): VideoCodecName {
  const m = mimeType.toLowerCase();
  if (m === 'video/vp8') return 'vp8';
  if (m === 'video/h264') return 'h264';
  return 'other';
}

/** Parsed VP8 payload descriptor (RFC 7741 4.2). Offsets are from the start of the RTP payload. */
export interface Vp8Descriptor {
  /** S bit and partition index 0: the first packet of a frame. */
  startOfFrame: boolean;
  keyframe: boolean;
  /** Offset of the picture id, -1 when absent. */
  pictureIdOffset: number;
  /** 7 or 15 bits. */
  pictureIdBits: number;
  pictureId: number;
  /** Offset of TL0PICIDX, -1 when absent. */
  tl0Offset: number;
  tl0PicIdx: number;
  /** Offset of the VP8 payload header (the frame tag). */
  headerOffset: number;
}

export function parseVp8(p: Buffer, out: Vp8Descriptor): boolean {
  const n = p.length;
  if (n < 1) return false;
  const b0 = p[0]!;
  const x = (b0 & 0x80) !== 0;
  const s = (b0 & 0x10) !== 0;
  const pid = b0 & 0x07;
  let i = 1;
  out.pictureIdOffset = -1;
  out.pictureIdBits = 0;
  out.pictureId = 0;
  out.tl0Offset = -1;
  out.tl0PicIdx = 0;
  if (x) {
    if (n < 2) return false;
    const b1 = p[1]!;
    i = 2;
    if (b1 & 0x80) {
      // I: picture id, 7 or 15 bits (M flag)
      if (i >= n) return false;
      out.pictureIdOffset = i;
      if (p[i]! & 0x80) {
        if (i + 1 >= n) return false;
        out.pictureIdBits = 15;
        out.pictureId = ((p[i]! & 0x7f) << 8) | p[i + 1]!;
        i += 2;
      } else {
        out.pictureIdBits = 7;
        out.pictureId = p[i]! & 0x7f;
        i += 1;
      }
    }
    if (b1 & 0x40) {
      // L: TL0PICIDX
      if (i >= n) return false;
      out.tl0Offset = i;
      out.tl0PicIdx = p[i]!;
      i += 1;
    }
    if (b1 & 0x30) i += 1; // T and/or K share one byte
  }
  out.headerOffset = i;
  out.startOfFrame = s && pid === 0;
  // Frame tag: bit 0 of the first byte is the inverse key frame flag (RFC 6386 9.1).
  out.keyframe = out.startOfFrame && i < n && (p[i]! & 0x01) === 0;
  return true;
}

/** Width and height of a VP8 keyframe (RFC 6386 9.1), or null. */
export function vp8KeyframeSize(p: Buffer, headerOffset: number): { width: number; height: number } | null {
  const i = headerOffset;
  if (p.length < i + 10) return null;
  if (p[i + 3] !== 0x9d || p[i + 4] !== 0x01 || p[i + 5] !== 0x2a) return null;
  const width = p.readUInt16LE(i + 6) & 0x3fff;
  const height = p.readUInt16LE(i + 8) & 0x3fff;
  return { width, height };
}

/** Writes a picture id in place, keeping its width (7 or 15 bits). */
export function writeVp8PictureId(p: Buffer, offset: number, bits: number, pictureId: number): void {
  if (bits === 15) {
    p[offset] = 0x80 | ((pictureId >> 8) & 0x7f);
    p[offset + 1] = pictureId & 0xff;
  } else {
    p[offset] = pictureId & 0x7f;
  }
}

/**
 * H.264 (RFC 6184): does this packet start an IDR picture (or carry SPS, which precedes one)? Looks at single NAL
 * units, STAP-A aggregates and the first fragment of FU-A.
 */
export function h264Keyframe(p: Buffer): { keyframe: boolean; startOfFrame: boolean } {
  if (p.length < 1) return { keyframe: false, startOfFrame: false };
  const type = p[0]! & 0x1f;
  if (type >= 1 && type <= 23) return { keyframe: type === 5 || type === 7, startOfFrame: true };
  if (type === 24) {
    let i = 1;
    let key = false;
    while (i + 2 < p.length) {
      const size = p.readUInt16BE(i);
      const t = p[i + 2]! & 0x1f;
      if (t === 5 || t === 7) key = true;
      i += 2 + size;
    }
    return { keyframe: key, startOfFrame: true };
  }
  if (type === 28 && p.length >= 2) {
    const start = (p[1]! & 0x80) !== 0;
    const t = p[1]! & 0x1f;
    return { keyframe: start && (t === 5 || t === 7), startOfFrame: start };
  }
  return { keyframe: false, startOfFrame: false };
}

/** Serial-number difference a - b for 16-bit sequence numbers, in -32768..32767. */
export function seqDiff(a: number, b: number): number {
  return ((a - b + 0x18000) & 0xffff) - 0x8000;
}

/** Serial-number difference for 15-bit VP8 picture ids. */
export function pictureIdDiff(a: number, b: number): number {
  return ((a - b + 0xc000) & 0x7fff) - 0x4000;
}
