import type { Logger } from '../lib/logger.js';
import { AppError } from '../lib/errors.js';
import type { Audience, ForwardingEntry, MediaEngine, MediaKind, MediaRouter, ProducerInfo, ReceivePreferences, RouterEvents, TrackSource } from '../media/engine.js';

/** What the router must know about one participant after it is (re-)created. */
export interface DesiredMedia {
  participantId: string;
  roomId: string;
  muted: Record<MediaKind, boolean>;
  /** Interpreter channels, when not the default (floor, heard by everyone). */
  audience?: Audience;
}

export interface HearingMediaHooks {
  offer(participantId: string, sdp: string): void;
  levels(levels: Record<string, number>): void;
  /** Who publishes what changed (a router that goes away takes its producers with it: called with []). */
  producers(producers: ProducerInfo[]): void;
  /** A replacement router is ready and holds every room and mute again: clients must publish and subscribe anew. */
  restarted(): void;
  /** The rooms and mutes of everyone in the joint session or a caucus, read when a router is (re-)created. */
  desired(): DesiredMedia[];
  /** Runs `fn` in the hearing's operation queue, so a re-creation never interleaves with a move or a mute. */
  serialize<T>(fn: () => Promise<T>): Promise<T>;
  log: Logger;
}

const unavailable = (why: string) => new AppError('UNAVAILABLE', `media is unavailable: ${why}`);

/**
 * The hearing's media router, behind the hearing's own rules. The hearing state is the truth; the router follows it.
 * When there is no router (the engine could not place one, or it failed and re-creation failed) media requests answer
 * UNAVAILABLE while lobby, chat and controls keep working; isolation holds trivially since nothing is forwarded, and
 * the next router is given every room and mute before anyone can publish to it.
 */
export class HearingMedia {
  private current: MediaRouter | undefined;
  private creating: Promise<MediaRouter | undefined> | undefined;
  private isClosed = false;
  private readonly listeners = new Map<MediaRouter, { [E in keyof RouterEvents]?: RouterEvents[E] }>();

  constructor(
    private readonly engine: MediaEngine | undefined,
    private readonly hearingId: string,
    private readonly hooks: HearingMediaHooks,
  ) {}

  get available(): boolean {
    return this.current !== undefined;
  }

  /** The live router, if any (recording taps: server/hearings/recording.ts). */
  get router(): MediaRouter | undefined {
    return this.current;
  }

  /** First router of the live hearing. Not fatal when it fails: see the class comment. */
  async open(): Promise<void> {
    await this.create();
  }

  // ---- what the hearing's operations call (from inside its queue) ----

  setRoom(participantId: string, roomId: string): Promise<void> {
    return this.apply((r) => r.setRoom(participantId, roomId));
  }

  setForwarding(participantId: string, kind: MediaKind, enabled: boolean): Promise<void> {
    return this.apply((r) => r.setForwarding(participantId, kind, enabled));
  }

  setAudience(participantId: string, audience: Audience): Promise<void> {
    return this.apply((r) => r.setAudience(participantId, audience));
  }

  remove(participantId: string): Promise<void> {
    return this.apply((r) => r.removeParticipant(participantId));
  }

  // ---- what a participant's media requests call (outside the queue: ICE and DTLS may take seconds) ----

  async publish(participantId: string, sdp: string, sources: Record<string, TrackSource>): Promise<{ sdp: string }> {
    const r = await this.require();
    const { answerSdp } = await this.call(r, () => r.publish(participantId, sdp, sources));
    return { sdp: answerSdp };
  }

  /** Opens the receiving side; answers at once, with the session id of its offers (see `media.subscribe`). */
  async subscribe(participantId: string): Promise<{ session: string | null }> {
    const r = await this.require();
    const res = await this.call(r, () => r.subscribe(participantId));
    return { session: res && typeof res.session === 'string' ? res.session : null };
  }

  async answer(participantId: string, sdp: string): Promise<void> {
    const r = await this.require();
    await this.call(r, () => r.answerSubscriber(participantId, sdp));
  }

  async preferences(participantId: string, prefs: ReceivePreferences): Promise<void> {
    const r = await this.require();
    await this.call(r, () => r.setReceivePreferences(participantId, prefs));
  }

  /** What the SFU really forwarded, producer by subscriber: the evidence that a caucus is isolated. */
  async forwardingTable(): Promise<ForwardingEntry[]> {
    return this.current ? this.current.forwardingTable() : [];
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    const r = this.current;
    this.current = undefined;
    if (r) await this.retire(r);
  }

  // ---- internals ----

  /**
   * A change of rooms or forwarding. Without a router there is nothing to tell (the next one reads the state). A
   * failure of the live router is an error for the caller, who then leaves its state unchanged; a failure because the
   * router died meanwhile is not, since its replacement is built from the state the caller is about to commit.
   */
  private async apply(fn: (r: MediaRouter) => Promise<void>): Promise<void> {
    const r = this.current;
    if (!r) return;
    try {
      await fn(r);
    } catch (err) {
      if (r !== this.current) return;
      this.hooks.log.warn({ err, hearingId: this.hearingId }, 'media router refused a change');
      throw unavailable('the media router refused the change');
    }
  }

  private async call<T>(r: MediaRouter, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof AppError) throw err;
      this.hooks.log.warn({ err, hearingId: this.hearingId }, 'media request failed');
      throw unavailable(r === this.current ? 'the media router refused the request' : 'the media router was replaced; start again');
    }
  }

  private async require(): Promise<MediaRouter> {
    if (this.isClosed) throw unavailable('the hearing is closed');
    if (this.current) return this.current;
    // No router: try again (the engine may have a live worker by now), in the queue like any re-creation.
    const r = await (this.creating ?? this.startCreating(false));
    if (!r) throw unavailable('no media worker could take this hearing');
    return r;
  }

  private startCreating(restart: boolean): Promise<MediaRouter | undefined> {
    const p = this.hooks
      .serialize(async () => {
        const n = await this.create();
        if (n && restart) this.hooks.restarted();
        return n;
      })
      .catch(() => undefined);
    this.creating = p;
    void p.finally(() => {
      if (this.creating === p) this.creating = undefined;
    });
    return p;
  }

  private async create(): Promise<MediaRouter | undefined> {
    if (this.current || this.isClosed) return this.current;
    if (!this.engine) return undefined;
    let r: MediaRouter;
    try {
      r = await this.engine.createRouter(this.hearingId);
    } catch (err) {
      this.hooks.log.error({ err, hearingId: this.hearingId }, 'could not create a media router');
      return undefined;
    }
    if (this.isClosed || r.closed) {
      // Closed meanwhile, or its worker died between placing it and now: not a router to hand out.
      await r.close().catch(() => {});
      return undefined;
    }
    this.listen(r);
    try {
      for (const d of this.hooks.desired()) {
        if (d.audience) await r.setAudience(d.participantId, d.audience);
        await r.setRoom(d.participantId, d.roomId);
        for (const kind of ['audio', 'video'] as const) if (d.muted[kind]) await r.setForwarding(d.participantId, kind, false);
      }
    } catch (err) {
      // A router that cannot hold the rooms must not forward anything: caucus isolation depends on it.
      this.hooks.log.error({ err, hearingId: this.hearingId }, 'a new media router refused the hearing state');
      await this.retire(r);
      return undefined;
    }
    this.current = r;
    return r;
  }

  private listen(r: MediaRouter): void {
    const l: { [E in keyof RouterEvents]: RouterEvents[E] } = {
      subscriberOffer: (pid, sdp) => this.hooks.offer(pid, sdp),
      audioLevels: (levels) => this.hooks.levels(levels),
      producersChanged: (producers) => {
        if (r === this.current || this.current === undefined) this.hooks.producers(producers);
      },
      failed: (reason) => this.onFailed(r, reason),
    };
    for (const [e, fn] of Object.entries(l)) r.on(e as keyof RouterEvents, fn as never);
    this.listeners.set(r, l);
  }

  private async retire(r: MediaRouter): Promise<void> {
    const l = this.listeners.get(r);
    this.listeners.delete(r);
    if (l) for (const [e, fn] of Object.entries(l)) r.off(e as keyof RouterEvents, fn as never);
    await r.close().catch((err) => this.hooks.log.warn({ err, hearingId: this.hearingId }, 'closing a media router failed'));
  }

  private onFailed(r: MediaRouter, reason: string): void {
    if (r !== this.current || this.isClosed) return;
    this.hooks.log.error({ hearingId: this.hearingId, reason }, 'media router failed; re-creating it');
    this.current = undefined;
    this.hooks.producers([]);
    void this.retire(r);
    void this.startCreating(true);
  }
}
