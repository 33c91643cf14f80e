import type { HearingRole, Interpretation, SpokenLanguage } from '../../signaling/protocol/domain.js';
import type { Delivery, ServerToClientEvents } from '../../signaling/protocol/hearing.js';

/** Who a connection speaks for: what a verified participant session token says, checked against its link. */
export interface ParticipantIdentity {
  participantId: string;
  linkId: string;
  caseId: string;
  hearingId: string;
  role: HearingRole;
}

export type ServerEvent = keyof ServerToClientEvents;
/**
 * What a (re)connecting client already has: the last outbox event it applied (`since` of `hearing.join`), 'acked' for
 * a connection socket.io recovered (it sends no since: everything it has not acknowledged is sent again; the client
 * drops what it already applied), or nothing (a new page: the join answer is the full state).
 */
export type ResumePoint = Delivery | 'acked' | undefined;
export type ClosedNotice = Parameters<ServerToClientEvents['hearing.closed']>[0];

/**
 * One client connection as the hearing sees it. The gateway adapts a socket.io socket to this, so the hearing state
 * knows nothing of socket.io and can be driven by tests or another transport.
 */
export interface ParticipantConnection {
  readonly id: string;
  send<E extends ServerEvent>(event: E, ...args: Parameters<ServerToClientEvents[E]>): void;
  /** Ends the transport. The participant has already forgotten this connection, so its drop is not a network loss. */
  close(): void;
}

/** A scheduled participant of the hearing, as loaded from HearingService. */
export interface RosterEntry {
  id: string;
  role: HearingRole;
  displayName: string;
  staffId: string | null;
  /** The case party this participant is (or represents), null for staff and guests. */
  partyId: string | null;
  /** Spoken language, from the schedule (issue 17). */
  language: SpokenLanguage | null;
  /** An interpreter's assignment as scheduled; null for everyone else. */
  interpretation: Interpretation | null;
}
