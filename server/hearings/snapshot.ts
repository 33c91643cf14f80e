import type { HearingStatus, SpokenLanguage } from '../../signaling/protocol/domain.js';
import type { CaucusState, HearingSnapshot, ParticipantState, ProducerSummary } from '../../signaling/protocol/hearing.js';
import type { LiveParticipant } from './participant.js';
import { seesEverything, seesLobby } from './permissions.js';
import type { Room } from './room.js';

export interface SnapshotSource {
  hearingId: string;
  caseNumber: string;
  status: HearingStatus;
  locked: boolean;
  participants: Iterable<LiveParticipant>;
  /** People who were in this live hearing and left: the mediator's attendance view. */
  departed: Iterable<ParticipantState>;
  caucuses: Iterable<Room>;
  /** What each participant publishes now (from the media router). */
  producers: readonly ProducerSummary[];
  /** The hearing's language channels. */
  channels: readonly SpokenLanguage[];
}

/**
 * What one participant may know about the hearing. The rules protect the private caucus (背对背): outside a caucus you
 * learn that it runs and since when, never who is in it, and you do not see the people in it either (that would give
 * the members away). The lobby learns nothing about who is inside. The mediator sees everything.
 */
export function snapshotFor(src: SnapshotSource, viewer: LiveParticipant): HearingSnapshot {
  const base = { hearingId: src.hearingId, caseNumber: src.caseNumber, status: src.status, locked: src.locked, selfId: viewer.id, channels: [...src.channels] };
  if (!viewer.inMedia) return { ...base, participants: [viewer.state()], caucuses: [], producers: [] };
  const all = seesEverything(viewer.role);
  const participants: ParticipantState[] = [];
  for (const p of src.participants) {
    const visible = all || p === viewer || p.room === viewer.room || (p.room?.kind === 'lobby' && seesLobby(viewer.role));
    if (visible) participants.push(p.state());
  }
  if (all) participants.push(...src.departed);
  const caucuses: CaucusState[] = [];
  for (const c of src.caucuses) {
    caucuses.push({ id: c.id, startedAt: c.startedAt, memberIds: all || viewer.room === c ? c.memberIds() : null });
  }
  // Tracks of the people whose media reaches the viewer (own room), and the viewer's own: never across a caucus.
  const mates = new Set<string>();
  for (const p of src.participants) if (p === viewer || (p.room === viewer.room && p.inMedia)) mates.add(p.id);
  const producers = src.producers.filter((x) => mates.has(x.participantId));
  return { ...base, participants, caucuses, producers };
}
