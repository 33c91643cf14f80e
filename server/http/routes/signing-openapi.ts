import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import * as signing from '../../../signaling/protocol/signing.js';
import { MAX_VERIFY_BYTES } from '../../../signaling/protocol/verify.js';

/** The signing ceremony's and the court's paths in the OpenAPI document (same zod schemas that validate the bodies). */
export function registerSigningPaths(reg: OpenAPIRegistry, security: Record<string, string[]>[]): void {
  const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });
  const ok = (description: string) => ({ 200: { description } });
  const created = (description: string) => ({ 201: { description } });
  const agreement = z.object({ agreementId: z.string() });
  const caseId = z.object({ caseId: z.string() });
  const id = z.object({ id: z.string() });
  const p = (method: 'get' | 'post', path: string, summary: string, extra: Record<string, unknown>) =>
    reg.registerPath({ method, path, summary, security, responses: ok('ok'), ...extra } as Parameters<OpenAPIRegistry['registerPath']>[0]);
  p('get', '/api/signing/cases/{caseId}', 'Agreements of a case with their signing status (staff or participant session)', { request: { params: caseId } });
  p('get', '/api/signing/mine', "A party's agreements and confirmation outcome (participant session)", {});
  p('get', '/api/signing/agreements/{agreementId}', 'Signing status: locked text, hash, signers, documents', { request: { params: agreement } });
  p('post', '/api/signing/agreements/{agreementId}/otp', 'One-time code for the signer (in-app channel)', { request: { params: agreement, body: json(signing.RequestOtpBody) }, responses: created('code issued') });
  p('post', '/api/signing/agreements/{agreementId}/sign', 'Sign the locked text (drawn or typed signature, one-time code)', { request: { params: agreement, body: json(signing.SignBody) }, responses: created('signed') });
  p('post', '/api/signing/agreements/{agreementId}/signers', 'Mediator: whether the arbitrator signs too', { request: { params: agreement, body: json(signing.SignerSetBody) } });
  p('post', '/api/signing/agreements/{agreementId}/seal', 'Mediator: apply the seal again after a failure', { request: { params: agreement } });
  p('post', '/api/signing/cases/{caseId}/confirmation', 'Request judicial confirmation (party or mediator)', { request: { params: caseId, body: json(signing.ConfirmationRequestBody) }, responses: created('requested') });
  reg.registerPath({
    method: 'get', path: '/api/signing/documents/{file}', summary: 'A sealed PDF through its short-lived signed URL (exp, sig)',
    request: { params: z.object({ file: z.string() }), query: z.object({ exp: z.string(), sig: z.string() }) }, responses: { 200: { description: 'application/pdf' } },
  });
  reg.registerPath({
    method: 'get', path: '/api/signing/agreements/{agreementId}/preview.pdf', summary: 'The locked text as the PDF it will become, unsigned and unsealed (preview before signing)',
    request: { params: agreement }, responses: { 200: { description: 'application/pdf' }, 409: { description: 'the agreement is not locked' } },
  });
  reg.registerPath({
    method: 'post', path: '/api/court/requests/{id}/ruling-preview', summary: 'Court: the confirmation ruling as it would be issued with this note, unsealed (nothing is stored)',
    request: { params: id, body: json(signing.ConfirmBody) }, responses: { 200: { description: 'application/pdf' } },
  });
  p('get', '/api/court/queue', "Court: requests on the court user's cases", {});
  p('get', '/api/court/requests/{id}', 'Court: the review package', { request: { params: id } });
  p('post', '/api/court/requests/{id}/confirm', 'Court: confirm (ruling sealed with the court certificate)', { request: { params: id, body: json(signing.ConfirmBody) } });
  p('post', '/api/court/requests/{id}/reject', 'Court: reject with reasons', { request: { params: id, body: json(signing.RejectBody) } });
  // Public (no sign-in): the body is the PDF itself, the answer the report of signaling/protocol/verify.ts (VerifyReport).
  reg.registerPath({
    method: 'post', path: '/api/verify', summary: `Verify a signed PDF: each signature, and whether the document changed after signing (at most ${MAX_VERIFY_BYTES} bytes, rate-limited)`,
    request: { body: { content: { 'application/pdf': { schema: z.string().meta({ format: 'binary' }) } } } },
    responses: {
      200: { description: 'verification report (VerifyReport)' },
      400: { description: 'empty body or not a PDF' },
      413: { description: 'larger than the limit' },
      415: { description: 'Content-Type is not application/pdf' },
      429: { description: 'too many verifications from this address' },
    },
  });
}
