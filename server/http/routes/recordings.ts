import { pipeline } from 'node:stream/promises';
import { Router, type Request } from 'express';
import { NotFoundError, PermissionDeniedError, UnauthenticatedError, ValidationError } from '../../lib/errors.js';
import { can, caucusReleaseSide, type Principal } from '../../auth/permissions.js';
import { ReleaseCaucusItemBody, SaveRecordBody, type CaucusItemFacts } from '../../../signaling/protocol/recordings.js';
import { partyKeyOf, type CaucusItems } from '../../recordings/caucus-items.js';
import type { RecordingCaseFile, Reader } from '../../recordings/casefile.js';
import type { RecordingJobs } from '../../recordings/jobs.js';
import type { RecordingService } from '../../recordings/service.js';
import { idParam, participantFrom, route, staffFrom, type HttpDeps } from '../context.js';
import { parse } from '../validate.js';

export interface RecordingsApi {
  service: RecordingService;
  casefile: RecordingCaseFile;
  jobs: RecordingJobs;
  caucusItems: CaucusItems;
}

/** Staff who may write the hearing record: the clerk keeps it; the mediator and the organisation admin may too. */
const RECORD_WRITERS = new Set(['clerk', 'mediator', 'org_admin']);

/**
 * Recordings, transcripts and the hearing record in the case file. Staff who may read the case see everything
 * (private caucus recordings too); a party of the case (participant session) sees the non-private recordings and the
 * record, and signs the record off. Anybody else gets 404 (ids of other cases reveal nothing); no token, 401.
 * Every read of a recording or transcript is audited.
 */
export function recordingsRouter(deps: HttpDeps, api: RecordingsApi): Router {
  const r = Router();
  const { casefile, jobs, service } = api;

  async function reader(req: Request, caseId: string): Promise<Reader & { staff: boolean; staffRole?: string }> {
    const h = req.headers.authorization;
    if (!h || !h.startsWith('Bearer ')) throw new UnauthenticatedError('sign in first (Authorization: Bearer <token>)');
    let staff: Awaited<ReturnType<typeof staffFrom>> | undefined;
    try {
      staff = await staffFrom(req, deps);
    } catch {
      staff = undefined;
    }
    const access = await deps.cases.access(caseId).catch(() => null);
    if (staff) {
      if (!access || !can(staff.principal, 'case.read', access)) throw new NotFoundError('case');
      return { actor: `staff:${staff.actor.id}`, includePrivate: true, staff: true, staffRole: staff.actor.role };
    }
    const { claims } = await participantFrom(req, deps).catch(() => {
      throw new UnauthenticatedError('the session is not valid');
    });
    if (!access || claims.case !== caseId) throw new NotFoundError('case');
    const row = (await deps.hearings.participants([claims.hearing])).find((p) => p.id === claims.sub);
    return { actor: `participant:${claims.sub}`, includePrivate: false, participantId: claims.sub, name: row?.display_name ?? '', role: claims.role, staff: false };
  }

  r.get('/cases/:caseId/recordings', route(async (req, res) => {
    const caseId = idParam(req, 'caseId');
    const rd = await reader(req, caseId);
    const list = await casefile.list(caseId, rd);
    await casefile.audited(caseId, rd, 'recording.listed', { recordings: list.length });
    // Staff see each recorded caucus's release state (the case page offers the release to the mediator who held it).
    const states = rd.staff ? await api.caucusItems.recordingStates(caseId) : new Map<string, CaucusItemFacts>();
    res.json({
      recordings: list.map((x) => ({
        ...x,
        caucusItems: [...new Set(x.tracks.filter((t) => t.private).map((t) => t.room))].flatMap((id) => {
          const f = states.get(id);
          return f ? [{ itemId: f.itemId, heldByStaff: f.heldBy.staffId, released: f.released, mediatorReleased: f.releases.some((y) => y.side === 'mediator'), partyReleased: f.releases.some((y) => y.side === 'party') }] : [];
        }),
      })),
    });
  }));

  r.get('/cases/:caseId/recordings/verify', route(async (req, res) => {
    const caseId = idParam(req, 'caseId');
    const rd = await reader(req, caseId);
    if (!rd.staff) throw new PermissionDeniedError('staff only');
    res.json(await service.verifyFiles(caseId));
  }));

  r.get('/cases/:caseId/recordings/:recordingId/files/:fileId', route(async (req, res) => {
    const caseId = idParam(req, 'caseId');
    const rd = await reader(req, caseId);
    const f = await casefile.file(caseId, idParam(req, 'fileId'), rd);
    if (f.row.recording_id !== idParam(req, 'recordingId')) throw new NotFoundError('file');
    // One audit entry per reading, not per range request of a seeking player.
    const range = req.headers.range;
    if (!range || /^bytes=0-/.test(range)) {
      await casefile.audited(caseId, rd, req.query.download === '1' ? 'recording.downloaded' : 'recording.played', { recordingId: f.row.recording_id, fileId: f.row.id, sha256: f.row.sha256 });
    }
    res.setHeader('Cache-Control', 'private, no-store');
    if (req.query.download === '1') res.attachment(f.name);
    res.setHeader('X-Content-SHA256', f.row.sha256);
    if (f.caucus) {
      // Encrypted at rest: decrypted as it streams (no ranges); a shredded key answers before any byte is sent.
      const { stream, bytes } = await service.vault.decryptStream(caseId, f.abs);
      res.setHeader('Content-Type', 'video/webm');
      res.setHeader('Content-Length', String(bytes));
      await pipeline(stream, res).catch((err: unknown) => deps.log.warn({ err, fileId: f.row.id }, 'caucus file stream failed'));
      return;
    }
    await new Promise<void>((resolve, reject) => res.sendFile(f.abs, { headers: { 'Content-Type': 'video/webm' } }, (err) => (err && !res.headersSent ? reject(err) : resolve())));
  }));

  r.get('/cases/:caseId/recordings/:recordingId/timeline', route(async (req, res) => {
    const caseId = idParam(req, 'caseId');
    const rd = await reader(req, caseId);
    res.json({ events: await casefile.timeline(caseId, idParam(req, 'recordingId'), rd) });
  }));

  r.get('/cases/:caseId/recordings/:recordingId/transcript', route(async (req, res) => {
    const caseId = idParam(req, 'caseId');
    const rd = await reader(req, caseId);
    const t = await casefile.transcript(caseId, idParam(req, 'recordingId'));
    await casefile.audited(caseId, rd, 'transcript.read', { recordingId: idParam(req, 'recordingId') });
    res.json(t);
  }));

  r.get('/cases/:caseId/recordings/:recordingId/transcript.vtt', route(async (req, res) => {
    const caseId = idParam(req, 'caseId');
    const rd = await reader(req, caseId);
    const vtt = await casefile.webVtt(caseId, idParam(req, 'recordingId'));
    await casefile.audited(caseId, rd, 'transcript.exported', { recordingId: idParam(req, 'recordingId'), format: 'webvtt' });
    res.type('text/vtt').setHeader('Cache-Control', 'private, no-store');
    res.send(vtt);
  }));

  r.post('/cases/:caseId/recordings/:recordingId/jobs', route(async (req, res) => {
    const caseId = idParam(req, 'caseId');
    const rd = await reader(req, caseId);
    if (!rd.staff || !RECORD_WRITERS.has(rd.staffRole ?? '')) throw new PermissionDeniedError('only the clerk or mediator may run recording jobs');
    const rec = await casefile.recordingOf(caseId, idParam(req, 'recordingId'));
    if (rec.status !== 'stopped') throw new ValidationError('the recording has not stopped yet');
    void jobs.enqueue(rec.id);
    res.status(202).json({ queued: true });
  }));

  r.get('/cases/:caseId/hearings/:hearingId/record', route(async (req, res) => {
    const caseId = idParam(req, 'caseId');
    await reader(req, caseId);
    res.json({ record: await casefile.record(caseId, idParam(req, 'hearingId')) });
  }));

  r.put('/cases/:caseId/hearings/:hearingId/record', route(async (req, res) => {
    const caseId = idParam(req, 'caseId');
    const rd = await reader(req, caseId);
    if (!rd.staff || !RECORD_WRITERS.has(rd.staffRole ?? '')) throw new PermissionDeniedError('only the clerk (or mediator) writes the hearing record');
    const body = parse(SaveRecordBody, req.body);
    res.json({ record: await casefile.saveRecord(caseId, idParam(req, 'hearingId'), { lines: body.lines }, rd.actor, body.submit === true) });
  }));

  r.post('/cases/:caseId/hearings/:hearingId/record/signoff', route(async (req, res) => {
    const caseId = idParam(req, 'caseId');
    const rd = await reader(req, caseId);
    if (rd.staff) throw new PermissionDeniedError('parties sign off the record with their own hearing session');
    res.json({ record: await casefile.signoff(caseId, idParam(req, 'hearingId'), req.body, rd) });
  }));

  /** Who releases: a staff session, or a participant session with the registered party behind its link. */
  async function releaser(req: Request): Promise<{ principal: Principal; actor: string; partyKey: string; partyId: string | null }> {
    const staff = await staffFrom(req, deps).catch(() => undefined);
    if (staff) return { principal: staff.principal, actor: `staff:${staff.actor.id}`, partyKey: '', partyId: null };
    const { claims, principal } = await participantFrom(req, deps).catch(() => {
      throw new UnauthenticatedError('the session is not valid');
    });
    const row = await deps.hearings.participant(claims.case, claims.hearing, claims.sub);
    return { principal, actor: `participant:${claims.sub}`, partyKey: partyKeyOf(row.party_id, claims.sub), partyId: row.party_id };
  }

  // Releasing a caucus item (issue 12): only the mediator who held the caucus and the party in it; anyone else gets
  // 404, as if the item did not exist (it is confidential, so its existence is not confirmed either).
  r.post('/cases/:caseId/caucus-items/:itemId/release', route(async (req, res) => {
    const caseId = idParam(req, 'caseId');
    const itemId = idParam(req, 'itemId');
    const who = await releaser(req);
    const body = parse(ReleaseCaucusItemBody, req.body ?? {});
    const access = await deps.cases.access(caseId).catch(() => null);
    if (!access || !can(who.principal, 'caucus.release', access)) throw new NotFoundError('caucus item');
    const facts = await api.caucusItems.facts(caseId, itemId);
    const side = caucusReleaseSide(who.principal, facts, who.partyId);
    if (!side) throw new NotFoundError('caucus item');
    res.json({ item: await api.caucusItems.release(caseId, itemId, side, who.actor, who.partyKey, body.note) });
  }));

  return r;
}
