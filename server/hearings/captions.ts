import type { CaptionSpeakerStatus, CaptionsState, CaptionText } from '../../signaling/protocol/captions.js';
import type { SpokenLanguage } from '../../signaling/protocol/domain.js';
import { InvalidStateError, PermissionDeniedError } from '../lib/errors.js';
import type { MediaRouter, RecordableProducer } from '../media/engine.js';
import type { CaptionBackend, CaptionResult, CaptionStream } from './caption-backend.js';
import type { LiveHearing } from './hearing.js';
import type { LiveParticipant } from './participant.js';
import { mayDo } from './permissions.js';

export type { CaptionBackend, CaptionOpen, CaptionResult, CaptionSpec, CaptionStream } from './caption-backend.js';

const RECONCILE_MS = 1000;
/** A decoder that failed (or could not start) is tried again after this long, not at every reconcile. */
const RETRY_MS = 10_000;

interface Decoder {
  key: string;
  speakerId: string;
  speakerName: string;
  roomId: string;
  stream: CaptionStream;
  router: MediaRouter;
  /** Counts the speaker's utterances in this room: a partial and its final share a number. */
  utterance: number;
  closed: boolean;
}

interface Wanted {
  speaker: LiveParticipant;
  roomId: string;
  language: string;
}

const keyOf = (speakerId: string, roomId: string) => `${speakerId}|${roomId}`;

/** Spoken languages as the caption engines name them (BCP 47; Mandarin is written Simplified here). */
const CAPTION_LANGUAGE: Readonly<Record<SpokenLanguage, string>> = { cmn: 'zh-Hans', yue: 'yue', en: 'en', pt: 'pt' };

/**
 * What a speaker is captioned in: an interpreter's channel language, else the participant's own spoken language,
 * else the configured default (CONCORD_CAPTIONS_LANGUAGE).
 */
export function captionLanguage(s: { interpreting: { to: SpokenLanguage } | null; language: SpokenLanguage | null }, fallback: string): string {
  const spoken = s.interpreting?.to ?? s.language;
  return spoken ? CAPTION_LANGUAGE[spoken] : fallback;
}

/**
 * Live captions of one live hearing (issue 17.4). Each participant turns captions on or off for themselves
 * (`captions.set`, the policy's `captions.view`). A speaker is captioned while someone else in their room has captions
 * on: one decoder per (speaker, room), fed by a 'captions' tap of the SFU bound to that room, so a move into a caucus
 * stops the copy inside the router before the move returns. A caption is delivered only to viewers who are in that
 * room when it is produced: speech from a caucus never reaches anyone outside it, and speech from the joint session
 * reaches nobody who is in a caucus. Decoders stop when nobody in the room wants captions, when the speaker mutes,
 * moves or leaves; the caption service caps how many run on this node and each viewer sees why a speaker has none.
 */
export class HearingCaptions {
  private readonly viewers = new Set<string>();
  private readonly decoders = new Map<string, Decoder>();
  /** Wanted speakers without a decoder, and why (limit, no_model, failed). */
  private readonly blocked = new Map<string, { status: CaptionSpeakerStatus; language: string }>();
  private readonly opening = new Set<string>();
  /** Failed (speaker, room) decoders: not retried before this time. */
  private readonly retryAt = new Map<string, number>();
  private readonly lastSent = new Map<string, string>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private busy: Promise<void> = Promise.resolve();
  private isClosed = false;

  constructor(
    private readonly h: LiveHearing,
    private readonly backend: CaptionBackend | undefined,
    private readonly router: () => MediaRouter | undefined,
  ) {}

  get available(): boolean {
    return this.backend?.available === true;
  }

  /** The viewer's own choice. Throws for a role the policy does not allow, and when this server has no captions. */
  set(participantId: string, on: boolean): CaptionsState {
    const p = this.h.live(participantId);
    if (!mayDo(p.role, 'captions.view', { hearingLive: true })) throw new PermissionDeniedError('you may not use live captions here');
    if (on && !this.available) throw new InvalidStateError('live captions are not available on this server');
    if (on) this.viewers.add(p.id);
    else this.viewers.delete(p.id);
    if (this.viewers.size > 0) this.ensureTimer();
    this.kick();
    this.broadcast();
    return this.stateFor(p);
  }

  /** The participant left the live hearing: no captions for them, and none of them (their decoders stop). */
  forget(participantId: string): void {
    this.viewers.delete(participantId);
    this.lastSent.delete(participantId);
    this.kick();
  }

  /** The hearing changed (rooms, mutes, producers): decoders follow soon. */
  changed(): void {
    if (this.viewers.size > 0 || this.decoders.size > 0) this.kick();
  }

  async close(): Promise<void> {
    this.isClosed = true;
    this.viewers.clear();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.busy.catch(() => undefined);
    await Promise.all([...this.decoders.values()].map((d) => this.closeDecoder(d)));
  }

  /** Running decoders (tests, bench): speaker, room, engine. */
  liveDecoders(): { speakerId: string; roomId: string; engine: string }[] {
    return [...this.decoders.values()].map((d) => ({ speakerId: d.speakerId, roomId: d.roomId, engine: d.stream.engine }));
  }

  // ---- internals ----

  private ensureTimer(): void {
    if (this.timer || this.isClosed) return;
    this.timer = setInterval(() => {
      if (this.viewers.size === 0 && this.decoders.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = null;
      }
      this.kick();
    }, RECONCILE_MS);
    this.timer.unref?.();
  }

  private kick(): void {
    this.busy = this.busy.then(() => this.reconcile()).catch((err) => this.h.log.warn({ err, hearingId: this.h.id }, 'captions reconcile failed'));
  }

  private present(): LiveParticipant[] {
    return [...this.h.participants.values()].filter((p) => p.inMedia && !p.closed);
  }

  /** (speaker, room) pairs that should be decoded now: someone else in the speaker's room has captions on. */
  private wanted(): Map<string, Wanted> {
    const out = new Map<string, Wanted>();
    if (!this.available || this.isClosed) return out;
    const present = this.present();
    const watching = new Map<string, Set<string>>();
    for (const p of present) {
      if (!this.viewers.has(p.id)) continue;
      const room = p.room!.id;
      const set = watching.get(room) ?? new Set<string>();
      set.add(p.id);
      watching.set(room, set);
    }
    for (const s of present) {
      const room = s.room!.id;
      const w = watching.get(room);
      // Decoded only for someone else who hears that speaker (an interpreter's channel, a whisper: issue 17).
      if (!w || ![...w].some((v) => v !== s.id && this.hears(v, s))) continue;
      out.set(keyOf(s.id, room), { speaker: s, roomId: room, language: captionLanguage(s, this.backend!.defaultLanguage) });
    }
    return out;
  }

  private async reconcile(): Promise<void> {
    if (this.isClosed) return;
    const wanted = this.wanted();
    const router = this.router();
    for (const d of [...this.decoders.values()]) {
      const w = wanted.get(d.key);
      if (d.stream.failed) this.failedNow(d.key);
      if (!w || w.speaker.audioMuted || d.stream.failed || d.router !== router) await this.closeDecoder(d);
    }
    for (const k of [...this.blocked.keys()]) if (!wanted.has(k)) this.blocked.delete(k);
    for (const [k, t] of [...this.retryAt]) if (!wanted.has(k) || t <= Date.now()) this.retryAt.delete(k);
    let producers: RecordableProducer[] | undefined;
    if (router && !router.closed) {
      for (const [key, w] of wanted) {
        if (this.decoders.has(key) || this.opening.has(key) || w.speaker.audioMuted || this.retryAt.has(key)) continue;
        producers ??= await router.recordableProducers().catch(() => []);
        const mine = producers.filter((x) => x.participantId === w.speaker.id && x.kind === 'audio');
        const producer = mine.find((x) => x.source === 'microphone') ?? mine[0];
        // No microphone published (yet): nothing to decode, shown as muted until one appears.
        if (!producer) {
          this.blocked.set(key, { status: 'muted', language: w.language });
          continue;
        }
        await this.openDecoder(router, key, w, producer);
      }
    }
    this.broadcast();
  }

  private async openDecoder(router: MediaRouter, key: string, w: Wanted, producer: RecordableProducer): Promise<void> {
    this.opening.add(key);
    try {
      const holder: { d?: Decoder } = {};
      const res = await this.backend!.open(
        { hearingId: this.h.id, participantId: w.speaker.id, roomId: w.roomId, language: w.language, producer },
        (r) => {
          if (holder.d) this.deliver(holder.d, r);
        },
      );
      if (!res.ok) {
        this.blocked.set(key, { status: res.reason, language: w.language });
        if (res.reason === 'failed') this.failedNow(key);
        if (res.reason === 'failed') this.h.log.warn({ hearingId: this.h.id, key, message: res.message }, 'a caption decoder did not start');
        return;
      }
      const d: Decoder = { key, speakerId: w.speaker.id, speakerName: w.speaker.displayName, roomId: w.roomId, stream: res.stream, router, utterance: 1, closed: false };
      holder.d = d;
      try {
        await router.startRecordingTap(w.speaker.id, 'audio', { ...res.stream.target(), room: w.roomId, purpose: 'captions' });
      } catch (err) {
        await res.stream.close();
        this.failedNow(key);
        throw err;
      }
      this.decoders.set(key, d);
      this.blocked.delete(key);
      // Nobody wants it any more (a move or a toggle while it started): it stops at once.
      const still = this.wanted().get(key);
      if (this.isClosed || !still || still.speaker.audioMuted) await this.closeDecoder(d);
    } catch (err) {
      this.h.log.warn({ err, hearingId: this.h.id, key }, 'could not start captions for a speaker');
    } finally {
      this.opening.delete(key);
    }
  }

  private failedNow(key: string): void {
    this.retryAt.set(key, Date.now() + RETRY_MS);
    const prev = this.blocked.get(key);
    this.blocked.set(key, { status: 'failed', language: prev?.language ?? this.backend?.defaultLanguage ?? 'en' });
  }

  private async closeDecoder(d: Decoder): Promise<void> {
    if (d.closed) return;
    d.closed = true;
    if (this.decoders.get(d.key) === d) this.decoders.delete(d.key);
    await d.router.stopRecordingTap(d.speakerId, 'audio', d.roomId, 'captions').catch(() => null);
    await d.stream.close().catch((err) => this.h.log.warn({ err, hearingId: this.h.id }, 'closing a caption decoder failed'));
  }

  /** Whether viewer `id` hears `speaker` at all: a caption says no more than the audio the SFU sends them. */
  private hears(id: string, speaker: LiveParticipant): boolean {
    const viewer = this.h.participants.get(id);
    return !!viewer && this.h.interpretation.hears(viewer, speaker);
  }

  /** A result of one decoder: to the viewers in the decoder's room right now who hear its speaker, nobody else. */
  private deliver(d: Decoder, r: CaptionResult): void {
    if (d.closed || this.isClosed) return;
    const text = r.text.trim();
    if (!text && !r.final) return;
    const c: CaptionText = {
      speakerId: d.speakerId, speakerName: d.speakerName, utteranceId: `${d.speakerId}-${d.roomId}-${d.utterance}`,
      text: text.slice(0, 2000), final: r.final, engine: d.stream.engine, at: this.h.now().toISOString(),
    };
    if (r.final) d.utterance++;
    const speaker = this.h.participants.get(d.speakerId);
    if (!text || !speaker) return;
    for (const p of this.h.participants.values()) {
      if (p.closed || !p.inMedia || p.room?.id !== d.roomId || !this.viewers.has(p.id) || !this.hears(p.id, speaker)) continue;
      try {
        p.send('captions.text', c);
      } catch {
        /* a vanished connection */
      }
    }
  }

  /** The viewer's state: on or off, and each other speaker of their room with the state of their captions. */
  stateFor(p: LiveParticipant): CaptionsState {
    const on = this.viewers.has(p.id);
    const speakers: CaptionsState['speakers'] = [];
    if (on && p.inMedia && p.room) {
      for (const s of p.room.members) {
        if (s.id === p.id || s.closed || !this.hears(p.id, s)) continue;
        const key = keyOf(s.id, p.room.id);
        const lang = captionLanguage(s, this.backend?.defaultLanguage ?? 'en');
        let status: CaptionSpeakerStatus;
        if (this.decoders.has(key)) status = 'live';
        else if (s.audioMuted) status = 'muted';
        else status = this.blocked.get(key)?.status ?? 'starting';
        speakers.push({ participantId: s.id, status, language: this.blocked.get(key)?.language ?? lang });
      }
      speakers.sort((a, b) => a.participantId.localeCompare(b.participantId));
    }
    return { on, available: this.available, speakers };
  }

  /** Sends each participant who has (or had) captions on their state when it changed. */
  broadcast(): void {
    for (const p of this.h.participants.values()) {
      const s = this.stateFor(p);
      if (!s.on && !this.lastSent.has(p.id)) continue;
      const key = `${p.connection?.id ?? ''}:${JSON.stringify(s)}`;
      if (this.lastSent.get(p.id) === key) continue;
      this.lastSent.set(p.id, key);
      try {
        p.send('captions.state', s);
      } catch {
        /* a vanished connection */
      }
    }
  }
}
