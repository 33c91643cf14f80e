import { stat } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import type { AuditLog } from '../cases/audit.js';
import type { CaseService } from '../cases/cases.js';
import type { HearingService, ParticipantRow } from '../cases/hearings.js';
import type { HearingRoomStore } from '../cases/hearing-room.js';
import type { RecordingCaseFile } from '../recordings/casefile.js';
import type { RecordingSubjectData } from '../recordings/subject.js';
import type { SignedDocuments } from '../signing/documents.js';
import { NotFoundError } from '../lib/errors.js';
import type { ExportManifest, ExportManifestFile } from '../../signaling/protocol/privacy.js';
import { ZipStream } from './zip.js';

type Kind = ExportManifestFile['kind'];
type Entry = { path: string; kind: Kind; description: string } & ({ json: unknown } | { bytes: Uint8Array } | { file: string });

export interface ExportPlan {
  caseId: string; caseNumber: string; subject: ExportManifest['subject']; entries: Entry[]; notes: string[];
  fileName: string;
}

export interface ExportDeps {
  audit: AuditLog; cases: CaseService; hearings: HearingService; hearingRoom: HearingRoomStore;
  recordings: { casefile: RecordingCaseFile; subject: RecordingSubjectData };
  documents: SignedDocuments;
  now?: () => Date;
}

/**
 * A person's data export (PIPL art. 45, PDPO DPP6, Macau Law 8/2005 art. 11): what Concord holds about one hearing
 * participant of one case (for a party: every hearing they were a participant of, through their party), as a zip with
 * manifest.json listing each file, what it is and its SHA-256. Only that person's tracks, transcript lines and chat
 * messages; the case data a party already sees (summary, hearing record, the sealed agreement).
 */
export class PersonalDataExport {
  private readonly now: () => Date;
  constructor(private readonly d: ExportDeps) {
    this.now = d.now ?? (() => new Date());
  }

  /** Collects what goes into the export; NOT_FOUND for a participant of another case. Nothing is written yet. */
  async prepare(caseId: string, participantId: string): Promise<ExportPlan> {
    const c = await this.d.cases.get(caseId);
    const hearings = await this.d.hearings.forCase(caseId);
    const all = await this.d.hearings.participants(hearings.map((h) => h.id));
    const me = all.find((p) => p.id === participantId);
    if (!me || me.case_id !== caseId) throw new NotFoundError('participant');
    // A party is one person across hearings: each hearing gave them a participant row of their own.
    const mine: ParticipantRow[] = me.party_id ? all.filter((p) => p.party_id === me.party_id) : [me];
    const ids = mine.map((p) => p.id);
    const party = me.party_id ? await this.d.cases.partyRow(me.party_id) : undefined;
    const entries: Entry[] = [];
    const notes: string[] = [];
    entries.push({ path: 'case.json', kind: 'case', description: 'The case: number, status, dispute types, claim, summary', json: {
      id: c.id, number: c.number, status: c.status, site: c.site, disputeTypes: c.disputeTypes, claim: c.claim, summary: c.summary, createdAt: c.createdAt, updatedAt: c.updatedAt,
    } });
    entries.push({ path: 'participant.json', kind: 'participant', description: 'Your places in the case\'s hearings', json: mine.map((p) => {
      const h = hearings.find((x) => x.id === p.hearing_id);
      return { participantId: p.id, hearingId: p.hearing_id, hearingStartsAt: h?.startsAt ?? null, hearingStatus: h?.status ?? null, role: p.role, displayName: p.display_name };
    }) });
    entries.push({ path: 'identity.json', kind: 'identity', description: 'The identity data registered for you', json: party
      ? { name: party.name, side: party.side, kind: party.kind, idType: party.id_type, idNumberLast4: party.id_number_last4, phone: party.phone, representative: party.representative, deletedByPolicy: party.deleted_by_policy }
      : { name: me.display_name, guest: me.staff_id === null } });
    notes.push('The full ID document number is not stored: only a keyed hash of it (for the identity check) and its last four characters, so it cannot be exported.');
    for (const p of mine) {
      const rec = await this.d.recordings.casefile.record(caseId, p.hearing_id);
      if (rec) entries.push({ path: `hearing-record/${p.hearing_id}.json`, kind: 'hearing_record', description: 'The hearing record (笔录) of a hearing you took part in, with your sign-offs', json: {
        ...rec, signoffs: rec.signoffs.filter((s) => ids.includes(s.participantId)),
      } });
    }
    const chat = [];
    for (const h of new Set(mine.map((p) => p.hearing_id))) {
      for (const m of await this.d.hearingRoom.chat(h)) if (ids.includes(m.fromId)) chat.push({ id: m.id, hearingId: m.hearingId, to: m.to, inCaucus: m.inCaucus, text: m.text, at: m.at });
    }
    entries.push({ path: 'chat.json', kind: 'chat', description: 'The chat messages you wrote', json: chat });
    for (const doc of await this.d.documents.forCase(caseId)) {
      if (doc.kind !== 'agreement' && doc.kind !== 'performance_notice') continue;
      const { bytes } = await this.d.documents.bytes(doc.id);
      entries.push({ path: `agreement/${doc.kind}-${doc.agreementId}-${doc.lockSeq}.pdf`, kind: 'agreement', description: doc.kind === 'agreement' ? 'The sealed mediation agreement' : 'The performance notice', bytes });
    }
    for (const f of await this.d.recordings.subject.files(caseId, ids)) {
      // A file that is gone would end the zip half-way: refuse before anything is sent instead.
      if (!(await stat(f.abs).catch(() => null))) throw new NotFoundError(`recording file ${f.fileId}`);
      entries.push({ path: `recordings/${f.recordingId}/${f.name}`, kind: 'recording', description: `Your ${f.kind} track, segment ${f.seq}${f.private ? ' (private caucus)' : ''}; case-file SHA-256 ${f.sha256}`, file: f.abs });
    }
    for (const t of await this.d.recordings.subject.transcripts(caseId, ids)) {
      entries.push({ path: `transcripts/${t.recordingId}.json`, kind: 'transcript', description: `Your words in the transcript of recording ${t.recordingId} (${t.engine})`, json: t });
    }
    const name = party?.name || me.display_name;
    return { caseId, caseNumber: c.number, subject: { participantIds: ids, partyId: me.party_id, name }, entries, notes, fileName: `concord-${c.number}-${participantId}.zip` };
  }

  /** Writes the zip to `out`, manifest.json last (it lists every other file with its SHA-256). */
  async write(plan: ExportPlan, out: Writable): Promise<ExportManifest> {
    const zip = new ZipStream(out);
    const files: ExportManifestFile[] = [];
    for (const e of plan.entries) {
      const r = 'file' in e ? await zip.addFile(e.path, e.file)
        : await zip.addBuffer(e.path, 'bytes' in e ? e.bytes : Buffer.from(JSON.stringify(e.json, null, 2)));
      files.push({ path: e.path, sha256: r.sha256, bytes: r.bytes, kind: e.kind, description: e.description });
    }
    const manifest: ExportManifest = {
      format: 'concord-personal-data-export/1', generatedAt: this.now().toISOString(), caseId: plan.caseId, caseNumber: plan.caseNumber,
      subject: plan.subject, files, notes: plan.notes,
    };
    await zip.addBuffer('manifest.json', Buffer.from(JSON.stringify(manifest, null, 2)));
    await zip.end();
    return manifest;
  }

  /** The audit entry of an export, written before the first byte goes out. */
  async audited(plan: ExportPlan, actor: string): Promise<void> {
    await this.d.audit.record(plan.caseId, {
      actor, action: 'data.exported',
      data: { participantIds: plan.subject.participantIds, files: plan.entries.length + 1, recordings: plan.entries.filter((e) => e.kind === 'recording').length },
    });
  }
}
