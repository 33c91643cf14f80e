import type { Socket } from 'socket.io';
import type { ClientToServerEvents, Delivery, IceServer, JoinResult, RecordingConsent, ServerToClientEvents } from '../protocol/hearing.js';
import { InvalidStateError } from '../../server/lib/errors.js';
import type { Logger } from '../../server/lib/logger.js';
import type {
  HearingRegistry, LiveHearing, LiveParticipant, ParticipantConnection, ParticipantIdentity, ResumePoint,
} from '../../server/hearings/index.js';

/** Kept by socket.io across a recovered connection: who this is, and whether they had joined. */
export interface SocketData {
  identity: ParticipantIdentity;
  joined: boolean;
}
export type HearingSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/**
 * One socket's view of the hearing: who it speaks for, the participant it is attached to once joined, and the
 * connection the hearing sends through. A close the hearing asks for while this socket's own request is in flight
 * waits for the reply, so the mediator who ends the hearing still gets the acknowledgement.
 */
export class SocketSession {
  hearing: LiveHearing | undefined;
  participant: LiveParticipant | undefined;
  readonly connection: ParticipantConnection;
  private inflight = 0;
  private closeAfterReply = false;

  constructor(
    readonly socket: HearingSocket,
    readonly registry: HearingRegistry,
    readonly log: Logger,
    private readonly iceServers: () => readonly IceServer[] = () => [],
  ) {
    this.connection = {
      id: socket.id,
      send: (event, ...args) => {
        (socket.emit as (e: string, ...a: unknown[]) => boolean)(event, ...args);
      },
      close: () => {
        if (this.inflight > 0) this.closeAfterReply = true;
        else socket.disconnect(true);
      },
    };
  }

  get identity(): ParticipantIdentity {
    return this.socket.data.identity;
  }

  /** The hearing and participant this socket speaks for; requests before joining (or after leaving) are refused. */
  joined(): { hearing: LiveHearing; participant: LiveParticipant } {
    const { hearing, participant } = this;
    if (!hearing || !participant || participant.closed || hearing.closed) throw new InvalidStateError('join the hearing first');
    return { hearing, participant };
  }

  /**
   * Joins (or, already joined, answers the current state again). The answer carries the snapshot, the chat this
   * participant may read and the ICE servers; a recording-notice answer given on the pre-join page is stored first.
   * `since` (the last outbox event the client applied): what followed it is sent again before the answer, if the
   * outbox still holds it; the answer says how many (`outbox.replayed`), or null when it is the full state instead.
   */
  async join(consent?: RecordingConsent, since?: Delivery | 'acked'): Promise<JoinResult> {
    let replayed: number | null;
    if (!(this.hearing && this.participant && !this.participant.closed && !this.hearing.closed)) {
      const joined = await this.registry.join(this.identity, this.connection, since);
      this.hearing = joined.hearing;
      this.participant = joined.participant;
      replayed = joined.replayed;
      this.socket.data.joined = true;
      // The socket may have dropped while the join waited in the hearing's queue: then it is a disconnect like any other.
      if (this.socket.disconnected) joined.hearing.detach(joined.participant.id, this.connection);
    } else {
      replayed = this.participant.outbox.replay(this.connection, since);
    }
    const { hearing, participant } = this;
    const [, chat] = await Promise.all([consent ? hearing.controls.setConsent(participant.id, consent) : null, hearing.chat.visibleTo(participant)]);
    // The snapshot and the seq it is as of, taken together: events after it carry a higher seq.
    const outbox = { epoch: participant.outbox.epoch, seq: participant.outbox.head, replayed };
    return { ...hearing.snapshotFor(participant.id), chat, iceServers: this.iceServerList(), outbox };
  }

  /** The STUN/TURN servers clients use (CONCORD_ICE_SERVERS), as plain copies. */
  iceServerList(): IceServer[] {
    return this.iceServers().map((s) => ({ ...s }));
  }

  async leave(): Promise<void> {
    const { hearing, participant } = this.joined();
    this.socket.data.joined = false;
    this.hearing = undefined;
    this.participant = undefined;
    await hearing.leave(participant.id);
  }

  onDisconnect(): void {
    this.registry.testCalls.disconnected(this.identity.participantId, this.connection.id);
    if (this.hearing && this.participant) this.hearing.detach(this.participant.id, this.connection);
  }

  begin(): void {
    this.inflight++;
  }

  end(): void {
    this.inflight--;
    if (this.inflight === 0 && this.closeAfterReply) {
      this.closeAfterReply = false;
      this.socket.disconnect(true);
    }
  }
}
