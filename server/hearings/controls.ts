import { InvalidStateError, PermissionDeniedError } from '../lib/errors.js';
import type { RecordingConsent } from '../../signaling/protocol/hearing.js';
import type { AuditAction } from '../../signaling/protocol/audit.js';
import type { LiveHearing } from './hearing.js';
import type { LiveParticipant, MediaKind, Quality } from './participant.js';
import { isChair } from './permissions.js';

export interface SelfUpdate {
  audioMuted?: boolean;
  videoMuted?: boolean;
  handRaised?: boolean;
  screenSharing?: boolean;
  quality?: Exclude<Quality, 'unknown'>;
}

/**
 * The chair's controls (admit, deny, send back, lock, end, mute, ask to unmute, remove) and a participant's own state.
 * Each runs in the hearing's queue: permission, then state checks, then the router, then the audit entry, then the
 * in-memory change; a failure before the last step undoes the router change, so nothing is left half-applied.
 */
export class HearingControls {
  constructor(private readonly h: LiveHearing) {}

  admit(actorId: string, targetId: string): Promise<void> {
    return this.h.run(async () => {
      const actor = this.h.actor(actorId, 'admit');
      const p = this.h.live(targetId);
      if (p.room?.kind !== 'lobby') throw new InvalidStateError(`${p.displayName} is not in the lobby`);
      await this.h.moveTo(p, this.h.joint);
      await this.audited(actor, 'hearing.admitted', { participantId: p.id, role: p.role }, () => this.h.moveTo(p, this.h.lobby));
      this.h.changed();
    });
  }

  deny(actorId: string, targetId: string, reason?: string): Promise<void> {
    return this.h.run(async () => {
      const actor = this.h.actor(actorId, 'deny');
      const p = this.h.live(targetId);
      if (p.room?.kind !== 'lobby') throw new InvalidStateError(`${p.displayName} is not in the lobby`);
      await this.h.record(actor, 'hearing.denied', { participantId: p.id, role: p.role, ...(reason ? { reason } : {}) });
      await this.h.drop(p, { reason: 'denied', ...(reason ? { message: reason } : {}) });
    });
  }

  sendBack(actorId: string, targetId: string): Promise<void> {
    return this.h.run(async () => {
      const actor = this.h.actor(actorId, 'sendBack');
      const p = this.h.live(targetId);
      if (p === actor) throw new InvalidStateError('you cannot send yourself to the lobby');
      if (isChair(p.role)) throw new PermissionDeniedError('a mediator cannot be sent to the lobby');
      if (!p.inMedia) throw new InvalidStateError(`${p.displayName} is already in the lobby`);
      const from = p.room!;
      await this.h.moveTo(p, this.h.lobby);
      await this.audited(actor, 'hearing.sent_back', { participantId: p.id, from: from.id }, () =>
        this.h.moveTo(p, from.closed ? this.h.joint : from),
      );
      this.h.changed();
    });
  }

  lock(actorId: string, locked: boolean): Promise<void> {
    return this.h.run(async () => {
      const actor = this.h.actor(actorId, 'lock');
      if (this.h.locked === locked) return;
      await this.h.record(actor, locked ? 'hearing.locked' : 'hearing.unlocked', {});
      this.h.locked = locked;
      this.h.changed();
    });
  }

  /** Closes the hearing for good: the store says closed (with the audit entry) before anyone is told. */
  end(actorId: string): Promise<void> {
    return this.h.run(async () => {
      const actor = this.h.actor(actorId, 'end');
      const present = [...this.h.participants.values()].map((p) => p.id);
      await this.h.services.records.setStatus(this.h.caseId, this.h.id, 'closed', {
        actor: `participant:${actor.id}`, action: 'hearing.ended', data: { present },
      });
      this.h.status = 'closed';
      for (const p of [...this.h.participants.values()]) p.close({ reason: 'ended' });
      await this.h.close();
    });
  }

  /** The router stops forwarding at once; the client is told so it can show it (and stop sending). */
  mute(actorId: string, targetId: string, kind: MediaKind): Promise<void> {
    return this.h.run(async () => {
      const actor = this.h.actor(actorId, 'mute');
      const p = this.h.live(targetId);
      if (!p.inMedia) throw new InvalidStateError(`${p.displayName} is in the lobby`);
      await this.h.media.setForwarding(p.id, kind, false);
      const wasMuted = p.muted(kind);
      await this.audited(actor, 'hearing.muted', { participantId: p.id, kind }, async () => {
        if (!wasMuted) await this.h.media.setForwarding(p.id, kind, true);
      });
      p.setMuted(kind, true);
      p.forced[kind] = true;
      p.send('control.muted', { kind });
      this.h.changed();
    });
  }

  /** Lifts the mediator's mute; the participant decides whether to unmute (nobody is put on air without knowing). */
  askUnmute(actorId: string, targetId: string): Promise<void> {
    return this.h.run(async () => {
      const actor = this.h.actor(actorId, 'askUnmute');
      const p = this.h.live(targetId);
      await this.h.record(actor, 'hearing.unmute_asked', { participantId: p.id });
      p.forced.audio = false;
      p.forced.video = false;
      p.send('control.askUnmute');
      this.h.changed();
    });
  }

  /** Removal is final: every link of the participant for this hearing is revoked, so none of them admits again. */
  remove(actorId: string, targetId: string, reason?: string): Promise<void> {
    return this.h.run(async () => {
      const actor = this.h.actor(actorId, 'remove');
      const p = this.h.live(targetId);
      if (p === actor) throw new InvalidStateError('you cannot remove yourself; leave or end the hearing');
      if (isChair(p.role)) throw new PermissionDeniedError('a mediator cannot be removed');
      const staff = actor.staffId ? await this.h.services.roster.getStaff(actor.staffId).catch(() => undefined) : undefined;
      if (!staff || !staff.active) throw new PermissionDeniedError('only an active staff member can remove participants');
      const links = (await this.h.services.links.forHearings([this.h.id])).filter((l) => l.participantId === p.id && !l.revokedAt);
      const why = reason ?? 'removed from the hearing';
      for (const l of links) await this.h.services.links.revoke({ id: staff.id, role: staff.role, orgId: staff.orgId }, this.h.caseId, l.id, why);
      await this.h.record(actor, 'hearing.removed', { participantId: p.id, role: p.role, linksRevoked: links.map((l) => l.id), ...(reason ? { reason } : {}) });
      await this.h.drop(p, { reason: 'removed', ...(reason ? { message: reason } : {}) });
    });
  }

  /** A participant's own state. Unmuting what the mediator muted needs the mediator's ask first. */
  updateSelf(participantId: string, patch: SelfUpdate): Promise<void> {
    return this.h.run(async () => {
      const p = this.h.live(participantId);
      const kinds = (['audio', 'video'] as const).filter((k) => patch[`${k}Muted`] !== undefined && patch[`${k}Muted`] !== p.muted(k));
      for (const k of kinds) {
        if (!patch[`${k}Muted`] && p.forced[k]) throw new PermissionDeniedError(`your ${k} was muted by the mediator; wait until asked to unmute`);
      }
      // Own mutes are enforced in the router too: muted means nothing of yours is forwarded, whatever the client does.
      const done: MediaKind[] = [];
      try {
        for (const k of kinds) {
          if (p.inMedia) await this.h.media.setForwarding(p.id, k, !patch[`${k}Muted`]);
          done.push(k);
        }
      } catch (err) {
        for (const k of done) await this.h.media.setForwarding(p.id, k, !p.muted(k)).catch(() => {});
        throw err;
      }
      for (const k of kinds) p.setMuted(k, patch[`${k}Muted`]!);
      if (patch.handRaised !== undefined) p.handRaised = patch.handRaised;
      if (patch.screenSharing !== undefined) p.screenSharing = patch.screenSharing;
      if (patch.quality !== undefined) p.quality = patch.quality;
      this.h.changed();
    });
  }

  /**
   * "I have read the rules and the recording notice", from the pre-join page (with `hearing.join`) or changed later.
   * Kept on the participant and in the audit chain; an unchanged answer is not recorded twice. It is not consent to be
   * recorded (issue 12): the recorder never reads it; consent is asked in the room (`recording.consent`).
   */
  async setConsent(participantId: string, consent: RecordingConsent): Promise<void> {
    await this.h.run(async () => {
      const p = this.h.live(participantId);
      if (p.consent?.recording === consent.recording) return;
      await this.h.record(p, 'hearing.consent', { participantId: p.id, recording: consent.recording });
      p.consent = { recording: consent.recording };
      this.h.changed();
    });
  }

  /** The link behind a participant's session was revoked elsewhere (the case page): they leave at once. */
  linkRevoked(participantId: string, linkId: string): Promise<void> {
    return this.h.run(async () => {
      const p = this.h.participants.get(participantId);
      if (p && p.linkId === linkId) await this.h.drop(p, { reason: 'link_revoked' }, 'link_revoked');
    });
  }

  private async audited(actor: LiveParticipant, action: AuditAction, data: Record<string, unknown>, undo: () => Promise<void>): Promise<void> {
    try {
      await this.h.record(actor, action, data);
    } catch (err) {
      await undo().catch((e) => this.h.log.error({ err: e, hearingId: this.h.id }, 'undo after a failed audit write failed'));
      throw err;
    }
  }
}
