import type { RecordingTapStats } from './engine.js';
import { seqDiff } from './werift/codecs.js';

/**
 * The numbering of a recording tap's copy, shared by both engines' taps (werift's RecorderTap, mediasoup's TapRelay):
 * one SSRC's sequence numbers and timestamps continue across every (re)start of the copy (a new producer, a layer
 * switch, a caucus and back, a gate reopened), so the recorder sees one stream. A (re)start happens on a keyframe and
 * numbers on from the last packet sent, the timestamp advanced by the wall time since. Per packet: a few integer
 * operations and no allocation (the result is in `seq`/`ts`).
 */
export class TapNumbering {
  readonly stats: RecordingTapStats = { packets: 0, bytes: 0, firstPacketAt: null, lastPacketAt: null };
  /** The next packet copied must start the copy again (a keyframe, then `start`). */
  needSync = true;
  /** The output numbering of the packet last passed to `next`. */
  seq = 0;
  ts = 0;
  private seqOffset = 0;
  private tsOffset = 0;
  private syncSeq = 0;
  private lastSeq = 0;
  private lastTs = 0;
  private lastSentAt = 0;

  /** (Re)starts the copy at this packet (a keyframe): numbering continues after the last packet sent. */
  start(seq: number, ts: number, clockRate: number, now: number): void {
    this.seqOffset = (this.lastSeq + 1 - seq) & 0xffff;
    const gap = this.lastSentAt > 0 ? Math.max(1, Math.round(((now - this.lastSentAt) * clockRate) / 1000)) : 1;
    this.tsOffset = (this.lastTs + gap - ts) >>> 0;
    this.syncSeq = seq;
    this.needSync = false;
  }

  /** Maps a packet into the output numbering (`seq`, `ts`); false when it is older than the (re)start. */
  next(seq: number, ts: number): boolean {
    const d = seqDiff(seq, this.syncSeq);
    if (d < 0) return false;
    if (d > 16384) this.syncSeq = (seq - 8192) & 0xffff;
    this.seq = (seq + this.seqOffset) & 0xffff;
    this.ts = (ts + this.tsOffset) >>> 0;
    return true;
  }

  /** A packet not copied (padding only) that was the next number: the numbering closes over it, no gap is left. */
  skip(seq: number): void {
    if (!this.needSync && ((seq + this.seqOffset) & 0xffff) === ((this.lastSeq + 1) & 0xffff)) this.seqOffset = (this.seqOffset - 1) & 0xffff;
  }

  /** The packet mapped last went out with `bytes` bytes. */
  sent(bytes: number, now: number): void {
    this.lastSeq = this.seq;
    this.lastTs = this.ts;
    this.lastSentAt = now;
    const s = this.stats;
    s.packets++;
    s.bytes += bytes;
    if (s.firstPacketAt === null) s.firstPacketAt = now;
    s.lastPacketAt = now;
  }
}
