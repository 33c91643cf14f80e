import { AppError, InvalidStateError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { CaseService } from '../cases/cases.js';
import { interpretationOf, type HearingService } from '../cases/hearings.js';
import type { MediaEngine } from '../media/engine.js';
import type { HearingRole, SpokenLanguage } from '../../signaling/protocol/domain.js';
import { LiveHearing, type HearingServices } from './hearing.js';
import type { LiveParticipant } from './participant.js';
import type { ParticipantConnection, ParticipantIdentity, ResumePoint } from './types.js';
import type { RecordingBackend } from './recording.js';
import type { CaptionBackend } from './captions.js';
import { TestCalls } from './test-call.js';

export interface HearingRegistryOptions {
  hearings: HearingService;
  cases: CaseService;
  services: HearingServices;
  /** Without an engine the hearing runs (lobby, chat, controls) and media requests answer UNAVAILABLE. */
  engine: MediaEngine | undefined;
  log: Logger;
  /** Reconnection grace period; default 30 s (the same as socket.io's connection-state recovery window). */
  graceMs?: number;
  /** How often links of people in live hearings are checked for revocation done elsewhere; default 15 s, 0 = never. */
  linkCheckMs?: number;
  now?: () => Date;
  /** Recording with consent (server/recordings); absent: hearings cannot be recorded. */
  recording?: RecordingBackend;
  /** Live captions (recordings/captions); absent: nobody can turn captions on. */
  captions?: CaptionBackend;
}

export const DEFAULT_GRACE_MS = 30_000;

/**
 * The live hearings of this process, created on first join and forgotten when their last participant leaves.
 * Constructed by the wiring (no module state), so a test or a second server in the same process has its own.
 */
export class HearingRegistry {
  private readonly live = new Map<string, LiveHearing>();
  private readonly opening = new Map<string, Promise<LiveHearing>>();
  private readonly linkTimer: ReturnType<typeof setInterval> | undefined;
  private readonly offRevoked: () => void;
  private isClosed = false;
  /** The pre-join test calls (issue 16.5): routers of their own on the same engine, never a hearing's. */
  readonly testCalls: TestCalls;

  constructor(private readonly opts: HearingRegistryOptions) {
    this.testCalls = new TestCalls({ engine: opts.engine, log: opts.log });
    // A link revoked here takes its holder out at once; the timer below finds revocations made by another process.
    this.offRevoked = opts.services.links.onRevoked((link) => {
      const h = this.live.get(link.hearingId);
      const p = h?.participants.get(link.participantId);
      if (h && p && p.linkId === link.id) {
        h.controls.linkRevoked(p.id, link.id).catch((err) => opts.log.warn({ err, hearingId: h.id, linkId: link.id }, 'removing the holder of a revoked link failed'));
      }
    });
    const every = opts.linkCheckMs ?? 15_000;
    if (every > 0) {
      this.linkTimer = setInterval(() => {
        this.checkLinks().catch((err) => opts.log.warn({ err }, 'link revocation check failed'));
      }, every);
      this.linkTimer.unref();
    }
  }

  get(hearingId: string): LiveHearing | undefined {
    const h = this.live.get(hearingId);
    return h && !h.closed ? h : undefined;
  }

  hearings(): LiveHearing[] {
    return [...this.live.values()].filter((h) => !h.closed);
  }

  /**
   * Joins (or resumes) a participant, opening the live hearing if nobody is in it yet. `since`: what the connection
   * already has (see `LiveHearing.attach`); `replayed` is how many outbox events were sent again, null for none.
   */
  async join(
    identity: ParticipantIdentity, conn: ParticipantConnection, since?: ResumePoint,
  ): Promise<{ hearing: LiveHearing; participant: LiveParticipant; replayed: number | null }> {
    // A hearing whose last participant just left closes under our feet; the next attempt opens a fresh one.
    for (let attempt = 0; attempt < 3; attempt++) {
      const hearing = await this.open(identity.caseId, identity.hearingId);
      try {
        return { hearing, ...(await hearing.attach(identity, conn, since)) };
      } catch (err) {
        if (hearing.closed && hearing.status !== 'closed') continue;
        throw err;
      }
    }
    throw new AppError('UNAVAILABLE', 'the hearing is restarting; try again');
  }

  /**
   * Removes people whose link was revoked by another process from live hearings (this process's revocations act at
   * once, through LinkService.onRevoked). Runs on a timer; a test may call it.
   */
  async checkLinks(): Promise<void> {
    for (const h of this.hearings()) {
      const links = await this.opts.services.links.forHearings([h.id]);
      const revoked = new Set(links.filter((l) => l.revokedAt).map((l) => l.id));
      for (const p of [...h.participants.values()]) {
        if (revoked.has(p.linkId)) await h.controls.linkRevoked(p.id, p.linkId).catch(() => {});
      }
    }
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    clearInterval(this.linkTimer);
    this.offRevoked();
    await this.testCalls.close();
    await Promise.allSettled([...this.opening.values()]);
    await Promise.all([...this.live.values()].map((h) => h.close()));
    this.live.clear();
  }

  private open(caseId: string, hearingId: string): Promise<LiveHearing> {
    const h = this.live.get(hearingId);
    if (h && !h.closed) return Promise.resolve(h);
    const pending = this.opening.get(hearingId);
    if (pending) return pending;
    const p = this.load(caseId, hearingId).finally(() => this.opening.delete(hearingId));
    this.opening.set(hearingId, p);
    return p;
  }

  private async load(caseId: string, hearingId: string): Promise<LiveHearing> {
    if (this.isClosed) throw new AppError('UNAVAILABLE', 'the server is shutting down');
    const { hearings, cases } = this.opts;
    const [record, rows, c] = await Promise.all([hearings.get(caseId, hearingId), hearings.participants([hearingId]), cases.get(caseId)]);
    if (record.status === 'closed' || record.status === 'cancelled') throw new InvalidStateError(`the hearing is ${record.status}`);
    const hearing: LiveHearing = new LiveHearing({
      caseId, hearingId, caseNumber: c.number, status: record.status,
      roster: rows.map((r) => ({
        id: r.id, role: r.role as HearingRole, displayName: r.display_name, staffId: r.staff_id, partyId: r.party_id,
        language: (r.language as SpokenLanguage | null) ?? null, interpretation: interpretationOf(r),
      })),
      services: this.opts.services,
      engine: this.opts.engine,
      log: this.opts.log,
      graceMs: this.opts.graceMs ?? DEFAULT_GRACE_MS,
      recording: this.opts.recording,
      captions: this.opts.captions,
      now: this.opts.now ?? (() => new Date()),
      onClosed: (h) => {
        if (this.live.get(h.id) === h) this.live.delete(h.id);
      },
    });
    await hearing.open();
    if (this.isClosed) {
      await hearing.close();
      throw new AppError('UNAVAILABLE', 'the server is shutting down');
    }
    this.live.set(hearingId, hearing);
    return hearing;
  }
}
