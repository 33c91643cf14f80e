import { createCipheriv, createDecipheriv, createHmac, hash, type Cipher } from 'node:crypto';

/**
 * SRTP protection for the forwarding hot path, keyed from the session keys werift derived after the DTLS handshake.
 * werift's own `SrtpSession.encrypt` serialises a header object and builds new cipher objects for every packet;
 * here the AES-CM profile keeps one AES-ECB object for the whole session (the CTR keystream is ECB over counter
 * blocks) and computes HMAC-SHA1 with two one-shot hashes over precomputed pads, working in place on one buffer.
 */

/** SRTP protection profile ids (RFC 5764 / 7714), as werift names them. */
export const SRTP_AES128_CM_HMAC_SHA1_80 = 0x0001;
export const SRTP_AEAD_AES_128_GCM = 0x0007;

export interface SrtpSessionKeys {
  profile: number;
  key: Buffer;
  salt: Buffer;
  /** HMAC key (AES-CM profiles only). */
  authKey?: Buffer;
}

/** Rollover-counter state of one outgoing SSRC (RFC 3711 3.3.1). */
export interface RocState {
  roc: number;
  highest: number;
  started: boolean;
}

export const newRocState = (): RocState => ({ roc: 0, highest: 0, started: false });

/** RFC 3711 3.3.1: the ROC a packet with `seq` most likely belongs to, without changing the state. */
export function estimateRoc(s: RocState, seq: number): number {
  if (!s.started) return s.roc;
  let v = s.roc;
  if (s.highest < 32768) {
    if (seq - s.highest > 32768) v = s.roc - 1;
  } else if (s.highest - 32768 > seq) {
    v = s.roc + 1;
  }
  return v;
}

/** Records `seq` (with the ROC it was sent or authenticated under) when it is the newest packet so far. */
export function commitRoc(s: RocState, seq: number, v: number): void {
  if (!s.started) {
    s.started = true;
    s.roc = v;
    s.highest = seq;
  } else if (v > s.roc || (v === s.roc && seq > s.highest)) {
    s.roc = v;
    s.highest = seq;
  }
}

/** The ROC to use for an outgoing `seq`, updating the state when `seq` is the newest packet so far. */
export function rocFor(s: RocState, seq: number): number {
  const v = estimateRoc(s, seq);
  commitRoc(s, seq, v);
  return v >>> 0;
}

/**
 * Encrypts RTP packets laid out in a caller-owned buffer: `headroom` free bytes, then the plain packet, then
 * `tailroom` free bytes. Returns the view to put on the wire (a slice of the same memory).
 */
export interface RtpProtector {
  readonly headroom: number;
  readonly tailroom: number;
  protect(buf: Buffer, headerLength: number, packetLength: number, ssrc: number, seq: number, roc: number): Buffer;
}

const MAX_BLOCKS = 128; // 2048 bytes of payload, above any MTU-sized packet

/**
 * AES-CM keystream (RFC 3711 4.1.1) with session-long AES-ECB state: the counter blocks are laid out in one buffer
 * (IV = salt XOR (ssrc << 64) XOR (index << 16), the last two bytes count the blocks) and encrypted in one call.
 */
class CtrKeystream {
  private readonly ecb: Cipher;
  private readonly salt = Buffer.alloc(16);
  private readonly counters = Buffer.alloc(MAX_BLOCKS * 16);

  constructor(key: Buffer, salt: Buffer) {
    this.ecb = createCipheriv('aes-128-ecb', key, null);
    this.ecb.setAutoPadding(false);
    salt.copy(this.salt, 0, 0, 14);
  }

  /** Keystream for `blocks` 16-byte blocks of one packet; valid until the next call. */
  generate(blocks: number, ssrc: number, roc: number, seq: number): Buffer {
    const c = this.counters;
    const s = this.salt;
    c[0] = s[0]!;
    c[1] = s[1]!;
    c[2] = s[2]!;
    c[3] = s[3]!;
    c[4] = s[4]! ^ (ssrc >>> 24);
    c[5] = s[5]! ^ ((ssrc >>> 16) & 0xff);
    c[6] = s[6]! ^ ((ssrc >>> 8) & 0xff);
    c[7] = s[7]! ^ (ssrc & 0xff);
    c[8] = s[8]! ^ (roc >>> 24);
    c[9] = s[9]! ^ ((roc >>> 16) & 0xff);
    c[10] = s[10]! ^ ((roc >>> 8) & 0xff);
    c[11] = s[11]! ^ (roc & 0xff);
    c[12] = s[12]! ^ (seq >>> 8);
    c[13] = s[13]! ^ (seq & 0xff);
    c[14] = 0;
    c[15] = 0;
    let filled = 1;
    while (filled < blocks) {
      const n = Math.min(filled, blocks - filled);
      c.copy(c, filled * 16, 0, n * 16);
      filled += n;
    }
    for (let j = 1; j < blocks; j++) {
      c[j * 16 + 14] = j >>> 8;
      c[j * 16 + 15] = j & 0xff;
    }
    return this.ecb.update(c.subarray(0, blocks * 16));
  }
}

/** HMAC-SHA1 pads for a one-shot hash over ipad || message, then over opad || inner (84 bytes). */
function hmacPads(authKey: Buffer): { ipad: Buffer; outer: Buffer } {
  const ipad = Buffer.alloc(64);
  const outer = Buffer.alloc(84);
  const k = Buffer.alloc(64);
  authKey.copy(k);
  for (let i = 0; i < 64; i++) {
    ipad[i] = k[i]! ^ 0x36;
    outer[i] = k[i]! ^ 0x5c;
  }
  return { ipad, outer };
}

/** buf[at..at+n) ^= ks[0..n): word-wise through Uint32Array views when both sides are 4-byte aligned. */
function xorInto(buf: Buffer, at: number, ks: Buffer, n: number): void {
  const a = buf.byteOffset + at;
  let i = 0;
  if ((a & 3) === 0 && (ks.byteOffset & 3) === 0 && n >= 64) {
    const words = n >> 2;
    const dst = new Uint32Array(buf.buffer, a, words);
    const src = new Uint32Array(ks.buffer, ks.byteOffset, words);
    for (let w = 0; w < words; w++) dst[w] = dst[w]! ^ src[w]!;
    i = words << 2;
  }
  for (; i < n; i++) buf[at + i] = buf[at + i]! ^ ks[i]!;
}

class AesCmHmacProtector implements RtpProtector {
  readonly headroom = 64;
  readonly tailroom = 10;
  private readonly ks: CtrKeystream;
  private readonly ipad: Buffer;
  private readonly outer: Buffer;

  constructor(keys: SrtpSessionKeys) {
    if (!keys.authKey) throw new Error('AES-CM profile needs an auth key');
    this.ks = new CtrKeystream(keys.key, keys.salt);
    ({ ipad: this.ipad, outer: this.outer } = hmacPads(keys.authKey));
  }

  protect(buf: Buffer, headerLength: number, packetLength: number, ssrc: number, seq: number, roc: number): Buffer {
    const start = 64;
    const payloadStart = start + headerLength;
    const payloadLength = packetLength - headerLength;
    const blocks = (payloadLength + 15) >> 4;
    if (blocks > MAX_BLOCKS) throw new RangeError('RTP packet too large');
    const end = payloadStart + payloadLength;
    xorInto(buf, payloadStart, this.ks.generate(blocks, ssrc, roc, seq), payloadLength);
    // HMAC-SHA1(authKey, packet || ROC): inner hash over ipad || packet || roc, laid out in place.
    this.ipad.copy(buf, 0);
    buf.writeUInt32BE(roc >>> 0, end);
    const inner = hash('sha1', buf.subarray(0, end + 4), 'buffer') as unknown as Buffer;
    inner.copy(this.outer, 64);
    const tag = hash('sha1', this.outer, 'buffer') as unknown as Buffer;
    tag.copy(buf, end, 0, 10);
    return buf.subarray(start, end + 10);
  }
}

/** RFC 7714 8.1: IV = (0^16 || ssrc || roc || seq) XOR salt, written into `iv` (12 bytes, reused per packet). */
function gcmIv(iv: Buffer, salt: Buffer, ssrc: number, roc: number, seq: number): Buffer {
  iv.writeUInt16BE(0, 0);
  iv.writeUInt32BE(ssrc >>> 0, 2);
  iv.writeUInt32BE(roc >>> 0, 6);
  iv.writeUInt16BE(seq, 10);
  for (let i = 0; i < 12; i++) iv[i] = iv[i]! ^ salt[i]!;
  return iv;
}

class AesGcmProtector implements RtpProtector {
  readonly headroom = 0;
  readonly tailroom = 16;
  private readonly iv = Buffer.alloc(12);

  constructor(private readonly keys: SrtpSessionKeys) {}

  protect(buf: Buffer, headerLength: number, packetLength: number, ssrc: number, seq: number, roc: number): Buffer {
    const cipher = createCipheriv('aes-128-gcm', this.keys.key, gcmIv(this.iv, this.keys.salt, ssrc, roc, seq));
    cipher.setAAD(buf.subarray(0, headerLength));
    const enc = cipher.update(buf.subarray(headerLength, packetLength));
    cipher.final();
    enc.copy(buf, headerLength);
    cipher.getAuthTag().copy(buf, packetLength);
    return buf.subarray(0, packetLength + 16);
  }
}

/**
 * Authenticates and decrypts received SRTP; returns the plain payload (padding included) in a new buffer, or null
 * when authentication fails. The header is read in place (it is not encrypted).
 */
export interface RtpUnprotector {
  readonly tagLength: number;
  unprotect(packet: Buffer, headerLength: number, ssrc: number, seq: number, roc: number): Buffer | null;
}

class AesCmHmacUnprotector implements RtpUnprotector {
  readonly tagLength = 10;
  private readonly ks: CtrKeystream;
  private readonly ipad: Buffer;
  private readonly outer: Buffer;
  private scratch = Buffer.alloc(2048);

  constructor(keys: SrtpSessionKeys) {
    if (!keys.authKey) throw new Error('AES-CM profile needs an auth key');
    this.ks = new CtrKeystream(keys.key, keys.salt);
    ({ ipad: this.ipad, outer: this.outer } = hmacPads(keys.authKey));
  }

  unprotect(packet: Buffer, headerLength: number, ssrc: number, seq: number, roc: number): Buffer | null {
    const authEnd = packet.length - 10;
    if (authEnd < headerLength) return null;
    const need = 64 + authEnd + 4;
    if (this.scratch.length < need) this.scratch = Buffer.alloc(need * 2);
    const sc = this.scratch;
    this.ipad.copy(sc, 0);
    packet.copy(sc, 64, 0, authEnd);
    sc.writeUInt32BE(roc >>> 0, 64 + authEnd);
    const inner = hash('sha1', sc.subarray(0, need), 'buffer') as unknown as Buffer;
    inner.copy(this.outer, 64);
    const tag = hash('sha1', this.outer, 'buffer') as unknown as Buffer;
    let diff = 0;
    for (let i = 0; i < 10; i++) diff |= tag[i]! ^ packet[authEnd + i]!;
    if (diff !== 0) return null;
    const n = authEnd - headerLength;
    const out = Buffer.allocUnsafe(n);
    packet.copy(out, 0, headerLength, authEnd);
    if (n === 0) return out;
    const blocks = (n + 15) >> 4;
    if (blocks > MAX_BLOCKS) return null;
    xorInto(out, 0, this.ks.generate(blocks, ssrc, roc, seq), n);
    return out;
  }
}

class AesGcmUnprotector implements RtpUnprotector {
  readonly tagLength = 16;
  private readonly iv = Buffer.alloc(12);

  constructor(private readonly keys: SrtpSessionKeys) {}

  unprotect(packet: Buffer, headerLength: number, ssrc: number, seq: number, roc: number): Buffer | null {
    const tagStart = packet.length - 16;
    if (tagStart < headerLength) return null;
    const d = createDecipheriv('aes-128-gcm', this.keys.key, gcmIv(this.iv, this.keys.salt, ssrc, roc, seq));
    d.setAAD(packet.subarray(0, headerLength));
    d.setAuthTag(packet.subarray(tagStart));
    const out = d.update(packet.subarray(headerLength, tagStart));
    try {
      d.final();
    } catch {
      return null;
    }
    return out;
  }
}

export function createRtpUnprotector(keys: SrtpSessionKeys): RtpUnprotector {
  if (keys.profile === SRTP_AES128_CM_HMAC_SHA1_80) return new AesCmHmacUnprotector(keys);
  if (keys.profile === SRTP_AEAD_AES_128_GCM) return new AesGcmUnprotector(keys);
  throw new Error(`unsupported SRTP profile ${keys.profile}`);
}

export function createRtpProtector(keys: SrtpSessionKeys): RtpProtector {
  if (keys.profile === SRTP_AES128_CM_HMAC_SHA1_80) return new AesCmHmacProtector(keys);
  if (keys.profile === SRTP_AEAD_AES_128_GCM) return new AesGcmProtector(keys);
  throw new Error(`unsupported SRTP profile ${keys.profile}`);
}

/** Reference HMAC for tests: what the in-place computation must equal. */
export function referenceAuthTag(authKey: Buffer, packet: Buffer, roc: number): Buffer {
  const r = Buffer.alloc(4);
  r.writeUInt32BE(roc >>> 0);
  return createHmac('sha1', authKey).update(packet).update(r).digest().subarray(0, 10);
}
