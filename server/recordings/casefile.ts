import { createHash } from 'node:crypto';
import { InvalidStateError, NotFoundError, ValidationError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { toWebVtt } from '../../recordings/transcribe/webvtt.js';
import type { RecordingService } from './service.js';
import { isCaucusPath } from './verify.js';
import { caseRecordLanguage, type RecordLanguage } from './languages.js';
import { draftRecordLines } from './record-draft.js';
import { trackResults } from './transcription.js';
import { RecordLines, SignoffBody } from '../../signaling/protocol/recordings.js';
import type { AuditAction } from '../../signaling/protocol/audit.js';

/** An item of hearing material: from the joint session, or (private) from the caucus whose room id it names. */
/** A piece of hearing material: the room it comes from, whether that was a caucus, and (chat lines) its own id. */
export interface MaterialItem { roomId: string; private: boolean; id?: string }
export type MaterialAction = 'recording.read' | 'transcript.read' | 'chat.read';

/**
 * Who reads the case file. `sees` is the access policy's answer for one item (server/auth/policy.ts, asked by the
 * HTTP layer with the caucus facts): caucus items only for the mediator who held the caucus and that party side.
 */
export interface Reader {
  actor: string;
  sees(action: MaterialAction, item: MaterialItem): boolean;
  participantId?: string;
  name?: string;
  role?: string;
  /** A staff mediator of the case (reads private messages to the mediator, as a mediator in the hearing does). */
  staffMediator?: boolean;
}


const TIMELINE_ACTIONS: ReadonlySet<string> = new Set<AuditAction>([
  'hearing.entered', 'hearing.left', 'hearing.admitted', 'hearing.denied', 'hearing.sent_back', 'hearing.caucus_started', 'hearing.caucus_ended',
  'hearing.muted', 'hearing.removed', 'hearing.locked', 'hearing.unlocked', 'hearing.ended', 'hearing.started',
  'recording.started', 'recording.stopped', 'recording.consent_given', 'recording.consent_refused', 'recording.track_failed',
]);

const canonical = (lines: { text: string; atMs?: number }[]): string => JSON.stringify(lines.map((l) => ({ text: l.text.normalize('NFC'), ...(l.atMs !== undefined ? { atMs: l.atMs } : {}) })));
const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

/** The case-file side of recordings: lists, the event timeline, transcripts, the hearing record and its sign-off. */
export class RecordingCaseFile {
  constructor(private readonly svc: RecordingService) {}

  private get db() {
    return this.svc.db;
  }

  async list(caseId: string, reader: Reader) {
    const recs = await this.db.selectFrom('recordings').selectAll().where('case_id', '=', caseId).orderBy('created_at', 'desc').execute();
    const out = [];
    for (const r of recs) {
      const tracks = (await this.db.selectFrom('recording_tracks').selectAll().where('recording_id', '=', r.id).orderBy('started_at').execute())
        .filter((t) => reader.sees('recording.read', { roomId: t.room_id, private: t.private === 1 }));
      const visible = new Set(tracks.map((t) => t.id));
      const files = (await this.db.selectFrom('recording_files').selectAll().where('recording_id', '=', r.id).orderBy('seq').execute())
        .filter((f) => f.track_id === null || visible.has(f.track_id));
      // Each recording asks everyone again (issue 12): its answers are those given while it ran.
      let cq = this.db.selectFrom('recording_consents').selectAll().where('hearing_id', '=', r.hearing_id).where('at', '>=', r.requested_at);
      if (r.stopped_at) cq = cq.where('at', '<=', r.stopped_at);
      const consents = await cq.orderBy('at').execute();
      const transcripts = await this.db.selectFrom('transcripts').selectAll().where('recording_id', '=', r.id).orderBy('created_at', 'desc').execute();
      out.push({
        id: r.id, hearingId: r.hearing_id, site: r.site, status: r.status, partial: r.partial === 1, startedAt: r.started_at, stoppedAt: r.stopped_at,
        durationMs: r.started_at && r.stopped_at ? Date.parse(r.stopped_at) - Date.parse(r.started_at) : null,
        compose: { status: r.compose_status, progress: r.compose_progress, error: r.compose_error },
        tracks: tracks.map((t) => ({
          id: t.id, participantId: t.participant_id, name: t.display_name, role: t.role, kind: t.kind, room: t.room_id, private: t.private === 1,
          codec: t.codec, offsetMs: t.offset_ms, status: t.status, startedAt: t.started_at, stoppedAt: t.stopped_at,
          channel: t.channel ?? null, language: t.language ?? null,
        })),
        files: files.map((f) => ({ id: f.id, trackId: f.track_id, kind: f.kind, seq: f.seq, startMs: f.start_ms, durationMs: f.duration_ms, bytes: f.bytes, sha256: f.sha256 })),
        consents: consents.filter((c) => reader.sees('recording.read', { roomId: c.scope, private: c.scope !== 'hearing' })).map((c) => ({ participantId: c.participant_id, name: c.display_name, scope: c.scope, decision: c.decision, at: c.at })),
        transcripts: transcripts.map((t) => ({ id: t.id, engine: t.engine, status: t.status, progress: t.progress, error: t.error, sha256: t.sha256 })),
      });
    }
    return out;
  }

  async recordingOf(caseId: string, recordingId: string) {
    const r = await this.db.selectFrom('recordings').selectAll().where('id', '=', recordingId).where('case_id', '=', caseId).executeTakeFirst();
    if (!r) throw new NotFoundError('recording');
    return r;
  }

  /** A stored file the reader may download: its absolute path and row. */
  async file(caseId: string, fileId: string, reader: Reader) {
    const f = await this.db.selectFrom('recording_files').selectAll().where('id', '=', fileId).where('case_id', '=', caseId).executeTakeFirst();
    if (!f) throw new NotFoundError('file');
    if (f.deleted_by_policy) throw new InvalidStateError('this file was deleted by the retention schedule', { deletedAt: f.deleted_by_policy });
    if (f.track_id) {
      const t = await this.db.selectFrom('recording_tracks').select(['private', 'room_id']).where('id', '=', f.track_id).executeTakeFirst();
      if (!t || !reader.sees('recording.read', { roomId: t.room_id, private: t.private === 1 })) throw new NotFoundError('file');
    }
    const r = await this.recordingOf(caseId, f.recording_id);
    return { row: f, abs: this.svc.absolute(r.site, f.path), name: f.path.split('/').pop()!, caucus: isCaucusPath(f.path) };
  }

  async audited(caseId: string, reader: Reader, action: AuditAction, data: Record<string, unknown>): Promise<void> {
    await this.svc.appendAudit(null, caseId, { actor: reader.actor, action, data });
  }

  /** The hearing's events during (and around) the recording: joins, caucuses, mutes, consent, and the chat. */
  async timeline(caseId: string, recordingId: string, reader: Reader) {
    const r = await this.recordingOf(caseId, recordingId);
    const t0 = Date.parse(r.started_at ?? r.requested_at);
    const entries = await this.svc.audit.entries(caseId);
    const events = entries
      .filter((e) => TIMELINE_ACTIONS.has(e.action) && (e.data as { hearingId?: string }).hearingId === r.hearing_id)
      .map((e) => ({ atMs: Date.parse(e.at) - t0, at: e.at, kind: e.action, actor: e.actor, data: e.data }));
    // Private messages to the mediator stay between the writer and the mediators; caucus lines as the policy says.
    const chat = (await this.db.selectFrom('hearing_chat').selectAll().where('hearing_id', '=', r.hearing_id).orderBy('at').execute())
      .filter((m) => m.recipient === 'all' || reader.staffMediator === true || m.from_participant_id === reader.participantId || reader.role === 'mediator')
      .filter((m) => reader.sees('chat.read', { roomId: m.room_id, private: m.in_caucus === 1, id: m.id }))
      .map((m) => ({ atMs: Date.parse(m.at) - t0, at: m.at, kind: 'chat', actor: `participant:${m.from_participant_id}`, data: { from: m.from_name, text: m.text, inCaucus: m.in_caucus === 1 } }));
    return [...events, ...chat].sort((a, b) => a.atMs - b.atMs);
  }

  /**
   * The transcript as a per-speaker, per-language timeline: segments of every readable track in time order, each
   * with its speaker, role and language; `tracks`: each readable track's language, engine and outcome (a "no model
   * for <language>" track is listed with its reason).
   */
  async transcript(caseId: string, recordingId: string, reader: Reader) {
    await this.recordingOf(caseId, recordingId);
    const tracks = await this.db.selectFrom('recording_tracks').select(['id', 'room_id', 'private', 'role']).where('recording_id', '=', recordingId).execute();
    const readable = new Set(tracks.filter((t) => reader.sees('transcript.read', { roomId: t.room_id, private: t.private === 1 })).map((t) => t.id));
    if (tracks.length > 0 && readable.size === 0) throw new NotFoundError('recording');
    const roles = new Map(tracks.map((t) => [t.id, t.role]));
    const t = await this.db.selectFrom('transcripts').selectAll().where('recording_id', '=', recordingId).where('status', '=', 'done').orderBy('created_at', 'desc').executeTakeFirst();
    const latest = await this.db.selectFrom('transcripts').selectAll().where('recording_id', '=', recordingId).orderBy('created_at', 'desc').executeTakeFirst();
    const segs = (t ? await this.db.selectFrom('transcript_segments').selectAll().where('transcript_id', '=', t.id).orderBy('seq').execute() : [])
      .filter((s) => readable.has(s.track_id));
    return {
      status: latest?.status ?? 'none', progress: latest?.progress ?? 0, error: latest?.error ?? null, engine: t?.engine ?? latest?.engine ?? null, sha256: t?.sha256 ?? null,
      tracks: trackResults(latest?.tracks ?? null).filter((x) => readable.has(x.trackId)),
      segments: segs.map((s) => ({
        participantId: s.participant_id, speaker: s.speaker, role: roles.get(s.track_id) ?? null, language: s.language ?? null,
        startMs: s.start_ms, endMs: s.end_ms, text: s.text, words: JSON.parse(s.words) as { w: string; s: number; e: number }[],
      })),
    };
  }

  /** A draft of the hearing record (笔录) from the transcript, labelled in `language` (default: the case's). */
  async recordDraft(caseId: string, recordingId: string, reader: Reader, language?: RecordLanguage) {
    const r = await this.recordingOf(caseId, recordingId);
    const t = await this.transcript(caseId, recordingId, reader);
    const lang = language ?? caseRecordLanguage(r.site);
    return { language: lang, hearingId: r.hearing_id, lines: draftRecordLines(t.segments, lang) };
  }

  async webVtt(caseId: string, recordingId: string, reader: Reader): Promise<string> {
    const t = await this.transcript(caseId, recordingId, reader);
    return toWebVtt(t.segments.map((s) => ({ startMs: s.startMs, endMs: s.endMs, speaker: s.speaker, text: s.text })));
  }

  // ---- the hearing record (笔录) ----

  async record(caseId: string, hearingId: string) {
    const rec = await this.db.selectFrom('hearing_records').selectAll().where('hearing_id', '=', hearingId).where('case_id', '=', caseId).executeTakeFirst();
    if (!rec) return null;
    const signoffs = await this.db.selectFrom('hearing_record_signoffs').selectAll().where('record_id', '=', rec.id).orderBy('at').execute();
    return {
      id: rec.id, hearingId: rec.hearing_id, status: rec.status, version: rec.version, sha256: rec.sha256, updatedAt: rec.updated_at,
      lines: JSON.parse(rec.content) as { text: string; atMs?: number }[],
      signoffs: signoffs.map((s) => ({ participantId: s.participant_id, name: s.name, role: s.role, version: s.version, sha256: s.sha256, decision: s.decision, comment: s.comment, at: s.at })),
    };
  }

  /** The clerk saves the record (a new version; earlier sign-offs were for an earlier text and no longer count). */
  async saveRecord(caseId: string, hearingId: string, body: unknown, actor: string, submit: boolean) {
    const parsed = RecordLines.safeParse(body);
    if (!parsed.success) throw new ValidationError('invalid record', { issues: parsed.error.issues.slice(0, 5).map((i) => ({ path: i.path.map(String), message: i.message })) });
    const h = await this.db.selectFrom('hearings').select(['id']).where('id', '=', hearingId).where('case_id', '=', caseId).executeTakeFirst();
    if (!h) throw new NotFoundError('hearing');
    const content = canonical(parsed.data.lines);
    const digest = sha(content);
    const at = this.svc.now().toISOString();
    const rec = await this.db.selectFrom('hearing_records').selectAll().where('hearing_id', '=', hearingId).executeTakeFirst();
    if (rec?.status === 'confirmed') throw new InvalidStateError('the record is confirmed by every party and can no longer change');
    const recording = await this.db.selectFrom('recordings').select('id').where('hearing_id', '=', hearingId).orderBy('created_at', 'desc').executeTakeFirst();
    await this.db.transaction().execute(async (trx) => {
      const status = submit ? 'review' : 'draft';
      if (rec) {
        await trx.updateTable('hearing_records').set({ content, sha256: digest, version: rec.version + 1, status, updated_by: actor, updated_at: at }).where('id', '=', rec.id).execute();
      } else {
        await trx.insertInto('hearing_records').values({
          id: newId('hrc'), case_id: caseId, hearing_id: hearingId, recording_id: recording?.id ?? null, status, version: 1, content, sha256: digest,
          updated_by: actor, updated_at: at, created_at: at,
        }).execute();
      }
      await this.svc.appendAudit(trx, caseId, { actor, action: submit ? 'record.submitted' : 'record.saved', data: { hearingId, version: (rec?.version ?? 0) + 1, sha256: digest, lines: parsed.data.lines.length } });
    });
    return this.record(caseId, hearingId);
  }

  /** A party confirms (or objects to) exactly the version whose hash they saw. */
  async signoff(caseId: string, hearingId: string, body: unknown, reader: Reader) {
    const parsed = SignoffBody.safeParse(body);
    if (!parsed.success) throw new ValidationError('invalid sign-off');
    if (!reader.participantId) throw new InvalidStateError('only a hearing participant signs off the record');
    const rec = await this.db.selectFrom('hearing_records').selectAll().where('hearing_id', '=', hearingId).where('case_id', '=', caseId).executeTakeFirst();
    if (!rec) throw new NotFoundError('record');
    if (rec.status !== 'review') throw new InvalidStateError('the record is not out for review');
    if (parsed.data.sha256 !== rec.sha256) throw new InvalidStateError('the record changed since you read it; read it again');
    const at = this.svc.now().toISOString();
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('hearing_record_signoffs').values({
        id: newId('hrs'), record_id: rec.id, case_id: caseId, version: rec.version, sha256: rec.sha256, participant_id: reader.participantId!,
        name: reader.name ?? '', role: reader.role ?? '', decision: parsed.data.decision, comment: parsed.data.comment ?? null, at,
      }).execute();
      await this.svc.appendAudit(trx, caseId, { actor: reader.actor, action: parsed.data.decision === 'confirmed' ? 'record.confirmed' : 'record.objected', data: { hearingId, version: rec.version, sha256: rec.sha256 } });
      // Every party (applicant and respondent) confirmed this version: the record is final.
      const parties = await trx.selectFrom('hearing_participants').select(['id', 'role']).where('hearing_id', '=', hearingId).where('role', 'in', ['applicant', 'respondent']).execute();
      const confirmed = await trx.selectFrom('hearing_record_signoffs').select(['participant_id']).where('record_id', '=', rec.id).where('version', '=', rec.version).where('decision', '=', 'confirmed').execute();
      const ok = new Set(confirmed.map((c) => c.participant_id));
      if (parties.length > 0 && parties.every((p) => ok.has(p.id))) {
        await trx.updateTable('hearing_records').set({ status: 'confirmed' }).where('id', '=', rec.id).execute();
        await this.svc.appendAudit(trx, caseId, { actor: 'system', action: 'record.final', data: { hearingId, version: rec.version, sha256: rec.sha256 } });
      }
    });
    return this.record(caseId, hearingId);
  }
}
