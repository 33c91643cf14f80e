import type { HearingRole } from '../../signaling/protocol/domain.js';
import type { RecordingOnRefusal, RecordingState } from '../../signaling/protocol/hearing.js';
import { InvalidStateError, NotFoundError, PermissionDeniedError } from '../lib/errors.js';
import type { MediaKind, MediaRouter, RecordableProducer } from '../media/engine.js';
import type { LiveHearing } from './hearing.js';
import type { LiveParticipant } from './participant.js';
import type { RecordingBackend, TrackHandle, TrackSpec } from './recording-backend.js';
import { FLOOR_CHANNEL } from '../../signaling/protocol/domain.js';
import { ConsentBook, DEFAULT_ON_REFUSAL, type Decision } from './recording-consent.js';

export type { RecordingBackend, TrackHandle, TrackSpec } from './recording-backend.js';
import { JOINT_ROOM } from './room.js';
import { mayDo } from './permissions.js';

/**
 * Which channel an audio track is: an interpreter's is their language channel (what they speak, whatever the mode
 * now), everyone else's the floor in their own language. Video is on no channel.
 */
function trackChannel(p: LiveParticipant, kind: MediaKind): Pick<TrackSpec, 'channel' | 'language'> {
  if (kind !== 'audio') return { channel: null, language: null };
  if (p.interpreting) return { channel: p.interpreting.to, language: p.interpreting.to };
  return { channel: FLOOR_CHANNEL, language: p.language };
}

/** Who may start and stop recording: the clerk keeps the record, the mediator runs the hearing. */
const RECONCILE_MS = 1000;

interface LiveTrack {
  key: string;
  recordingId: string;
  participantId: string;
  kind: MediaKind;
  roomId: string;
  handle: TrackHandle;
  router: MediaRouter;
}

/**
 * Recording of one live hearing, with consent asked in the room (issue 12): the clerk (or mediator) asks to record;
 * everyone in the joint session is asked and answers; recording starts once every one of them has answered, and only
 * the media of those who agreed is recorded (each participant's audio and video as separate tracks). Nothing given
 * before (the join page's notice, an earlier recording) counts. Someone admitted later is asked before anything of
 * theirs is recorded. A refusal or withdrawal stops that person's taps before it is acknowledged. A caucus is never recorded unless the mediator asks and every member
 * accepts; its tracks are marked private. The SFU tap itself is bound to the room, so a move into a caucus stops the
 * copy inside the router before the move completes; this class only opens and closes tracks (every second, and at
 * once after each answer).
 */
export class HearingRecording {
  private recordingId: string | null = null;
  private status: RecordingState['status'] = 'off';
  private since: string | null = null;
  private onRefusal: RecordingOnRefusal = DEFAULT_ON_REFUSAL;
  private readonly consents = new ConsentBook();
  /** Caucuses the mediator asked to record. */
  private readonly caucusAsked = new Set<string>();
  private readonly tracks = new Map<string, LiveTrack>();
  private readonly opening = new Set<string>();
  private readonly lastSent = new Map<string, string>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private busy: Promise<void> = Promise.resolve();
  /** Recorders whose tap has stopped, closing their last segment (ffmpeg takes up to its input timeout). */
  private readonly closing = new Set<Promise<void>>();
  /** The stopped recordings still closing their recorders and case-file rows. */
  private ending: Promise<void> = Promise.resolve();

  constructor(
    private readonly h: LiveHearing,
    private readonly backend: RecordingBackend | undefined,
    private readonly router: () => MediaRouter | undefined,
  ) {}

  get active(): boolean {
    return this.status !== 'off';
  }

  // ---- requests (from the gateway) ----

  async start(actorId: string, opts: { onRefusal?: RecordingOnRefusal | undefined } = {}): Promise<{ recordingId: string; status: RecordingState['status'] }> {
    const backend = this.requireBackend();
    return this.h.run(async () => {
      const actor = this.h.live(actorId);
      if (!mayDo(actor.role, 'recording.control')) throw new PermissionDeniedError(`the ${actor.role} may not start recording`);
      if (!actor.inMedia) throw new InvalidStateError('not from the lobby');
      if (this.recordingId) return { recordingId: this.recordingId, status: this.status };
      const { recordingId } = await backend.begin({ caseId: this.h.caseId, hearingId: this.h.id }, { participantId: actor.id, role: actor.role });
      this.recordingId = recordingId;
      this.consents.reset();
      this.onRefusal = opts.onRefusal ?? DEFAULT_ON_REFUSAL;
      this.status = 'awaiting_consent';
      this.since = this.h.now().toISOString();
      this.ensureTimer();
      this.kick();
      return { recordingId, status: this.status };
    });
  }

  /**
   * Stops copying media at once (inside the hearing's queue, which waits for nothing slow), then waits, outside that
   * queue, until the recorders have closed their files and the case file says stopped.
   */
  async stop(actorId: string | null): Promise<void> {
    await this.h.run(async () => {
      if (actorId) {
        const actor = this.h.live(actorId);
        if (!mayDo(actor.role, 'recording.control')) throw new PermissionDeniedError(`the ${actor.role} may not stop recording`);
      }
      await this.finish(actorId);
    });
    await this.ending;
  }

  /**
   * A participant's own answer (`consent.give`), for the hearing or the caucus they are in, while a recording runs.
   * A refusal or withdrawal closes the taps it ends right here, inside the hearing's queue and before the answer is
   * acknowledged (an IPC round trip to the media worker), not on the next reconcile; agreeing again opens new tracks.
   */
  async consent(participantId: string, scope: string, accept: boolean): Promise<void> {
    const backend = this.requireBackend();
    const at = this.h.now();
    await this.h.run(async () => {
      const p = this.h.live(participantId);
      const recordingId = this.recordingId;
      if (!recordingId) throw new InvalidStateError('the hearing is not being recorded');
      if (!p.inMedia) throw new InvalidStateError('not from the lobby: you are asked once admitted');
      if (scope !== 'hearing') {
        const room = this.h.caucusRooms.get(scope);
        if (!room || p.room !== room) throw new NotFoundError('caucus');
      }
      const decision: Decision = accept ? 'accepted' : 'refused';
      const before = this.consents.get(scope, p.id);
      if (before === decision) return;
      await backend.consent({ caseId: this.h.caseId, hearingId: this.h.id }, { participantId: p.id, displayName: p.displayName }, scope, decision, { at, withdrawn: before === 'accepted' });
      this.consents.set(scope, p.id, decision);
      if (decision === 'refused') {
        await this.advance(recordingId);
        await this.closeUnwanted(recordingId, this.wanted());
      }
      this.broadcast();
    });
    this.kick();
  }

  /** The participant left the live hearing: a later return is asked again. */
  forget(participantId: string): void {
    this.consents.forget(participantId);
  }

  /** The mediator asks the members of a caucus whether it may be recorded (private). */
  async askCaucus(actorId: string, caucusId: string): Promise<void> {
    await this.h.run(async () => {
      const actor = this.h.live(actorId);
      if (!mayDo(actor.role, 'recording.ask_caucus')) throw new PermissionDeniedError('only the mediator may ask to record a caucus');
      if (!this.recordingId) throw new InvalidStateError('the hearing is not being recorded');
      const room = this.h.caucusRooms.get(caucusId);
      if (!room) throw new NotFoundError('caucus');
      this.caucusAsked.add(caucusId);
    });
    this.kick();
  }

  /** The live hearing closes: every track ends, the recording stops. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.finish(null).catch((err) => this.h.log.warn({ err, hearingId: this.h.id }, 'stopping the recording failed'));
    await this.ending;
  }

  // ---- internals ----

  private requireBackend(): RecordingBackend {
    if (!this.backend) throw new InvalidStateError('recording is not available on this server');
    return this.backend;
  }

  /**
   * The recording ends at `at`, when it was asked to: every tap stops copying right away (an IPC round trip), so no
   * file runs past that moment. The slow part, recorders closing their last segment and the case-file rows, runs in
   * `ending`; a reconcile under way (opening a track) finishes first, so no track outlives the recording.
   */
  private async finish(by: string | null): Promise<void> {
    const id = this.recordingId;
    if (!id) return;
    const at = this.h.now();
    this.recordingId = null;
    this.status = 'off';
    this.since = null;
    this.caucusAsked.clear();
    await this.closeTracks(id);
    this.broadcast();
    const backend = this.backend!;
    this.ending = this.ending.then(async () => {
      await this.busy.catch(() => undefined);
      await this.closeTracks(id);
      await Promise.all([...this.closing]);
      await backend.stop(id, by, at);
      this.broadcast();
    }).catch((err) => this.h.log.warn({ err, hearingId: this.h.id, recordingId: id }, 'finishing the recording failed'));
  }

  private async closeTracks(recordingId: string): Promise<void> {
    await Promise.all([...this.tracks.values()].filter((t) => t.recordingId === recordingId).map((t) => this.closeTrack(t, 'recording_stopped')));
  }

  private ensureTimer(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.kick(), RECONCILE_MS);
    this.timer.unref?.();
  }

  /** Reconciles soon, never two at once. */
  private kick(): void {
    this.busy = this.busy.then(() => this.reconcile()).catch((err) => this.h.log.warn({ err, hearingId: this.h.id }, 'recording reconcile failed'));
  }

  private decision(scope: string, participantId: string): Decision | undefined {
    return this.consents.get(scope, participantId);
  }

  /** Someone in the joint session refuses and the hearing's rule pauses everyone's recording meanwhile. */
  private pausedByRefusal(): boolean {
    return this.onRefusal === 'pause_recording' && this.present().some((p) => p.room?.id === JOINT_ROOM && this.decision('hearing', p.id) === 'refused');
  }

  /** Status moves: recording starts once everyone in the joint session answered; a refusal pauses it under that rule. */
  private async advance(recordingId: string): Promise<void> {
    if (this.status === 'awaiting_consent') {
      const joint = this.present().filter((p) => p.room?.id === JOINT_ROOM);
      if (joint.length > 0 && joint.every((p) => this.decision('hearing', p.id) !== undefined)) {
        this.status = 'recording';
        this.since = this.h.now().toISOString();
        await this.backend!.started(recordingId, this.h.now());
      }
    }
    if (this.status === 'recording' && this.pausedByRefusal()) this.status = 'paused';
    else if (this.status === 'paused' && !this.pausedByRefusal()) this.status = 'recording';
  }

  /**
   * Closes every track that should not run now. A participant who went to a caucus keeps their joint track (the tap
   * copies nothing meanwhile); one who left, refused or withdrew, or whose recorder died loses it.
   */
  private async closeUnwanted(recordingId: string, wanted: Map<string, unknown>): Promise<void> {
    const stopping: Promise<void>[] = [];
    for (const t of [...this.tracks.values()]) {
      const stillInHearing = this.h.participants.has(t.participantId);
      const keptInCaucus = stillInHearing && t.roomId === JOINT_ROOM && this.status === 'recording' && this.decision('hearing', t.participantId) === 'accepted';
      const keep = t.recordingId === recordingId && !t.handle.failed && t.router === this.router() && (wanted.has(t.key) || keptInCaucus);
      if (!keep) stopping.push(this.closeTrack(t, t.handle.failed ? 'recorder_failed' : stillInHearing ? 'not_recorded' : 'left'));
    }
    await Promise.all(stopping);
  }

  /** Every participant in the joint session or a caucus, with the room they are in. */
  private present(): LiveParticipant[] {
    return [...this.h.participants.values()].filter((p) => p.inMedia && !p.closed);
  }

  /** The tracks that should exist now: key -> spec without the producer. */
  private wanted(): Map<string, { p: LiveParticipant; kind: MediaKind; roomId: string; private: boolean }> {
    const out = new Map<string, { p: LiveParticipant; kind: MediaKind; roomId: string; private: boolean }>();
    if (this.status !== 'recording' && this.status !== 'paused') return out;
    for (const p of this.present()) {
      const roomId = p.room!.id;
      let ok = false;
      let priv = false;
      if (roomId === JOINT_ROOM) ok = this.status === 'recording' && this.decision('hearing', p.id) === 'accepted';
      else if (this.caucusAsked.has(roomId)) {
        const members = [...(this.h.caucusRooms.get(roomId)?.members ?? [])];
        ok = members.length > 0 && members.every((m) => this.decision(roomId, m.id) === 'accepted');
        priv = true;
      }
      if (!ok) continue;
      for (const kind of ['audio', 'video'] as const) out.set(`${p.id}|${kind}|${roomId}`, { p, kind, roomId, private: priv });
    }
    return out;
  }

  private async reconcile(): Promise<void> {
    const recordingId = this.recordingId;
    if (!recordingId || this.h.closed) return;
    await this.advance(recordingId);
    const wanted = this.wanted();
    await this.closeUnwanted(recordingId, wanted);
    // Everyone learns the status before the recorders start (ffmpeg takes a while on a busy machine).
    this.broadcast();
    const router = this.router();
    if (router && wanted.size > 0) {
      let producers: RecordableProducer[] | undefined;
      for (const [key, w] of wanted) {
        if (this.tracks.has(key) || this.opening.has(key)) continue;
        producers ??= await router.recordableProducers().catch(() => []);
        const source = w.kind === 'audio' ? 'microphone' : 'camera';
        const mine = producers.filter((x) => x.participantId === w.p.id && x.kind === w.kind);
        const producer = mine.find((x) => x.source === source) ?? mine[0];
        if (!producer) continue;
        await this.openTrack(recordingId, router, key, w, producer);
      }
    }
    this.broadcast();
  }

  private async openTrack(recordingId: string, router: MediaRouter, key: string, w: { p: LiveParticipant; kind: MediaKind; roomId: string; private: boolean }, producer: RecordableProducer): Promise<void> {
    this.opening.add(key);
    try {
      const handle = await this.backend!.openTrack(recordingId, {
        participantId: w.p.id, displayName: w.p.displayName, role: w.p.role, kind: w.kind, roomId: w.roomId, private: w.private, producer,
        ...trackChannel(w.p, w.kind),
      });
      try {
        await router.startRecordingTap(w.p.id, w.kind, { ...handle.target(), room: w.roomId });
      } catch (err) {
        await handle.close(null, 'tap_failed');
        throw err;
      }
      const t: LiveTrack = { key, recordingId, participantId: w.p.id, kind: w.kind, roomId: w.roomId, handle, router };
      this.tracks.set(key, t);
      // A refusal (or a stop) that came while the recorder was starting: the tap closes at once.
      if (this.recordingId !== recordingId || !this.wanted().has(key)) await this.closeTrack(t, 'not_recorded');
    } catch (err) {
      this.h.log.warn({ err, hearingId: this.h.id, key }, 'could not start recording a track');
    } finally {
      this.opening.delete(key);
    }
  }

  /**
   * Stops the track's tap (awaited: nothing more is copied once this resolves) and leaves its recorder closing the
   * last segment in `closing`, so neither a reconcile nor the hearing's queue waits for ffmpeg.
   */
  private async closeTrack(t: LiveTrack, reason: string): Promise<void> {
    if (this.tracks.get(t.key) !== t) return; // closed already (a refusal and a reconcile may both get here)
    this.tracks.delete(t.key);
    const stats = await t.router.stopRecordingTap(t.participantId, t.kind, t.roomId).catch(() => null);
    const done: Promise<void> = t.handle.close(stats, reason)
      .catch((err) => this.h.log.warn({ err, hearingId: this.h.id }, 'closing a recorded track failed'))
      .finally(() => this.closing.delete(done));
    this.closing.add(done);
  }

  /** Each participant's view: status for their room, whether they are asked, what they answered. */
  stateFor(p: LiveParticipant): RecordingState {
    const roomId = p.room?.id ?? null;
    const inCaucus = roomId !== null && roomId !== JOINT_ROOM && p.room?.kind === 'caucus';
    let status: RecordingState['status'] = this.status;
    let scope = 'hearing';
    if (inCaucus) {
      scope = roomId!;
      const recorded = [...this.tracks.values()].some((t) => t.roomId === roomId);
      status = this.status === 'off' || !this.caucusAsked.has(roomId!) ? 'off' : recorded ? 'recording' : 'awaiting_consent';
    }
    const mine = this.decision(scope, p.id) ?? null;
    const asking = p.inMedia && this.status !== 'off' && (!inCaucus || this.caucusAsked.has(roomId!));
    const ask = asking && mine === null ? scope : null;
    const recordingMe = [...this.tracks.values()].some((t) => t.participantId === p.id && t.roomId === roomId);
    // Everyone in the room sees who is absent from the recording: refused, or not answered yet.
    const notRecorded = asking && roomId !== null
      ? [...this.h.participants.values()].filter((o) => o.inMedia && o.room?.id === roomId && this.decision(scope, o.id) !== 'accepted').map((o) => o.id).sort()
      : [];
    return { status, onRefusal: this.onRefusal, since: this.since, scope, private: inCaucus, consent: mine, ask, recordingMe, notRecorded };
  }

  /** Sends each connected participant their state when it changed. */
  broadcast(): void {
    for (const p of this.h.participants.values()) {
      const s = this.stateFor(p);
      // Resent every 5 s while recording runs: a page that mounted its indicator late still shows it. Sent (into the
      // outbox) while they are away too: the consent prompt reaches them when they are back.
      const key = `${p.connection?.id ?? ''}:${Math.floor(Date.now() / 5000)}:${JSON.stringify(s)}`;
      if (this.lastSent.get(p.id) === key) continue;
      this.lastSent.set(p.id, key);
      try {
        p.send('recording.state', s);
      } catch {
        /* a vanished connection */
      }
    }
  }

  /** For the joining participant: the current state right away. */
  snapshot(participantId: string): RecordingState | null {
    const p = this.h.participants.get(participantId);
    return p ? this.stateFor(p) : null;
  }

  /** Live recorder handles (tests, bench): participant, kind, room. */
  liveTracks(): { participantId: string; kind: MediaKind; roomId: string; handle: TrackHandle }[] {
    return [...this.tracks.values()].map((t) => ({ participantId: t.participantId, kind: t.kind, roomId: t.roomId, handle: t.handle }));
  }
}
