import { FLOOR_CHANNEL, type HearingRole, type ListeningChannel, type SpokenLanguage } from '../../signaling/protocol/domain.js';
import type { InterpretingState, ParticipantPresence, ParticipantState, RecordingConsent, SequencedEvent, ServerEventArgs } from '../../signaling/protocol/hearing.js';
import { Outbox, sendTagged } from './outbox.js';
import type { Room } from './room.js';
import type { ClosedNotice, ParticipantConnection, RosterEntry } from './types.js';

export type MediaKind = 'audio' | 'video';
export type Quality = ParticipantState['quality'];

/**
 * A participant while they are part of the live hearing: in exactly one room (lobby, joint or a caucus) until closed.
 * The connection comes and goes (network drops, a second tab); the participant outlives it for the grace period.
 */
export class LiveParticipant {
  readonly id: string;
  readonly role: HearingRole;
  readonly displayName: string;
  readonly staffId: string | null;
  readonly language: SpokenLanguage | null;
  /** The listening channel picked (`interpretation.listen`); kept across a reconnect. */
  channel: ListeningChannel = FLOOR_CHANNEL;
  /** An interpreter's work now (mode switchable in the room); set by the hearing on arrival, null for others. */
  interpreting: InterpretingState | null = null;
  /** The link the current session came from; updated when the person comes back through a re-issued link. */
  linkId: string;
  room: Room | undefined;
  connection: ParticipantConnection | undefined;
  audioMuted = false;
  videoMuted = false;
  handRaised = false;
  screenSharing = false;
  quality: Quality = 'unknown';
  /** Muted by the mediator: the participant may not unmute this kind until asked to (participant.askUnmute). */
  readonly forced: Record<MediaKind, boolean> = { audio: false, video: false };
  /** The answer to the pre-join recording notice (`hearing.join` or `consent.set`); null until given. */
  consent: RecordingConsent | null = null;
  graceTimer: ReturnType<typeof setTimeout> | undefined;
  /** What the hearing sent them and they have not acknowledged: replayed after a reconnect (lives through the grace). */
  readonly outbox = new Outbox();
  private isClosed = false;

  constructor(entry: RosterEntry, linkId: string) {
    this.id = entry.id;
    this.role = entry.role;
    this.displayName = entry.displayName;
    this.staffId = entry.staffId;
    this.language = entry.language;
    this.linkId = linkId;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** In the joint session or a caucus: the media router knows them and forwards for them. */
  get inMedia(): boolean {
    return this.room !== undefined && this.room.kind !== 'lobby';
  }

  get presence(): ParticipantPresence {
    if (this.isClosed) return 'left';
    if (!this.connection) return 'disconnected';
    return this.room?.kind === 'lobby' ? 'lobby' : 'joined';
  }

  muted(kind: MediaKind): boolean {
    return kind === 'audio' ? this.audioMuted : this.videoMuted;
  }

  setMuted(kind: MediaKind, muted: boolean): void {
    if (kind === 'audio') this.audioMuted = muted;
    else this.videoMuted = muted;
  }

  state(): ParticipantState {
    return {
      id: this.id, role: this.role, displayName: this.displayName, presence: this.presence,
      roomId: this.inMedia ? this.room!.id : null,
      audioMuted: this.audioMuted, videoMuted: this.videoMuted, handRaised: this.handRaised, screenSharing: this.screenSharing,
      quality: this.quality,
      forcedMuted: { audio: this.forced.audio, video: this.forced.video },
      consent: this.consent ? { recording: this.consent.recording } : null,
      language: this.language, channel: this.channel,
      interpreting: this.interpreting ? { ...this.interpreting, serves: [...this.interpreting.serves] } : null,
    };
  }

  /**
   * Tells the participant of a change: numbered and kept in the outbox, then sent if they are connected (a dead
   * connection loses nothing: the client's `since` or acknowledgement shows what to send again).
   */
  send<E extends SequencedEvent>(event: E, ...args: ServerEventArgs[E]): void {
    if (this.isClosed) return;
    const d = this.outbox.push(event, args);
    if (this.connection) sendTagged(this.connection, event, args, d);
  }

  /** Audio levels: superseded ten times a second, so neither numbered nor kept. */
  sendLevels(levels: Record<string, number>): void {
    this.connection?.send('media.levels', levels);
  }

  /**
   * Leaves the live hearing; safe to call twice. With a notice (denied, removed, ended) the client is told why and its
   * connection is closed; without one (the person left) the connection stays open, so the client may join again.
   * Media removal is the hearing's job: it owns the router and must await it.
   */
  close(notice?: ClosedNotice): void {
    if (this.isClosed) return;
    this.isClosed = true;
    clearTimeout(this.graceTimer);
    this.graceTimer = undefined;
    this.room?.members.delete(this);
    this.room = undefined;
    const conn = this.connection;
    this.connection = undefined;
    if (conn && notice) {
      conn.send('hearing.closed', notice);
      conn.close();
    }
  }
}
