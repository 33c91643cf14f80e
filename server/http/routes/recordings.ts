import { pipeline } from 'node:stream/promises';
import { Router, type Request } from 'express';
import { NotFoundError, ValidationError } from '../../lib/errors.js';
import { assertCan, can, type Action, type Principal } from '../../auth/policy.js';
import { RecordDraftQuery, ReleaseCaucusItemBody, SaveRecordBody, type CaucusItemFacts } from '../../../signaling/protocol/recordings.js';
import { partyKeyOf, type CaucusItems } from '../../recordings/caucus-items.js';
import type { MaterialAction, MaterialItem, RecordingCaseFile, Reader } from '../../recordings/casefile.js';
import type { RecordingJobs } from '../../recordings/jobs.js';
import type { RecordingService } from '../../recordings/service.js';
import { anyFrom, idParam, route, type HttpDeps } from '../context.js';
import { caucusFacts, materialOf } from './caucus-access.js';
import { parse } from '../validate.js';

export interface RecordingsApi {
  service: RecordingService;
  casefile: RecordingCaseFile;
  jobs: RecordingJobs;
  caucusItems: CaucusItems;
}

/**
 * Recordings, transcripts and the hearing record in the case file. Every check is the access policy's
 * (server/auth/policy.ts): the list, the record and its sign-off by their rows, and each item (track, transcript
 * line, chat line) by recording.read / transcript.read / chat.read with the caucus facts of the item (caucus-access.ts).
 * A caucus item someone may not read is not listed and answers 404, like another case; no token, 401. Every read of
 * a recording or transcript is audited.
 */
export function recordingsRouter(deps: HttpDeps, api: RecordingsApi): Router {
  const r = Router();
  const { casefile, jobs, service } = api;

  /** The caller, once the policy allows `action` on the case; `sees` answers per item. */
  async function reader(req: Request, caseId: string, action: Action): Promise<Reader & { principal: Principal }> {
    const who = await anyFrom(req, deps);
    const access = await deps.cases.access(caseId).catch(() => null);
    if (!access) throw new NotFoundError('case');
    assertCan(who.principal, action, access);
    const [caucuses, released] = await Promise.all([caucusFacts(deps, caseId), api.caucusItems.releasedItems(caseId)]);
    const p = who.principal;
    const sees = (a: MaterialAction, item: MaterialItem) => can(p, a, { ...access, material: materialOf(caucuses, item, released) });
    if (p.kind === 'staff') return { actor: `staff:${p.staffId}`, sees, principal: p, staffMediator: p.role === 'mediator' };
    return { actor: `participant:${p.participantId}`, sees, participantId: p.participantId, name: who.name, role: p.role, principal: p };
  }

  r.get('/cases/:caseId/recordings', route(async (req, res) => {
    const caseId = idParam(req, 'caseId');
    const rd = await reader(req, caseId, 'recording.list');
    const list = await casefile.list(caseId, rd);
    await casefile.audited(caseId, rd, 'recording.listed', { recordings: list.length });
    // Staff see each recorded caucus's release state (the case page offers the release to the mediator who held it);
    // the list itself already holds only the caucus tracks the policy lets this reader see.
    const states = rd.principal.kind === 'staff' ? await api.caucusItems.recordingStates(caseId) : new Map<string, CaucusItemFacts>();
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
    await reader(req, caseId, 'recording.verify');
    res.json(await service.verifyFiles(caseId));
  }));

  r.get('/cases/:caseId/recordings/:recordingId/files/:fileId', route(async (req, res) => {
    const caseId = idParam(req, 'caseId');
    const rd = await reader(req, caseId, 'recording.list');
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
    const rd = await reader(req, caseId, 'recording.list');
    res.json({ events: await casefile.timeline(caseId, idParam(req, 'recordingId'), rd) });
  }));

  r.get('/cases/:caseId/recordings/:recordingId/transcript', route(async (req, res) => {
    const caseId = idParam(req, 'caseId');
    const rd = await reader(req, caseId, 'recording.list');
    const t = await casefile.transcript(caseId, idParam(req, 'recordingId'), rd);
    await casefile.audited(caseId, rd, 'transcript.read', { recordingId: idParam(req, 'recordingId') });
    res.json(t);
  }));

  r.get('/cases/:caseId/recordings/:recordingId/transcript.vtt', route(async (req, res) => {
    const caseId = idParam(req, 'caseId');
    const rd = await reader(req, caseId, 'recording.list');
    const vtt = await casefile.webVtt(caseId, idParam(req, 'recordingId'), rd);
    await casefile.audited(caseId, rd, 'transcript.exported', { recordingId: idParam(req, 'recordingId'), format: 'webvtt' });
    res.type('text/vtt').setHeader('Cache-Control', 'private, no-store');
    res.send(vtt);
  }));

  // The clerk drafts the hearing record from the transcript: only the lines the clerk may read (transcript.read per track).
  r.get('/cases/:caseId/recordings/:recordingId/record-draft', route(async (req, res) => {
    const caseId = idParam(req, 'caseId');
    const q = parse(RecordDraftQuery, req.query, 'query');
    const rd = await reader(req, caseId, 'record.write');
    const draft = await casefile.recordDraft(caseId, idParam(req, 'recordingId'), rd, q.language);
    await casefile.audited(caseId, rd, 'transcript.read', { recordingId: idParam(req, 'recordingId'), draft: draft.language });
    res.json(draft);
  }));

  r.post('/cases/:caseId/recordings/:recordingId/jobs', route(async (req, res) => {
    const caseId = idParam(req, 'caseId');
    await reader(req, caseId, 'recording.process');
    const rec = await casefile.recordingOf(caseId, idParam(req, 'recordingId'));
    if (rec.status !== 'stopped') throw new ValidationError('the recording has not stopped yet');
    void jobs.enqueue(rec.id);
    res.status(202).json({ queued: true });
  }));

  r.get('/cases/:caseId/hearings/:hearingId/record', route(async (req, res) => {
    const caseId = idParam(req, 'caseId');
    await reader(req, caseId, 'record.read');
    res.json({ record: await casefile.record(caseId, idParam(req, 'hearingId')) });
  }));

  r.put('/cases/:caseId/hearings/:hearingId/record', route(async (req, res) => {
    const caseId = idParam(req, 'caseId');
    const rd = await reader(req, caseId, 'record.write');
    const body = parse(SaveRecordBody, req.body);
    res.json({ record: await casefile.saveRecord(caseId, idParam(req, 'hearingId'), { lines: body.lines }, rd.actor, body.submit === true) });
  }));

  r.post('/cases/:caseId/hearings/:hearingId/record/signoff', route(async (req, res) => {
    const caseId = idParam(req, 'caseId');
    const rd = await reader(req, caseId, 'record.sign');
    res.json({ record: await casefile.signoff(caseId, idParam(req, 'hearingId'), req.body, rd) });
  }));

  // Releasing a caucus item (issue 12): the policy's caucus.release (the mediator who held the caucus, the party side
  // in it); anyone else gets 404, as if the item did not exist (it is confidential, so its existence is not confirmed).
  r.post('/cases/:caseId/caucus-items/:itemId/release', route(async (req, res) => {
    const caseId = idParam(req, 'caseId');
    const itemId = idParam(req, 'itemId');
    const who = await anyFrom(req, deps);
    const body = parse(ReleaseCaucusItemBody, req.body ?? {});
    const access = await deps.cases.access(caseId).catch(() => null);
    if (!access) throw new NotFoundError('caucus item');
    const facts = await api.caucusItems.facts(caseId, itemId);
    const p = who.principal;
    const material = {
      kind: 'caucus' as const,
      heldBy: [facts.heldBy.participantId, ...(facts.heldBy.staffId ? [facts.heldBy.staffId] : [])],
      parties: facts.parties.map((x) => x.participantId),
    };
    if (!can(p, 'caucus.release', { ...access, material })) throw new NotFoundError('caucus item');
    const mediatorSide = (p.kind === 'staff' || p.kind === 'participant') && p.role === 'mediator';
    let actor = '';
    let partyKey = '';
    if (p.kind === 'staff') actor = `staff:${p.staffId}`;
    else if (p.kind === 'participant') {
      actor = `participant:${p.participantId}`;
      const row = await deps.hearings.participant(p.caseId, p.hearingId, p.participantId);
      partyKey = partyKeyOf(row.party_id, p.participantId);
    }
    res.json({ item: await api.caucusItems.release(caseId, itemId, mediatorSide ? 'mediator' : 'party', actor, partyKey, body.note) });
  }));

  return r;
}
