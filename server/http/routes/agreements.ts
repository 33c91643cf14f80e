import { Router, type Request } from 'express';
import {
  AGREEMENT_LANGUAGES, ClerkEditBody, CreateAgreementBody, DiffQuery, LockBody, NameVersionBody, SetFieldsBody, UnlockBody,
  type AgreementLanguage,
} from '../../../signaling/protocol/pad.js';
import { NotFoundError, ValidationError } from '../../lib/errors.js';
import type { Resolved } from '../../auth/principal.js';
import { assertCan } from '../../auth/policy.js';
import type { AgreementService } from '../../pad/agreements.js';
import { padPrincipalFor, type ResolvedPrincipal } from '../../pad/principal.js';
import { templateView } from '../../pad/templates/index.js';
import type { AgreementsTable } from '../../pad/types.js';
import { anyFrom, idParam, route, type HttpDeps } from '../context.js';
import { parse } from '../validate.js';

export type AgreementDeps = HttpDeps & { agreements: AgreementService };

/**
 * The drafting pad's REST side (the live text goes over the `/pad` socket): agreements of a case, templates, typed
 * fields, named versions and their differences, the change log and attribution, lock and unlock for signature, and
 * the clerk's edit permission. Staff sessions and participant sessions both work; another case's token gets 404.
 */
export function agreementsRouter(deps: AgreementDeps): Router {
  const r = Router();
  const svc = deps.agreements;

  /** The caller (the one resolver), once the policy lets them read the case's agreements (pad.read). */
  const who = async (req: Request, caseId: string, resolved?: Resolved): Promise<ResolvedPrincipal> => {
    resolved ??= await anyFrom(req, deps);
    const access = await deps.cases.access(caseId).catch(() => undefined);
    if (!access) throw new NotFoundError('agreement');
    return padPrincipalFor(resolved, access);
  };
  /** The principal and the agreement, once the principal may read the agreement's case. */
  const load = async (req: Request): Promise<{ p: ResolvedPrincipal; row: AgreementsTable }> => {
    const resolved = await anyFrom(req, deps);
    const row = await svc.row(idParam(req, 'agreementId'));
    return { p: await who(req, row.case_id, resolved), row };
  };
  const view = async (p: ResolvedPrincipal, row: AgreementsTable) => ({ agreement: await svc.info(row), access: svc.access(p, row) });

  r.get('/agreements/templates/:language', route(async (req, res) => {
    const lang = req.params.language as AgreementLanguage;
    if (!(AGREEMENT_LANGUAGES as readonly string[]).includes(lang)) throw new ValidationError('unknown template language');
    res.json(templateView(lang));
  }));

  r.get('/cases/:caseId/agreements', route(async (req, res) => {
    const caseId = idParam(req, 'caseId');
    const p = await who(req, caseId);
    const rows = await Promise.all((await svc.listForCase(caseId)).map((a) => svc.row(a.id)));
    res.json({ items: await Promise.all(rows.map((row) => view(p, row))) });
  }));

  r.post('/cases/:caseId/agreements', route(async (req, res) => {
    const caseId = idParam(req, 'caseId');
    const p = await who(req, caseId);
    // The policy before the body: a refused caller learns nothing from a validation error.
    assertCan(p.subject.principal, 'pad.manage', p.subject.access);
    const body = parse(CreateAgreementBody, req.body);
    const row = await svc.create(p, caseId, body);
    res.status(201).json(await view(p, row));
  }));

  r.get('/agreements/:agreementId', route(async (req, res) => {
    const { p, row } = await load(req);
    const text = await svc.currentText(row.id);
    res.json({ ...(await view(p, row)), self: { author: p.author, name: p.name, role: p.role }, text });
  }));

  r.post('/agreements/:agreementId/fields', route(async (req, res) => {
    const { p, row } = await load(req);
    const body = parse(SetFieldsBody, req.body);
    res.json(await view(p, await svc.setFields(p, row.id, body.fields)));
  }));

  r.get('/agreements/:agreementId/versions', route(async (req, res) => {
    const { row } = await load(req);
    res.json({ items: await svc.versions(row.id) });
  }));

  r.post('/agreements/:agreementId/versions', route(async (req, res) => {
    const { p, row } = await load(req);
    const body = parse(NameVersionBody, req.body);
    res.status(201).json(await svc.nameVersion(p, row.id, body.name));
  }));

  r.get('/agreements/:agreementId/diff', route(async (req, res) => {
    const { row } = await load(req);
    const q = parse(DiffQuery, req.query, 'query');
    res.json(await svc.diff(row.id, q.from, q.to));
  }));

  r.get('/agreements/:agreementId/changes', route(async (req, res) => {
    const { row } = await load(req);
    res.json({ items: await svc.changes(row.id) });
  }));

  r.get('/agreements/:agreementId/attribution', route(async (req, res) => {
    const { row } = await load(req);
    res.json(await svc.attribution(row.id));
  }));

  r.get('/agreements/:agreementId/locked', route(async (req, res) => {
    const { row } = await load(req);
    const locked = await svc.lockedContent(row.id);
    if (!locked) throw new ValidationError('the agreement is not locked');
    res.json(locked);
  }));

  r.post('/agreements/:agreementId/lock', route(async (req, res) => {
    const { p, row } = await load(req);
    const body = parse(LockBody, req.body);
    const locked = await svc.lockedContent((await svc.lock(p, row.id, body.reason)).agreementId);
    res.json({ ...(await view(p, await svc.row(row.id))), locked });
  }));

  r.post('/agreements/:agreementId/unlock', route(async (req, res) => {
    const { p, row } = await load(req);
    const body = parse(UnlockBody, req.body);
    res.json(await view(p, await svc.unlock(p, row.id, body.reason ?? '')));
  }));

  r.post('/agreements/:agreementId/clerk-edit', route(async (req, res) => {
    const { p, row } = await load(req);
    const body = parse(ClerkEditBody, req.body);
    res.json(await view(p, await svc.setClerkEdit(p, row.id, body.allowed)));
  }));

  return r;
}
