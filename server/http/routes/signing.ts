import { Router, type Request } from 'express';
import {
  ConfirmationRequestBody, RequestOtpBody, SignBody, SignerSetBody, type SigningStatusView,
} from '../../../signaling/protocol/signing.js';
import { NotFoundError } from '../../lib/errors.js';
import type { ParticipantPrincipal, StaffPrincipal } from '../../auth/principal.js';
import { can } from '../../auth/policy.js';

type Principal = StaffPrincipal | ParticipantPrincipal;
import type { SigningService } from '../../signing/service.js';
import type { CourtService } from '../../court/service.js';
import { anyFrom, caseFor, clientIp, idParam, participantFrom, route, staffFrom, type HttpDeps } from '../context.js';
import { parse } from '../validate.js';

// The signing and court services join the HTTP layer's dependencies (built in server/wiring.ts).
declare module '../context.js' {
  interface HttpDeps {
    signing: SigningService;
    court: CourtService;
  }
}

/** Staff session or participant session (the one resolver): the ceremony serves both. */
export async function anyPrincipal(req: Request, deps: HttpDeps): Promise<StaffPrincipal | ParticipantPrincipal> {
  return (await anyFrom(req, deps)).principal;
}

type SigningAction = 'signing.read' | 'signing.sign' | 'signing.manage' | 'confirmation.request';

export function signingRouter(deps: HttpDeps): Router {
  const r = Router();
  const { signing, court } = deps;

  const statusFor = async (agreementId: string, p: Principal): Promise<SigningStatusView> => {
    const a = await signing.agreement(agreementId);
    const staffDetail = can(p, 'signing.detail', await deps.cases.access(a.caseId));
    const view = await signing.status(agreementId, p, { staffDetail });
    return { ...view, confirmation: await court.latestFor(view.caseId) };
  };
  /** Loads the agreement and checks the caller may see its case. */
  const agreementFor = async (req: Request, p: Principal, action: SigningAction = 'signing.read') => {
    const a = await signing.agreement(idParam(req, 'agreementId'));
    await caseFor(deps, p, a.caseId, action);
    return a;
  };

  r.get('/cases/:caseId', route(async (req, res) => {
    const p = await anyPrincipal(req, deps);
    const caseId = idParam(req, 'caseId');
    await caseFor(deps, p, caseId, 'signing.read');
    const rows = await signing.agreementsForCase(caseId);
    res.json({ agreements: await Promise.all(rows.map((a) => statusFor(a.id, p))), confirmation: await court.latestFor(caseId) });
  }));

  /** A party's own case (from the participant session: the signing page knows no case id). */
  r.get('/mine', route(async (req, res) => {
    const { principal } = await participantFrom(req, deps);
    await caseFor(deps, principal, principal.caseId, 'signing.read');
    const rows = await signing.agreementsForCase(principal.caseId);
    res.json({
      caseId: principal.caseId, agreements: await Promise.all(rows.map((a) => statusFor(a.id, principal))),
      confirmation: await court.latestFor(principal.caseId),
    });
  }));

  r.get('/agreements/:agreementId', route(async (req, res) => {
    const p = await anyPrincipal(req, deps);
    const a = await agreementFor(req, p);
    res.json(await statusFor(a.id, p));
  }));

  r.post('/agreements/:agreementId/otp', route(async (req, res) => {
    const p = await anyPrincipal(req, deps);
    const a = await agreementFor(req, p, 'signing.sign');
    const body = parse(RequestOtpBody, req.body);
    res.status(201).json(await signing.requestOtp(a.id, p, body));
  }));

  r.post('/agreements/:agreementId/sign', route(async (req, res) => {
    const p = await anyPrincipal(req, deps);
    const a = await agreementFor(req, p, 'signing.sign');
    const body = parse(SignBody, req.body);
    const result = await signing.sign(a.id, p, body, { ip: clientIp(req), userAgent: String(req.headers['user-agent'] ?? '') });
    res.status(201).json({ ...result, status: { ...result.status, confirmation: await court.latestFor(a.caseId) } });
  }));

  r.post('/agreements/:agreementId/signers', route(async (req, res) => {
    const { principal, actor } = await staffFrom(req, deps);
    const a = await agreementFor(req, principal, 'signing.manage');
    const body = parse(SignerSetBody, req.body);
    await signing.setSignerSet(a.id, `staff:${actor.id}`, body);
    res.json(await statusFor(a.id, principal));
  }));

  r.post('/agreements/:agreementId/seal', route(async (req, res) => {
    const { principal } = await staffFrom(req, deps);
    const a = await agreementFor(req, principal, 'signing.manage');
    await signing.retrySeal(a.id);
    res.json(await statusFor(a.id, principal));
  }));

  /** A party (through their link) or the mediator asks the court to confirm the effective agreement. */
  r.post('/cases/:caseId/confirmation', route(async (req, res) => {
    const p = await anyPrincipal(req, deps);
    const caseId = idParam(req, 'caseId');
    await caseFor(deps, p, caseId, 'confirmation.request');
    const body = parse(ConfirmationRequestBody, req.body);
    const who = p.kind === 'participant'
      ? { actor: `participant:${p.participantId}`, role: p.role as 'applicant' | 'respondent' }
      : { actor: `staff:${p.staffId}`, role: p.role as 'mediator' | 'org_admin' };
    res.status(201).json(await court.request(caseId, who, body.note));
  }));

  /** The text to be signed as the PDF it will become (unsigned, unsealed), for reading before signing. */
  r.get('/agreements/:agreementId/preview.pdf', route(async (req, res) => {
    const p = await anyPrincipal(req, deps);
    const a = await agreementFor(req, p);
    const bytes = await signing.previewPdf(a.id);
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader('Content-Disposition', `inline; filename="agreement-${a.id}-preview.pdf"`);
    res.type('application/pdf').send(Buffer.from(bytes));
  }));

  /** The PDF itself, for an <iframe> or a download: the URL's signature (from a view above) is the permission. */
  r.get('/documents/:file', route(async (req, res) => {
    const m = /^([A-Za-z0-9_-]{1,64})\.pdf$/.exec(String(req.params.file ?? ''));
    if (!m?.[1]) throw new NotFoundError('document');
    signing.files.checkViewToken(m[1], req.query.exp as string | undefined, req.query.sig as string | undefined);
    const { doc, bytes } = await signing.files.bytes(m[1]);
    res.removeHeader('Content-Security-Policy');
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader('Content-Disposition', `inline; filename="${doc.kind}-${doc.id}.pdf"`);
    res.setHeader('X-Content-SHA256', doc.sha256);
    res.type('application/pdf').send(bytes);
  }));
  return r;
}
