import * as Y from 'yjs';
import { encodeAwarenessUpdate } from 'y-protocols/awareness';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import {
  PAD_TEXT, type AgreementInfo, type AttributionView, type ChangeView, type CreateAgreementBody, type DiffView, type PadAccess,
  type VersionView,
} from '../../signaling/protocol/pad.js';
import { newId } from '../lib/ids.js';
import { InvalidStateError, NotFoundError, PermissionDeniedError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { AuditLog } from '../cases/audit.js';
import type { CaseService } from '../cases/cases.js';
import type { Roster } from '../cases/roster.js';
import { padAccess, type PadSubject } from './access.js';
import { canonicalize, placeholders, previewText, renderText, sha256Hex } from './canonical.js';
import { diffTexts } from './diff.js';
import type { PadDoc } from './doc.js';
import { validateFields } from './fields.js';
import { LiveDocs } from './live.js';
import { KeyedQueue } from './queue.js';
import { blankTemplate, labourTemplate, TEMPLATES } from './templates/index.js';
import {
  agreementRow, b64, type AgreementRow, type AgreementsTable, type LockedAgreement, type PadActor, type PadDb,
  type PadTrx, type UnlockListener,
} from './types.js';

export type { AgreementRow, LockedAgreement, UnlockEvent, UnlockListener } from './types.js';

/** Someone acting on the pad: their author key, name and role (for logs and cursors) and what the policy knows of them. */
export interface PadPrincipal extends PadActor {
  subject: PadSubject;
}

export interface AgreementServiceOptions {
  now?: () => Date;
  /** Stored updates between snapshots (default 200). */
  compactEvery?: number;
  /** Idle time before an unused document is compacted and dropped from memory (default 30 s). */
  idleUnloadMs?: number;
  log?: Logger;
}

const parseFields = (s: string | null): Record<string, string> => (s ? (JSON.parse(s) as Record<string, string>) : {});

/**
 * Agreements and their drafting pad (issue 4; the "Pad" contract in notes/CONTRACTS.md). Every change to one agreement
 * runs in that agreement's queue, is stored with its change-log entry, and significant ones (creation, field values,
 * versions, lock, unlock, edit summaries) go into the case's audit chain in the same transaction.
 */
export class AgreementService {
  readonly live: LiveDocs;
  private readonly db: PadDb;
  private readonly queue = new KeyedQueue();
  private readonly unlockListeners = new Set<UnlockListener>();
  private readonly stateListeners = new Set<(agreementId: string) => void>();
  private readonly now: () => Date;
  private readonly log: Logger | undefined;

  constructor(
    db: Kysely<Database>,
    private readonly audit: AuditLog,
    private readonly cases: CaseService,
    private readonly roster: Roster,
    opts: AgreementServiceOptions = {},
  ) {
    this.db = db;
    this.now = opts.now ?? (() => new Date());
    this.log = opts.log;
    this.live = new LiveDocs(this.db, audit, this.queue, {
      compactEvery: opts.compactEvery ?? 200, idleUnloadMs: opts.idleUnloadMs ?? 30_000, now: this.now,
      ...(opts.log ? { log: opts.log } : {}),
    });
  }

  // ---- the contract ------------------------------------------------------------------------------------------------

  async get(agreementId: string): Promise<AgreementRow | undefined> {
    const r = await this.db.selectFrom('agreements').selectAll().where('id', '=', agreementId).executeTakeFirst();
    return r && agreementRow(r);
  }

  async listForCase(caseId: string): Promise<AgreementRow[]> {
    const rows = await this.db.selectFrom('agreements').selectAll().where('case_id', '=', caseId).orderBy('created_at').orderBy('id').execute();
    return rows.map(agreementRow);
  }

  /** The text exactly as locked (canonical, fields substituted) with its SHA-256; null while drafting. */
  async lockedContent(agreementId: string): Promise<LockedAgreement | null> {
    const r = await this.db.selectFrom('agreements').selectAll().where('id', '=', agreementId).executeTakeFirst();
    if (!r || r.status !== 'locked' || r.locked_text === null) return null;
    return {
      agreementId: r.id, caseId: r.case_id, title: r.title, language: agreementRow(r).language, lockSeq: Number(r.lock_seq),
      text: r.locked_text, sha256: r.locked_sha256!, fields: parseFields(r.locked_fields), lockedAt: r.locked_at!, lockedBy: r.locked_by!,
    };
  }

  /** Called after an unlock commits, in registration order; each listener is awaited, a failing one is logged. */
  onUnlock(listener: UnlockListener): () => void {
    this.unlockListeners.add(listener);
    return () => this.unlockListeners.delete(listener);
  }

  // ---- reading -----------------------------------------------------------------------------------------------------

  /** Lock, unlock, fields or permissions changed: the sockets of that agreement get the new state. */
  onState(fn: (agreementId: string) => void): () => void {
    this.stateListeners.add(fn);
    return () => this.stateListeners.delete(fn);
  }

  async row(agreementId: string): Promise<AgreementsTable> {
    const pad = await this.live.peek(agreementId);
    if (pad && !pad.broken) return pad.row;
    const r = await this.db.selectFrom('agreements').selectAll().where('id', '=', agreementId).executeTakeFirst();
    if (!r) throw new NotFoundError('agreement');
    return r;
  }

  async info(row: AgreementsTable): Promise<AgreementInfo> {
    const c = await this.cases.get(row.case_id);
    const a = agreementRow(row);
    return {
      id: a.id, caseId: a.caseId, caseNumber: c.number, title: a.title, kind: a.kind, language: a.language, status: a.status,
      lockSeq: a.lockSeq, lockedSha256: a.lockedSha256, lockedAt: a.lockedAt, lockedBy: a.lockedBy, clerkCanEdit: row.clerk_can_edit === 1,
      fields: parseFields(row.fields), createdAt: a.createdAt, updatedAt: a.updatedAt,
    };
  }

  access(p: PadPrincipal, row: AgreementsTable): PadAccess {
    return padAccess(p.subject, row);
  }

  /** The live text (with placeholders) and its preview with the fields filled in. */
  async currentText(agreementId: string): Promise<{ body: string; preview: string }> {
    return this.withDoc(agreementId, async (pad) => {
      const body = pad.text.toString();
      return { body, preview: previewText(body, parseFields(pad.row.fields), agreementRow(pad.row).language) };
    });
  }

  async versions(agreementId: string): Promise<VersionView[]> {
    const rows = await this.db.selectFrom('agreement_versions').select(['id', 'number', 'name', 'sha256', 'created_at', 'created_by', 'created_by_name'])
      .where('agreement_id', '=', agreementId).orderBy('number', 'desc').execute();
    return rows.map((r) => ({ id: r.id, number: Number(r.number), name: r.name, sha256: r.sha256, createdAt: r.created_at, createdBy: r.created_by, createdByName: r.created_by_name }));
  }

  /** Differences between two versions (or a version and `current`, the live text with its fields filled in). */
  async diff(agreementId: string, from: string, to: string): Promise<DiffView> {
    const side = async (v: string) => {
      if (v === 'current') {
        const t = await this.currentText(agreementId);
        return { id: 'current', name: 'current', sha256: sha256Hex(t.preview), text: t.preview };
      }
      const r = await this.db.selectFrom('agreement_versions').select(['id', 'name', 'sha256', 'text']).where('agreement_id', '=', agreementId).where('id', '=', v).executeTakeFirst();
      if (!r) throw new NotFoundError('version');
      return r;
    };
    const [a, b] = await Promise.all([side(from), side(to)]);
    const ops = diffTexts(a.text, b.text);
    let inserted = 0;
    let deleted = 0;
    for (const o of ops) {
      if (o.op === 'ins') inserted += [...o.text].length;
      if (o.op === 'del') deleted += [...o.text].length;
    }
    return { from: { id: a.id, name: a.name, sha256: a.sha256 }, to: { id: b.id, name: b.name, sha256: b.sha256 }, ops, stats: { inserted, deleted } };
  }

  async changes(agreementId: string, limit = 500): Promise<ChangeView[]> {
    const rows = await this.db.selectFrom('agreement_changes').select(['seq', 'at', 'author', 'author_name', 'author_role', 'kind', 'summary'])
      .where('agreement_id', '=', agreementId).orderBy('seq', 'desc').limit(limit).execute();
    return rows.map((r) => ({
      seq: Number(r.seq), at: r.at, author: r.author, authorName: r.author_name, authorRole: r.author_role, kind: r.kind,
      summary: JSON.parse(r.summary) as Record<string, unknown>,
    }));
  }

  /** Who wrote which part of the current text: each run of characters with the author of the client that inserted it. */
  async attribution(agreementId: string): Promise<AttributionView> {
    return this.withDoc(agreementId, async (pad) => {
      const spans: AttributionView['spans'] = [];
      const totals = new Map<string, { name: string; role: string; chars: number }>();
      for (let item = pad.text._start; item; item = item.right) {
        if (item.deleted || !(item.content instanceof Y.ContentString)) continue;
        const owner = pad.clients.get(item.id.client) ?? { author: 'unknown', name: '?', role: 'unknown' };
        const str = item.content.str;
        const last = spans[spans.length - 1];
        if (last && last.author === owner.author) last.text += str;
        else spans.push({ author: owner.author, text: str });
        const t = totals.get(owner.author) ?? { name: owner.name, role: owner.role, chars: 0 };
        t.chars += str.length;
        totals.set(owner.author, t);
      }
      return { authors: [...totals].map(([author, t]) => ({ author, ...t })).sort((a, b) => b.chars - a.chars), spans };
    });
  }

  /**
   * The sync step: what a client with state vector `sv` lacks, the server's state vector, the current cursors. Runs in
   * the agreement's queue, so it never hands out an update that is applied in memory but not yet stored.
   */
  async syncState(pad: PadDoc, sv: Uint8Array): Promise<{ update: Uint8Array; stateVector: Uint8Array; awareness: Uint8Array; authors: ReturnType<AgreementService['authorsOf']> }> {
    return this.queue.run(pad.id, async () => ({
      update: Y.encodeStateAsUpdate(pad.doc, sv),
      stateVector: Y.encodeStateVector(pad.doc),
      awareness: encodeAwarenessUpdate(pad.awareness, [...pad.awareness.getStates().keys()]),
      authors: this.authorsOf(pad),
    }));
  }

  /** Yjs client id -> author, for the editor's attribution colours. */
  authorsOf(pad: PadDoc): Record<string, { author: string; name: string; role: string }> {
    return Object.fromEntries([...pad.clients].map(([id, o]) => [String(id), o]));
  }

  // ---- changing ----------------------------------------------------------------------------------------------------

  /**
   * A new agreement for a case: the labour mediation agreement template in the chosen language, filled with what the
   * case knows (number, organisation, parties, claim currency, facts), the clauses of its dispute types; or a blank pad.
   */
  async create(p: PadPrincipal, caseId: string, body: CreateAgreementBody): Promise<AgreementsTable> {
    if (p.subject.access.caseId !== caseId || !padAccess(p.subject, { status: 'drafting', clerk_can_edit: 0 }).canManage) throw new PermissionDeniedError('only the mediator opens agreements');
    const c = await this.cases.get(caseId);
    const [parties, org] = await Promise.all([this.cases.parties(caseId), this.roster.getOrganisation(c.orgId)]);
    const names = (side: string) => parties.filter((x) => x.side === side).map((x) => x.name);
    const sep = body.language === 'en' || body.language === 'pt' ? ', ' : '、';
    const reps = parties.filter((x) => x.side === 'respondent' && x.representative).map((x) => x.representative!);
    const today = this.now().toISOString().slice(0, 10);
    const prefilled: Record<string, string | null> = {
      caseNumber: c.number, organisation: body.language === 'en' || body.language === 'pt' ? org.nameEn : org.name,
      applicantName: names('applicant').join(sep), respondentName: names('respondent').join(sep),
      respondentRepresentative: reps.length ? reps.join(sep) : null, currency: c.claim.currency, agreementDate: today,
    };
    const fields = Object.fromEntries(Object.entries(validateFields({ ...prefilled, ...(body.fields ?? {}) })).filter(([, v]) => v !== null)) as Record<string, string>;
    const text = body.template === 'blank'
      ? blankTemplate(body.language)
      : labourTemplate({ language: body.language, clauses: body.clauses ?? c.disputeTypes, facts: c.summary, hasRepresentative: reps.length > 0 });
    const doc = new Y.Doc();
    doc.getText(PAD_TEXT).insert(0, text);
    const state = Y.encodeStateAsUpdate(doc);
    const id = newId<'agreement'>('agr');
    const at = this.now().toISOString();
    const title = body.title ?? (body.template === 'blank' ? TEMPLATES[body.language].untitledBlank : TEMPLATES[body.language].title);
    const row: AgreementsTable = {
      id, case_id: caseId, title, kind: body.kind, language: body.language, template: body.template, status: 'drafting', lock_seq: 0,
      locked_sha256: null, locked_at: null, locked_by: null, locked_text: null, locked_fields: null, fields: JSON.stringify(fields),
      clerk_can_edit: 0, created_by: p.author, created_at: at, updated_at: at,
    };
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('agreements').values(row).execute();
      await trx.insertInto('agreement_changes').values({
        agreement_id: id, seq: 1, at, author: p.author, author_name: p.name, author_role: p.role, kind: 'created',
        summary: JSON.stringify({ template: body.template, language: body.language, inserted: text.length }), data: b64(state),
      }).execute();
      await trx.insertInto('agreement_clients').values({
        agreement_id: id, client_id: String(doc.clientID), author: p.author, author_name: p.name, author_role: p.role, at,
      }).execute();
      await this.audit.append(trx, caseId, {
        actor: p.author, action: 'agreement.created',
        data: { agreementId: id, title, kind: body.kind, language: body.language, template: body.template, sha256: sha256Hex(canonicalize(text)) },
      });
    });
    doc.destroy();
    return row;
  }

  /** Sets or clears typed field values (validated by type); refused while locked. */
  async setFields(p: PadPrincipal, agreementId: string, input: Record<string, string | null>): Promise<AgreementsTable> {
    const values = validateFields(input);
    return this.change(agreementId, p, 'edit', async (pad, trx, at) => {
      const fields = parseFields(pad.row.fields);
      const changed: Record<string, string | null> = {};
      for (const [k, v] of Object.entries(values)) {
        if ((fields[k] ?? null) === v) continue;
        changed[k] = v;
        if (v === null) delete fields[k];
        else fields[k] = v;
      }
      if (Object.keys(changed).length === 0) return pad.row;
      const row = { ...pad.row, fields: JSON.stringify(fields), updated_at: at };
      await trx.updateTable('agreements').set({ fields: row.fields, updated_at: at }).where('id', '=', pad.id).execute();
      await this.logChange(trx, pad, p, at, 'fields', { changed });
      await this.audit.append(trx, pad.row.case_id, { actor: p.author, action: 'agreement.fields_changed', data: { agreementId: pad.id, changed } });
      return row;
    });
  }

  /**
   * Locks the text for signature: the canonical content (fields substituted) and its SHA-256 are stored and recorded in
   * the audit chain; every edit is refused until the mediator unlocks. Each lock increments lockSeq and keeps a version.
   */
  async lock(p: PadPrincipal, agreementId: string, reason?: string): Promise<LockedAgreement> {
    await this.change(agreementId, p, 'manage', async (pad, trx, at) => {
      if (pad.row.status === 'locked') throw new InvalidStateError('the agreement is already locked');
      const body = pad.text.toString();
      const fields = parseFields(pad.row.fields);
      const language = agreementRow(pad.row).language;
      const text = renderText(body, fields, language);
      const sha256 = sha256Hex(text);
      const lockSeq = Number(pad.row.lock_seq) + 1;
      const row: AgreementsTable = {
        ...pad.row, status: 'locked', lock_seq: lockSeq, locked_sha256: sha256, locked_at: at, locked_by: p.author, locked_text: text,
        locked_fields: JSON.stringify(fields), updated_at: at,
      };
      await trx.updateTable('agreements').set({
        status: 'locked', lock_seq: lockSeq, locked_sha256: sha256, locked_at: at, locked_by: p.author, locked_text: text,
        locked_fields: row.locked_fields, updated_at: at,
      }).where('id', '=', pad.id).execute();
      const version = await this.insertVersion(trx, pad, p, at, `🔒 ${lockSeq}`, text, fields);
      await this.logChange(trx, pad, p, at, 'lock', { lockSeq, sha256, versionId: version.id });
      await this.audit.append(trx, pad.row.case_id, {
        actor: p.author, action: 'agreement.locked',
        data: { agreementId: pad.id, lockSeq, sha256, title: pad.row.title, chars: [...text].length, fieldsUsed: placeholders(body), reason: reason ?? null },
      });
      return row;
    });
    return (await this.lockedContent(agreementId))!;
  }

  /** Unlocks for more drafting: audited, then every onUnlock listener runs (signing voids what was signed on that text). */
  async unlock(p: PadPrincipal, agreementId: string, reason: string): Promise<AgreementsTable> {
    let event: { agreementId: string; caseId: string; lockSeq: number; by: string } | undefined;
    const row = await this.change(agreementId, p, 'manage', async (pad, trx, at) => {
      if (pad.row.status !== 'locked') throw new InvalidStateError('the agreement is not locked');
      const lockSeq = Number(pad.row.lock_seq);
      const row: AgreementsTable = {
        ...pad.row, status: 'drafting', locked_sha256: null, locked_at: null, locked_by: null, locked_text: null, locked_fields: null, updated_at: at,
      };
      await trx.updateTable('agreements').set({
        status: 'drafting', locked_sha256: null, locked_at: null, locked_by: null, locked_text: null, locked_fields: null, updated_at: at,
      }).where('id', '=', pad.id).execute();
      await this.logChange(trx, pad, p, at, 'unlock', { lockSeq, reason });
      await this.audit.append(trx, pad.row.case_id, {
        actor: p.author, action: 'agreement.unlocked', data: { agreementId: pad.id, lockSeq, sha256: pad.row.locked_sha256, reason },
      });
      event = { agreementId: pad.id, caseId: pad.row.case_id, lockSeq, by: p.author };
      return row;
    });
    for (const fn of this.unlockListeners) {
      try {
        await fn(event!);
      } catch (err) {
        this.log?.error({ err, agreementId }, 'an unlock listener failed');
      }
    }
    return row;
  }

  /** The mediator lets the clerk edit (or stops it). */
  async setClerkEdit(p: PadPrincipal, agreementId: string, allowed: boolean): Promise<AgreementsTable> {
    return this.change(agreementId, p, 'manage', async (pad, trx, at) => {
      if ((pad.row.clerk_can_edit === 1) === allowed) return pad.row;
      const row = { ...pad.row, clerk_can_edit: allowed ? 1 : 0, updated_at: at };
      await trx.updateTable('agreements').set({ clerk_can_edit: row.clerk_can_edit, updated_at: at }).where('id', '=', pad.id).execute();
      await this.logChange(trx, pad, p, at, 'permission', { clerkCanEdit: allowed });
      await this.audit.append(trx, pad.row.case_id, { actor: p.author, action: 'agreement.clerk_edit', data: { agreementId: pad.id, allowed } });
      return row;
    });
  }

  /** A named version: the text with its fields as it reads now, kept for the history view and diffs. */
  async nameVersion(p: PadPrincipal, agreementId: string, name: string): Promise<VersionView> {
    let view: VersionView | undefined;
    await this.change(agreementId, p, 'read', async (pad, trx, at) => {
      if (!padAccess(p.subject, pad.row).canEdit && !padAccess(p.subject, pad.row).canManage) throw new PermissionDeniedError('you may not name versions of this agreement');
      const fields = parseFields(pad.row.fields);
      const text = previewText(pad.text.toString(), fields, agreementRow(pad.row).language);
      view = await this.insertVersion(trx, pad, p, at, name, text, fields);
      await this.logChange(trx, pad, p, at, 'version', { versionId: view.id, number: view.number, name });
      await this.audit.append(trx, pad.row.case_id, {
        actor: p.author, action: 'agreement.version_named', data: { agreementId: pad.id, versionId: view.id, number: view.number, name, sha256: view.sha256 },
      });
      return pad.row;
    });
    return view!;
  }

  async close(): Promise<void> {
    await this.live.close();
  }

  // ---- internals ---------------------------------------------------------------------------------------------------

  private async withDoc<T>(agreementId: string, fn: (pad: PadDoc) => Promise<T>): Promise<T> {
    return this.queue.run(agreementId, async () => {
      const pad = await this.live.get(agreementId);
      try {
        return await fn(pad);
      } finally {
        if (pad.refs === 0) this.live.scheduleUnload(pad);
      }
    });
  }

  /**
   * One change to one agreement, in its queue: the permission is checked against the current state, then the edit
   * summary so far and the change commit in one transaction (with their audit entries), then sockets hear of it.
   */
  private async change(
    agreementId: string, p: PadPrincipal, need: 'edit' | 'manage' | 'read',
    fn: (pad: PadDoc, trx: PadTrx, at: string) => Promise<AgreementsTable>,
  ): Promise<AgreementsTable> {
    const row = await this.withDoc(agreementId, async (pad) => {
      const access = padAccess(p.subject, pad.row);
      if (need === 'manage' && !access.canManage) throw new PermissionDeniedError('only the mediator may do this');
      if (need === 'edit' && !access.canEdit) {
        throw access.readOnlyReason === 'locked'
          ? new InvalidStateError('the agreement is locked for signature; the mediator must unlock it first')
          : new PermissionDeniedError('you may read this agreement but not edit it');
      }
      const at = this.now().toISOString();
      const seqBefore = pad.seq;
      let next: AgreementsTable | undefined;
      try {
        await this.live.compact(pad, async (trx) => {
          next = await fn(pad, trx, at);
        });
      } catch (err) {
        pad.seq = seqBefore;
        throw err;
      }
      pad.row = next!;
      return next!;
    });
    for (const fn of this.stateListeners) fn(agreementId);
    return row;
  }

  private async logChange(trx: PadTrx, pad: PadDoc, p: PadActor, at: string, kind: string, summary: Record<string, unknown>): Promise<void> {
    await trx.insertInto('agreement_changes').values({
      agreement_id: pad.id, seq: ++pad.seq, at, author: p.author, author_name: p.name, author_role: p.role, kind, summary: JSON.stringify(summary), data: null,
    }).execute();
  }

  private async insertVersion(
    trx: PadTrx, pad: PadDoc, p: PadActor, at: string, name: string, text: string, fields: Record<string, string>,
  ): Promise<VersionView> {
    const last = await trx.selectFrom('agreement_versions').select((eb) => eb.fn.max('number').as('n')).where('agreement_id', '=', pad.id).executeTakeFirst();
    const number = Number(last?.n ?? 0) + 1;
    const id = newId<'version'>('ver');
    const sha256 = sha256Hex(text);
    await trx.insertInto('agreement_versions').values({
      id, agreement_id: pad.id, number, name, text, fields: JSON.stringify(fields), sha256, state: b64(Y.encodeStateAsUpdate(pad.doc)),
      created_by: p.author, created_by_name: p.name, created_at: at,
    }).execute();
    return { id, number, name, sha256, createdAt: at, createdBy: p.author, createdByName: p.name };
  }
}
