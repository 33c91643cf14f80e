import { mkdir, readFile, rm } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { Kysely, Transaction } from 'kysely';
import type { RecordingsConfig } from '../config/recordings.js';
import type { AuditEvent, AuditLog } from '../cases/audit.js';
import type { Database } from '../store/schema.js';
import { InvalidStateError, NotFoundError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import type { Logger } from '../lib/logger.js';
import type { HearingRole, Site } from '../../signaling/protocol/domain.js';
import type { RecordingTapStats } from '../media/engine.js';
import type { RecordingBackend, TrackHandle, TrackSpec } from '../hearings/recording.js';
import { TrackRecorder, type FinishedSegment } from '../../recordings/segmenter.js';
import { sha256File } from '../../recordings/media.js';
import type { CaucusVault } from './vault.js';
import { verifyStoredFiles, type FilesVerification } from './verify.js';

export type Db = Kysely<Database>;

export interface RecordingServiceOptions {
  db: Kysely<Database>;
  audit: AuditLog;
  config: RecordingsConfig;
  log: Logger;
  /** Encrypts caucus (private) track files under the case's key (server/recordings/vault.ts). */
  vault: CaucusVault;
  now?: () => Date;
}

/** A live track: its recorder process and the case-file row it writes. */
class LiveTrack implements TrackHandle {
  failed = false;
  closing = false;
  readonly writes: Promise<void>[] = [];
  constructor(
    readonly id: string,
    readonly recordingId: string,
    readonly caseId: string,
    readonly recorder: TrackRecorder,
    /** A caucus track: its files live under `caucus/<caseId>/` and are encrypted once ffmpeg closes them. */
    readonly isPrivate: boolean,
  ) {}
  target() {
    return this.recorder.target();
  }
  close!: (stats: RecordingTapStats | null, reason: string) => Promise<void>;
}

/**
 * The recordings of the case file: the recording backend the live hearing drives (rows, audit entries, one ffmpeg
 * segmenter per track, each finished segment hashed into the case file and the audit chain), storage under the
 * case's home site, and the integrity check of stored files against their recorded hashes.
 */
export class RecordingService implements RecordingBackend {
  readonly db: Db;
  readonly audit: AuditLog;
  readonly config: RecordingsConfig;
  readonly log: Logger;
  readonly now: () => Date;
  readonly vault: CaucusVault;
  private readonly live = new Map<string, LiveTrack>();
  /** Hooks run after a recording stopped (composition, transcription: server/recordings/jobs.ts). */
  readonly afterStop: ((recordingId: string) => void)[] = [];

  constructor(o: RecordingServiceOptions) {
    this.db = o.db;
    this.audit = o.audit;
    this.config = o.config;
    this.log = o.log;
    this.vault = o.vault;
    this.now = o.now ?? (() => new Date());
  }

  // ---- storage ----

  rootFor(site: string): string {
    return resolve(this.config.siteRoots[site as Site] ?? this.config.root);
  }

  /** A stored path (relative to its site's root) as an absolute path that cannot leave the root. */
  absolute(site: string, rel: string): string {
    const root = this.rootFor(site);
    const abs = resolve(root, rel);
    if (abs !== root && !abs.startsWith(root + sep)) throw new InvalidStateError('stored path outside the storage root');
    return abs;
  }

  async appendAudit(trx: Transaction<Database> | null, caseId: string, e: AuditEvent): Promise<void> {
    if (trx) await this.audit.append(trx, caseId, e);
    else await this.audit.record(caseId, e);
  }

  // ---- RecordingBackend (the live hearing) ----

  async begin(h: { caseId: string; hearingId: string }, by: { participantId: string; role: HearingRole }): Promise<{ recordingId: string }> {
    const c = await this.db.selectFrom('cases').select(['site']).where('id', '=', h.caseId).executeTakeFirst();
    if (!c) throw new NotFoundError('case');
    const id = newId('rec');
    const at = this.now().toISOString();
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('recordings').values({
        id, case_id: h.caseId, hearing_id: h.hearingId, site: c.site, status: 'awaiting_consent', partial: 0,
        started_by: `participant:${by.participantId}`, requested_at: at, started_at: null, stopped_at: null,
        compose_status: 'idle', compose_progress: 0, compose_error: null, created_at: at,
      }).execute();
      await this.appendAudit(trx, h.caseId, { actor: `participant:${by.participantId}`, action: 'recording.requested', data: { hearingId: h.hearingId, recordingId: id, site: c.site } });
    });
    return { recordingId: id };
  }

  async consent(h: { caseId: string; hearingId: string }, p: { participantId: string; displayName: string }, scope: string, decision: 'accepted' | 'refused', o: { at: Date; withdrawn: boolean }): Promise<void> {
    const at = o.at.toISOString();
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('recording_consents').values({
        id: newId('rcn'), case_id: h.caseId, hearing_id: h.hearingId, participant_id: p.participantId, display_name: p.displayName, scope, decision, at,
      }).execute();
      await this.appendAudit(trx, h.caseId, {
        actor: `participant:${p.participantId}`, action: decision === 'accepted' ? 'recording.consent_given' : 'recording.consent_refused',
        data: { hearingId: h.hearingId, scope, at, ...(o.withdrawn ? { withdrawn: true } : {}) },
      });
    });
  }

  async started(recordingId: string, at: Date): Promise<void> {
    const r = await this.recording(recordingId);
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('recordings').set({ status: 'recording', started_at: at.toISOString() }).where('id', '=', recordingId).execute();
      await this.appendAudit(trx, r.case_id, { actor: 'system', action: 'recording.started', data: { hearingId: r.hearing_id, recordingId } });
    });
  }

  async openTrack(recordingId: string, t: TrackSpec): Promise<TrackHandle> {
    const r = await this.recording(recordingId);
    const id = newId('trk');
    // Caucus material is kept apart from joint recordings: its own folder, encrypted files.
    const dir = t.private ? join(this.rootFor(r.site), 'caucus', r.case_id, recordingId) : join(this.rootFor(r.site), r.case_id, recordingId);
    await mkdir(dir, { recursive: true, mode: t.private ? 0o700 : undefined });
    const recorder = new TrackRecorder({
      dir, stem: `${id}-${t.kind}`, kind: t.kind, producer: t.producer, segmentSeconds: this.config.segmentSeconds, ffmpeg: this.config.ffmpeg,
    });
    const track = new LiveTrack(id, recordingId, r.case_id, recorder, t.private);
    const startedAt = this.now();
    const offset = r.started_at ? startedAt.getTime() - Date.parse(r.started_at) : 0;
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('recording_tracks').values({
        id, recording_id: recordingId, case_id: r.case_id, participant_id: t.participantId, display_name: t.displayName, role: t.role,
        kind: t.kind, room_id: t.roomId, private: t.private ? 1 : 0, codec: t.producer.codec, offset_ms: Math.max(0, offset),
        started_at: startedAt.toISOString(), stopped_at: null, status: 'recording', end_reason: null, language: t.language ?? null,
      }).execute();
      await this.appendAudit(trx, r.case_id, {
        actor: 'system', action: 'recording.track_started',
        data: { recordingId, trackId: id, participantId: t.participantId, kind: t.kind, room: t.roomId, private: t.private, codec: t.producer.codec },
      });
    });
    recorder.on('segment', (s: FinishedSegment) => {
      track.writes.push(this.segmentFinished(r.site, track, s).catch((err) => this.log.error({ err, trackId: id }, 'recording a segment failed')));
    });
    recorder.on('exit', (e: { code: number | null; signal: string | null }) => {
      if (track.closing) return;
      // Nobody asked it to stop: killed or crashed. What it finished is intact; the rest of this track is lost.
      track.failed = true;
      this.log.warn({ trackId: id, exit: e, stderr: recorder.lastError }, 'a recorder died');
      track.writes.push(this.markPartial(track, `recorder exited (${e.signal ?? e.code})`).catch(() => undefined));
    });
    track.close = async (stats, reason) => {
      track.closing = true;
      await recorder.stop();
      await Promise.all(track.writes);
      this.live.delete(id);
      const rs = await this.recording(recordingId);
      const offsetMs = stats?.firstPacketAt != null && rs.started_at ? Math.max(0, stats.firstPacketAt - Date.parse(rs.started_at)) : undefined;
      const status = track.failed ? 'partial' : 'finished';
      await this.db.transaction().execute(async (trx) => {
        await trx.updateTable('recording_tracks')
          .set({ stopped_at: this.now().toISOString(), status, end_reason: reason, ...(offsetMs !== undefined ? { offset_ms: offsetMs } : {}) })
          .where('id', '=', id).execute();
        await this.appendAudit(trx, r.case_id, { actor: 'system', action: 'recording.track_stopped', data: {
          recordingId, trackId: id, reason, status, packets: stats?.packets ?? null,
          // The tap's own clock (the media worker, same host): when it handed the recorder its last packet.
          lastPacketAt: stats?.lastPacketAt != null ? new Date(stats.lastPacketAt).toISOString() : null,
        } });
      });
    };
    try {
      await recorder.start();
    } catch (err) {
      track.failed = true;
      await this.markPartial(track, `recorder did not start: ${(err as Error).message}`).catch(() => undefined);
      throw err;
    }
    this.live.set(id, track);
    return track;
  }

  private async markPartial(track: LiveTrack, why: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('recordings').set({ partial: 1 }).where('id', '=', track.recordingId).execute();
      await trx.updateTable('recording_tracks').set({ status: 'partial' }).where('id', '=', track.id).execute();
      await this.appendAudit(trx, track.caseId, { actor: 'system', action: 'recording.track_failed', data: { recordingId: track.recordingId, trackId: track.id, reason: why } });
    });
  }

  /** A finished segment: its hash, size and place on the track go into the case file and the audit chain together. */
  private async segmentFinished(site: string, track: LiveTrack, s: FinishedSegment): Promise<void> {
    if (track.isPrivate) {
      // The recorded hash is the ciphertext's: verifiable without the key, and it identifies no caucus content.
      await this.vault.encryptFile(track.caseId, s.path).catch(async (err) => {
        await rm(s.path, { force: true });
        throw err;
      });
    }
    const { sha256, bytes } = await sha256File(s.path);
    if (bytes === 0) return;
    const rel = relative(this.rootFor(site), s.path).split(sep).join('/');
    const id = newId('rfl');
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('recording_files').values({
        id, recording_id: track.recordingId, case_id: track.caseId, track_id: track.id, kind: 'segment', seq: s.index, path: rel,
        start_ms: Math.round(s.start * 1000), duration_ms: Math.round((s.end - s.start) * 1000), bytes, sha256, created_at: this.now().toISOString(),
      }).execute();
      await this.appendAudit(trx, track.caseId, { actor: 'system', action: 'recording.file', data: { recordingId: track.recordingId, trackId: track.id, fileId: id, path: rel, sha256, bytes } });
    });
  }

  async stop(recordingId: string, by: string | null, at: Date = this.now()): Promise<void> {
    const r = await this.recording(recordingId);
    await Promise.all([...this.live.values()].filter((t) => t.recordingId === recordingId).map((t) => t.close(null, 'recording_stopped')));
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('recordings').set({ status: 'stopped', stopped_at: at.toISOString() }).where('id', '=', recordingId).execute();
      await this.appendAudit(trx, r.case_id, { actor: by ? `participant:${by}` : 'system', action: 'recording.stopped', data: { hearingId: r.hearing_id, recordingId, partial: r.partial === 1 } });
    });
    for (const f of this.afterStop) {
      try {
        f(recordingId);
      } catch (err) {
        this.log.warn({ err, recordingId }, 'after-stop job failed to start');
      }
    }
  }

  // ---- reading ----

  async recording(recordingId: string) {
    const r = await this.db.selectFrom('recordings').selectAll().where('id', '=', recordingId).executeTakeFirst();
    if (!r) throw new NotFoundError('recording');
    return r;
  }

  /** The live recorder processes (tests and the benchmark kill or measure them). */
  recorders(): { trackId: string; recordingId: string; pid: number | undefined; kind: string }[] {
    return [...this.live.values()].map((t) => ({ trackId: t.id, recordingId: t.recordingId, pid: t.recorder.pid, kind: t.recorder.opts.kind }));
  }

  /** Every stored file of a case against its recorded SHA-256 (server/recordings/verify.ts). */
  verifyFiles(caseId: string): Promise<FilesVerification> {
    return verifyStoredFiles(this, caseId);
  }

  /**
   * Crypto-shredding: the case's caucus key is destroyed, so every caucus recording file of the case is unreadable
   * from now on (their ciphertext and hashes stay, so the case file still verifies). Audited.
   */
  async shredCaseKey(caseId: string, reason: string, by = 'system'): Promise<{ shredded: boolean }> {
    const files = await this.db.selectFrom('recording_files').select('id').where('case_id', '=', caseId).where('path', 'like', 'caucus/%').execute();
    let shredded = false;
    await this.db.transaction().execute(async (trx) => {
      shredded = await this.vault.shred(trx, caseId, by, reason);
      if (shredded) await this.appendAudit(trx, caseId, { actor: by, action: 'caucus.key_shredded', data: { reason, files: files.length } });
    });
    return { shredded };
  }

  async readStored(site: string, rel: string): Promise<Buffer> {
    return readFile(this.absolute(site, rel));
  }
}
