import { FLOOR_CHANNEL, SPOKEN_LANGUAGES, type InterpretationMode, type ListeningChannel, type SpokenLanguage } from '../../signaling/protocol/domain.js';
import type { InterpretingState } from '../../signaling/protocol/hearing.js';
import { InvalidStateError, PermissionDeniedError, ValidationError } from '../lib/errors.js';
import type { Audience } from '../media/engine.js';
import type { LiveHearing } from './hearing.js';
import type { LiveParticipant } from './participant.js';
import { mayDo } from './permissions.js';
import type { RosterEntry } from './types.js';

/**
 * Interpreter channels of one live hearing (issue 17), the way Zoom, Teams and HMCTS's video hearings do it: every
 * listener follows a channel (`floor`, or a language an interpreter of this hearing speaks into), and an
 * interpreter's audio reaches, by mode: simultaneous, only the listeners of their channel; consecutive, everyone
 * (they speak on the floor); whispered, only the party they serve. The SFU enforces it (`MediaRouter.setAudience`,
 * inside the room rule, so a caucus stays closed), told before the state changes, as with a room move. The browser
 * turns the floor down in a language channel; that is comfort, not isolation.
 */
export class HearingInterpretation {
  /** Interpreter id -> mode now: as scheduled until switched in the room (kept while the hearing is live). */
  private readonly modes = new Map<string, InterpretationMode>();

  constructor(
    private readonly h: LiveHearing,
    private readonly roster: ReadonlyMap<string, RosterEntry>,
  ) {
    for (const r of roster.values()) if (r.interpretation) this.modes.set(r.id, r.interpretation.mode);
  }

  /** The language channels: the languages the hearing's interpreters speak into, in SPOKEN_LANGUAGES order. */
  channels(): SpokenLanguage[] {
    const to = new Set<SpokenLanguage>();
    for (const r of this.roster.values()) if (r.interpretation) to.add(r.interpretation.to);
    return SPOKEN_LANGUAGES.filter((l) => to.has(l));
  }

  /** What a newly arrived participant shows: an interpreter's pair, mode and the participants of the party served. */
  stateFor(entry: RosterEntry): InterpretingState | null {
    const i = entry.interpretation;
    if (!i) return null;
    return { from: i.from, to: i.to, mode: this.modes.get(entry.id) ?? i.mode, serves: this.served(entry.id) };
  }

  /** What the SFU must know of a participant: their channel, and who hears their audio. */
  audienceOf(p: LiveParticipant, change: { channel?: ListeningChannel; mode?: InterpretationMode } = {}): Audience {
    const channel = change.channel ?? p.channel;
    const i = p.interpreting;
    const mode = change.mode ?? i?.mode;
    if (!i || mode === 'consecutive') return { channel, heardBy: null };
    if (mode === 'whispered') return { channel, heardBy: { channels: [], participants: [...i.serves] } };
    return { channel, heardBy: { channels: [i.to], participants: [] } };
  }

  /** Whether the router must be told anything about `p` beyond the engine's default (floor, heard by everyone). */
  special(p: LiveParticipant): boolean {
    const a = this.audienceOf(p);
    return a.channel !== FLOOR_CHANNEL || a.heardBy !== null;
  }

  /** Whether `listener` hears `speaker`'s audio: the SFU's rule, for what the room shows (audio levels). */
  hears(listener: LiveParticipant, speaker: LiveParticipant): boolean {
    if (listener === speaker) return true;
    const { heardBy } = this.audienceOf(speaker);
    return heardBy === null || heardBy.channels.includes(listener.channel) || heardBy.participants.includes(listener.id);
  }

  /**
   * Interpreters who go with `members` into a caucus: those serving a party one of them is, in the joint session.
   * A caucus then keeps them in, like anyone in it.
   */
  followers(members: LiveParticipant[]): LiveParticipant[] {
    const ids = new Set(members.map((m) => m.id));
    const out: LiveParticipant[] = [];
    for (const p of this.h.participants.values()) {
      if (ids.has(p.id) || !p.interpreting || p.room !== this.h.joint) continue;
      if (p.interpreting.serves.some((id) => ids.has(id))) out.push(p);
    }
    return out;
  }

  /** A listener picks their channel: the SFU first, then the state. */
  listen(participantId: string, channel: ListeningChannel): Promise<void> {
    return this.h.run(async () => {
      const p = this.h.live(participantId);
      if (!mayDo(p.role, 'interpretation.listen')) throw new PermissionDeniedError(`the ${p.role} may not pick a channel`);
      if (channel !== FLOOR_CHANNEL && !this.channels().includes(channel)) {
        throw new ValidationError('no interpreter of this hearing speaks into that channel', { channel });
      }
      if (p.channel === channel) return;
      if (p.inMedia) await this.h.media.setAudience(p.id, this.audienceOf(p, { channel }));
      p.channel = channel;
      this.h.changed();
    });
  }

  /** The mediator, or the interpreter for themselves, switches an interpreter's mode: the SFU first, then the state. */
  setMode(actorId: string, interpreterId: string, mode: InterpretationMode): Promise<void> {
    return this.h.run(async () => {
      const actor = this.h.live(actorId);
      const self = actorId === interpreterId;
      if (!mayDo(actor.role, 'interpretation.mode', self ? { subjectId: 'self' } : {})) {
        throw new PermissionDeniedError(`the ${actor.role} may not switch this interpreter's mode`);
      }
      if (!actor.inMedia) throw new InvalidStateError('not from the lobby: wait to be admitted');
      const target = this.h.live(interpreterId);
      const i = target.interpreting;
      if (!i) throw new InvalidStateError(`${target.displayName} is not an interpreter`);
      if (mode === 'whispered' && i.serves.length === 0) throw new InvalidStateError('whispered interpretation needs the party served');
      if (i.mode === mode) return;
      if (target.inMedia) await this.h.media.setAudience(target.id, this.audienceOf(target, { mode }));
      target.interpreting = { ...i, mode };
      this.modes.set(target.id, mode);
      await this.h.record(actor, 'hearing.interpretation_mode', { participantId: target.id, from: i.mode, to: mode }).catch(() => {});
      this.h.changed();
    });
  }

  /** Audio levels a listener may see: only of those they hear. */
  audibleLevels(listener: LiveParticipant, levels: Record<string, number>): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [id, level] of Object.entries(levels)) {
      const speaker = this.h.participants.get(id);
      if (speaker && this.hears(listener, speaker)) out[id] = level;
    }
    return out;
  }

  /** Participant ids of the party an interpreter serves (the party and anyone representing it on the roster). */
  private served(interpreterId: string): string[] {
    const party = this.roster.get(interpreterId)?.interpretation?.servesPartyId;
    if (!party) return [];
    return [...this.roster.values()].filter((r) => r.partyId === party && r.id !== interpreterId).map((r) => r.id);
  }
}
