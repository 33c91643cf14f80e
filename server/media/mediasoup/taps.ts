import type { types } from 'mediasoup';
import type { MediaKind, RecordableProducer, RecordingTapStats, RecordingTarget, TapPurpose } from '../engine.js';
import type { PublishedProducer } from './publisher.js';
import { MediasoupRecordingTap, type TapDeps } from './tap.js';

/** What the router needs of a recording tap (server/media/mediasoup/tap.ts, MediasoupRecordingTap). */
export interface RecordingTap {
  follow(producer: types.Producer | null, info: RecordableProducer | null): Promise<void>;
  setOpen(open: boolean): Promise<void>;
  readonly stats: RecordingTapStats;
  close(): Promise<RecordingTapStats>;
}

export type { TapDeps };

export type TapOpener = (deps: TapDeps, participantId: string, kind: MediaKind, target: RecordingTarget) => Promise<RecordingTap>;

/** The recording tap of tap.ts (MediasoupRecordingTap): a PlainTransport consumer and a loopback relay per tap. */
export const openTapModule: TapOpener = (deps, participantId, kind, target) => MediasoupRecordingTap.open(deps, participantId, kind, target);

const key = (participantId: string, kind: MediaKind, room: string | undefined, purpose: TapPurpose | undefined) =>
  `${participantId}\u0000${kind}\u0000${room ?? ''}\u0000${purpose ?? 'recording'}`;

interface Entry {
  participantId: string;
  kind: MediaKind;
  room: string | undefined;
  tap: Promise<RecordingTap>;
}

/**
 * One tap per (participant, kind, room). The router tells it which producer to follow and whether it may copy
 * (participant in the tap's room and forwarding on), awaited before setRoom / setForwarding return.
 */
export class TapSet {
  private readonly taps = new Map<string, Entry>();
  private readonly finished = new Map<string, Promise<RecordingTapStats>>();

  constructor(private readonly open: TapOpener) {}

  async start(deps: TapDeps, participantId: string, kind: MediaKind, target: RecordingTarget): Promise<RecordingTap> {
    const k = key(participantId, kind, target.room, target.purpose);
    const existing = this.taps.get(k);
    if (existing) return existing.tap;
    const tap = this.open(deps, participantId, kind, target);
    const entry: Entry = { participantId, kind, room: target.room, tap };
    this.taps.set(k, entry);
    this.finished.delete(k);
    tap.catch(() => {
      if (this.taps.get(k) === entry) this.taps.delete(k);
    });
    return tap;
  }

  /** Taps of one participant, with the room each is bound to. */
  of(participantId: string): { kind: MediaKind; room: string | undefined; tap: Promise<RecordingTap> }[] {
    return [...this.taps.values()].filter((e) => e.participantId === participantId);
  }

  all(): Entry[] {
    return [...this.taps.values()];
  }

  async stop(participantId: string, kind: MediaKind, room: string | undefined, purpose?: TapPurpose): Promise<RecordingTapStats | null> {
    const k = key(participantId, kind, room, purpose);
    const entry = this.taps.get(k);
    if (entry) {
      this.taps.delete(k);
      return entry.tap.then((t) => t.close(), () => null);
    }
    const done = this.finished.get(k);
    if (done) {
      this.finished.delete(k);
      return done;
    }
    return null;
  }

  /** The participant left the router: its taps stop; stop() still returns what they copied. */
  participantGone(participantId: string): void {
    for (const [k, e] of this.taps) {
      if (e.participantId !== participantId) continue;
      this.taps.delete(k);
      this.finished.set(k, e.tap.then((t) => t.close(), () => ({ packets: 0, bytes: 0, firstPacketAt: null, lastPacketAt: null })));
    }
  }

  async close(): Promise<void> {
    const all = [...this.taps.values()];
    this.taps.clear();
    this.finished.clear();
    await Promise.allSettled(all.map((e) => e.tap.then((t) => t.close())));
  }
}

/** The track a recording follows: the microphone, or the camera (a screen share is not the person). */
export function tapSource(producers: PublishedProducer[], kind: MediaKind): PublishedProducer | null {
  const all = producers.filter((x) => x.info.kind === kind && !x.producer.closed);
  return all.find((x) => x.info.source === (kind === 'audio' ? 'microphone' : 'camera')) ?? all[0] ?? null;
}

/** A producer with its codec, as the recorder needs it. */
export function recordable(x: PublishedProducer): RecordableProducer {
  const codec = x.producer.rtpParameters.codecs[0];
  return {
    ...x.info,
    layers: [...x.info.layers],
    codec: (codec?.mimeType.split('/')[1] ?? '').toLowerCase(),
    clockRate: codec?.clockRate ?? (x.info.kind === 'audio' ? 48000 : 90000),
    ...(codec?.channels ? { channels: codec.channels } : {}),
  };
}
