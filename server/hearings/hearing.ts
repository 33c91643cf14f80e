import type { HearingStatus } from '../../signaling/protocol/domain.js';
import type { HearingSnapshot, ParticipantState, ProducerSummary } from '../../signaling/protocol/hearing.js';
import type { AuditAction } from '../../signaling/protocol/audit.js';
import { InvalidStateError, NotFoundError, PermissionDeniedError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { AuditLog } from '../cases/audit.js';
import type { HearingRoomStore } from '../cases/hearing-room.js';
import type { LinkService } from '../cases/links.js';
import type { Roster } from '../cases/roster.js';
import type { MediaEngine } from '../media/engine.js';
import { HearingCaptions, type CaptionBackend } from './captions.js';
import { Caucuses } from './caucus.js';
import { HearingChat } from './chat.js';
import { HearingControls } from './controls.js';
import { HearingInterpretation } from './interpretation.js';
import { HearingMedia } from './media.js';
import { LiveParticipant } from './participant.js';
import { HearingRecording, type RecordingBackend } from './recording.js';
import { assertControl, entersDirectly, type HearingControl } from './permissions.js';
import { JOINT_ROOM, LOBBY_ROOM, Room } from './room.js';
import { snapshotFor } from './snapshot.js';
import type { ClosedNotice, ParticipantConnection, ParticipantIdentity, ResumePoint, RosterEntry } from './types.js';

/** The domain services a live hearing writes through. */
export interface HearingServices {
  audit: AuditLog;
  records: HearingRoomStore;
  links: LinkService;
  roster: Roster;
}

export interface LiveHearingOptions {
  caseId: string;
  hearingId: string;
  caseNumber: string;
  status: HearingStatus;
  roster: RosterEntry[];
  services: HearingServices;
  engine: MediaEngine | undefined;
  log: Logger;
  /** How long a participant whose connection dropped keeps their place (same room, no second lobby wait). */
  graceMs: number;
  now: () => Date;
  /** Recording with consent (server/recordings); without it `recording.start` answers INVALID_STATE. */
  recording?: RecordingBackend | undefined;
  /** Live captions (recordings/captions); without it `captions.set` with `on` answers INVALID_STATE. */
  captions?: CaptionBackend | undefined;
  /** Told once, after the close cascade has finished: the registry forgets the hearing. */
  onClosed: (h: LiveHearing) => void;
}

/**
 * One hearing while anyone is in it: rooms (lobby, joint session, caucuses) -> participants, and the media router.
 * Every change runs in one queue per hearing, so two mediators' clicks, a reconnect and a router re-creation never
 * interleave half-way. A change tells the media router first; only when the router took it (or there is none) does the
 * state change, so the SFU never forwards what the state says is private. The last participant leaving closes it.
 */
export class LiveHearing {
  readonly id: string;
  readonly caseId: string;
  readonly caseNumber: string;
  status: HearingStatus;
  locked = false;
  readonly lobby: Room;
  readonly joint: Room;
  readonly caucusRooms = new Map<string, Room>();
  readonly participants = new Map<string, LiveParticipant>();
  readonly media: HearingMedia;
  readonly controls: HearingControls;
  readonly caucus: Caucuses;
  readonly chat: HearingChat;
  readonly recording: HearingRecording;
  readonly interpretation: HearingInterpretation;
  readonly captions: HearingCaptions;
  readonly services: HearingServices;
  readonly log: Logger;
  readonly now: () => Date;
  private readonly departed = new Map<string, ParticipantState>();
  /** What the media router says each participant publishes (camera, microphone, screen). */
  private producers: ProducerSummary[] = [];
  private readonly roster: Map<string, RosterEntry>;
  private tail: Promise<unknown> = Promise.resolve();
  private flushQueued = false;
  private isClosed = false;

  constructor(private readonly opts: LiveHearingOptions) {
    this.id = opts.hearingId;
    this.caseId = opts.caseId;
    this.caseNumber = opts.caseNumber;
    this.status = opts.status;
    this.services = opts.services;
    this.log = opts.log;
    this.now = opts.now;
    this.roster = new Map(opts.roster.map((r) => [r.id, r]));
    const at = opts.now().toISOString();
    this.lobby = new Room(LOBBY_ROOM, 'lobby', at);
    this.joint = new Room(JOINT_ROOM, 'joint', at);
    this.media = new HearingMedia(opts.engine, opts.hearingId, {
      offer: (pid, sdp) => this.participants.get(pid)?.send('media.offer', { sdp }),
      levels: (levels) => this.sendLevels(levels),
      producers: (list) => {
        this.producers = list.map((x) => ({ id: x.id, participantId: x.participantId, kind: x.kind, source: x.source }));
        this.changed();
      },
      restarted: () => {
        for (const p of this.participants.values()) if (p.inMedia) p.send('media.restart');
      },
      desired: () =>
        [...this.participants.values()]
          .filter((p) => p.inMedia)
          .map((p) => ({
            participantId: p.id, roomId: p.room!.id, muted: { audio: p.audioMuted, video: p.videoMuted },
            ...(this.interpretation.special(p) ? { audience: this.interpretation.audienceOf(p) } : {}),
          })),
      serialize: (fn) => this.run(fn),
      log: opts.log,
    });
    this.controls = new HearingControls(this);
    this.caucus = new Caucuses(this);
    this.chat = new HearingChat(this);
    this.recording = new HearingRecording(this, opts.recording, () => this.media.router);
    this.interpretation = new HearingInterpretation(this, this.roster);
    this.captions = new HearingCaptions(this, opts.captions, () => this.media.router);
  }

  get closed(): boolean {
    return this.isClosed;
  }

  async open(): Promise<void> {
    await this.media.open();
  }

  /** Runs one change after the previous one finished; a closed hearing refuses it. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(() => {
      if (this.isClosed) throw new InvalidStateError('the hearing is closed');
      return fn();
    });
    this.tail = next.catch(() => {});
    return next;
  }

  // ---- arriving and leaving ----

  /**
   * A connection speaks for a participant: a newcomer goes to the joint session (mediator, clerk) or the lobby; someone
   * already here (reconnect within the grace period, or a second tab) resumes in the same room, and a previous
   * connection is closed: one connection per participant. What their outbox holds after `since` is sent again on the
   * new connection at once, before anything newer can be (`replayed`: how many; null when it could not, see Outbox).
   */
  attach(identity: ParticipantIdentity, conn: ParticipantConnection, since?: ResumePoint): Promise<{ participant: LiveParticipant; replayed: number | null }> {
    return this.run(async () => {
      const entry = this.roster.get(identity.participantId);
      if (!entry || entry.role !== identity.role) throw new PermissionDeniedError('not a participant of this hearing');
      const existing = this.participants.get(entry.id);
      if (existing) {
        clearTimeout(existing.graceTimer);
        existing.graceTimer = undefined;
        const old = existing.connection;
        existing.connection = conn;
        existing.linkId = identity.linkId;
        if (old && old !== conn) old.close();
        const replayed = existing.outbox.replay(conn, since);
        this.changed();
        return { participant: existing, replayed };
      }
      const p = new LiveParticipant(entry, identity.linkId);
      p.interpreting = this.interpretation.stateFor(entry);
      const room = entersDirectly(entry.role, this.locked) ? this.joint : this.lobby;
      await this.moveTo(p, room);
      p.connection = conn;
      this.participants.set(p.id, p);
      this.departed.delete(p.id);
      // Attendance is worth recording, but a failed write must not leave the person half-arrived.
      await this.record(p, 'hearing.entered', { participantId: p.id, role: p.role, room: room.kind }).catch(() => {});
      this.changed();
      // A new incarnation: nothing of theirs to replay; the join answer is the full state.
      return { participant: p, replayed: null };
    });
  }

  /** The connection dropped. The participant keeps their place for the grace period, then leaves. */
  detach(participantId: string, conn: ParticipantConnection): void {
    const p = this.participants.get(participantId);
    // A newer connection replaced this one, or the participant already left: nothing to do.
    if (!p || p.closed || p.connection !== conn) return;
    p.connection = undefined;
    clearTimeout(p.graceTimer);
    p.graceTimer = setTimeout(() => {
      this.run(async () => {
        if (!p.closed && !p.connection) await this.drop(p, undefined, 'connection_lost');
      }).catch((err) => {
        if (!this.isClosed) this.log.warn({ err, hearingId: this.id }, 'dropping a disconnected participant failed');
      });
    }, this.opts.graceMs);
    p.graceTimer.unref?.();
    this.changed();
  }

  leave(participantId: string): Promise<void> {
    return this.run(async () => {
      const p = this.participants.get(participantId);
      if (p) await this.drop(p, undefined, 'left');
    });
  }

  snapshotFor(participantId: string): HearingSnapshot {
    return snapshotFor(this.snapshotSource(), this.live(participantId));
  }

  // ---- building blocks for controls, caucus and chat (call from inside run) ----

  live(participantId: string): LiveParticipant {
    const p = this.participants.get(participantId);
    if (!p) throw new NotFoundError('participant in this hearing');
    return p;
  }

  /** The acting participant: the grant first (so ids tell an unauthorised caller nothing), then their own state. */
  actor(participantId: string, control: HearingControl): LiveParticipant {
    const p = this.live(participantId);
    assertControl(p.role, control);
    if (!p.inMedia) throw new InvalidStateError('not from the lobby: wait to be admitted');
    return p;
  }

  /**
   * Puts a participant in a room: the router first (so nothing is forwarded against the rules), then the state.
   * The lobby is not a media room: going there removes the participant from the router.
   */
  async moveTo(p: LiveParticipant, room: Room): Promise<void> {
    const from = p.room;
    if (from === room) return;
    if (room.kind === 'lobby') {
      if (p.inMedia) await this.media.remove(p.id);
    } else {
      // Entering the media: an interpreter's audience (or a listener's channel) holds before anything is forwarded.
      if (!p.inMedia && this.interpretation.special(p)) await this.media.setAudience(p.id, this.interpretation.audienceOf(p));
      await this.media.setRoom(p.id, room.id);
      // A router that has just met this participant forwards everything; their own mutes must hold there too.
      if (!p.inMedia) for (const kind of ['audio', 'video'] as const) if (p.muted(kind)) await this.media.setForwarding(p.id, kind, false);
    }
    room.add(p);
    if (room.kind !== 'lobby') await this.markStarted(p);
    // Entering a room (admitted, into a caucus and back) shows the chat of that room; a reconnect gets it with its join.
    if (from && room.kind !== 'lobby') this.chat.sendHistory(p);
    if (from?.kind === 'caucus') await this.caucus.endIfEmpty(from);
  }

  /**
   * A participant leaves the live hearing (left, timed out, denied, removed). Their departure stands even if the
   * router or the audit write fails afterwards: it is logged, never undone.
   */
  async drop(p: LiveParticipant, notice?: ClosedNotice, reason?: string): Promise<void> {
    const from = p.room;
    const wasInMedia = p.inMedia;
    p.close(notice);
    this.participants.delete(p.id);
    this.recording.forget(p.id);
    this.captions.forget(p.id);
    this.departed.set(p.id, p.state());
    if (wasInMedia) {
      await this.media.remove(p.id).catch((err) => this.log.warn({ err, hearingId: this.id }, 'media removal failed'));
    }
    if (reason) await this.record(p, 'hearing.left', { participantId: p.id, reason }).catch(() => {});
    if (from?.kind === 'caucus') await this.caucus.endIfEmpty(from);
    this.changed();
    if (this.participants.size === 0) await this.close();
  }

  /** Appends to the case's audit chain, with the acting participant as actor. */
  async record(actor: LiveParticipant, action: AuditAction, data: Record<string, unknown>): Promise<void> {
    try {
      await this.services.audit.record(this.caseId, { actor: `participant:${actor.id}`, action, data: { hearingId: this.id, ...data } });
    } catch (err) {
      this.log.error({ err, hearingId: this.id, action }, 'audit append failed');
      throw err;
    }
  }

  /** State changed: every participant gets their own snapshot (through their outbox), once per burst of changes. */
  changed(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    queueMicrotask(() => {
      this.flushQueued = false;
      if (this.isClosed) return;
      // Rooms, mutes and producers decide which speakers are captioned.
      this.captions.changed();
      const src = this.snapshotSource();
      for (const p of this.participants.values()) {
        try {
          p.send('hearing.state', snapshotFor(src, p));
        } catch (err) {
          this.log.warn({ err, hearingId: this.id }, 'sending a snapshot failed');
        }
      }
    });
  }

  /** Mediator ended the hearing, or the last participant left: rooms close their participants, then the router closes. */
  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    // Recorders first, while the router still runs: each track's last segment is closed and hashed.
    await this.recording.close();
    await this.captions.close();
    for (const room of this.caucusRooms.values()) room.close();
    this.caucusRooms.clear();
    this.joint.close();
    this.lobby.close();
    this.participants.clear();
    await this.media.close();
    this.opts.onClosed(this);
  }

  private async markStarted(p: LiveParticipant): Promise<void> {
    if (this.status !== 'scheduled') return;
    this.status = 'in_progress';
    await this.services.records
      .setStatus(this.caseId, this.id, 'in_progress', { actor: `participant:${p.id}`, action: 'hearing.started' })
      .catch((err) => this.log.warn({ err, hearingId: this.id }, 'could not mark the hearing in progress'));
  }

  /** Audio levels go only to the people in the speaker's room: a caucus is not heard, nor seen speaking. */
  private sendLevels(levels: Record<string, number>): void {
    const byRoom = new Map<Room, Record<string, number>>();
    for (const [pid, level] of Object.entries(levels)) {
      const room = this.participants.get(pid)?.room;
      if (!room || room.kind === 'lobby') continue;
      const m = byRoom.get(room) ?? {};
      m[pid] = level;
      byRoom.set(room, m);
    }
    // Nor is an interpreter heard (or seen speaking) outside their audience.
    for (const [room, m] of byRoom) for (const p of room.members) p.sendLevels(this.interpretation.audibleLevels(p, m));
  }

  private snapshotSource() {
    return {
      hearingId: this.id, caseNumber: this.caseNumber, status: this.status, locked: this.locked,
      // Arrays, not iterators: one source serves every participant's snapshot in a flush.
      participants: [...this.participants.values()], departed: [...this.departed.values()], caucuses: [...this.caucusRooms.values()],
      producers: this.producers, channels: this.interpretation.channels(),
    };
  }
}
