import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import * as api from '../../signaling/protocol/api.js';
import { ERROR_CODES } from '../../signaling/protocol/errors.js';
import { pathAdder } from './openapi-paths.js';
import { registerAgreementPaths } from './routes/agreements-openapi.js';
import { registerRecordingPaths } from './routes/recordings-openapi.js';
import { registerSigningPaths } from './routes/signing-openapi.js';
import { registerPrivacyPaths } from './routes/privacy-openapi.js';

/**
 * The OpenAPI document, generated from the same zod schemas that validate requests. Every mounted route has an entry:
 * here, or in the `*-openapi.ts` file beside its router; test/integration/openapi-coverage.test.ts walks express's
 * router stack and fails on a route without one (or an entry without a route).
 */
export function openApiDocument(): unknown {
  const reg = new OpenAPIRegistry();
  const ErrorBody = z
    .object({ error: z.object({ code: z.enum(ERROR_CODES), message: z.string(), details: z.unknown().optional() }) })
    .meta({ id: 'Error' });
  const bearer = reg.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });
  const errors = {
    400: { description: 'Validation failed', ...json(ErrorBody) },
    401: { description: 'Not authenticated, or token expired / revoked', ...json(ErrorBody) },
    403: { description: 'Permission denied', ...json(ErrorBody) },
    404: { description: 'Not found (also for cases the caller may not see)', ...json(ErrorBody) },
    409: { description: 'Invalid state or conflict', ...json(ErrorBody) },
    413: { description: 'Body too large', ...json(ErrorBody) },
    429: { description: 'Rate limited', ...json(ErrorBody) },
  };
  const ok = (description: string) => ({ 200: { description }, ...errors });
  const created = (description: string) => ({ 201: { description }, ...errors });
  const secured = [{ [bearer.name]: [] }];
  const caseId = z.object({ caseId: z.string() });

  reg.registerPath({ method: 'get', path: '/healthz', summary: 'Liveness', responses: { 200: { description: 'up' } } });
  reg.registerPath({ method: 'get', path: '/readyz', summary: 'Readiness (store reachable)', responses: { 200: { description: 'ready' }, 503: { description: 'store unreachable' } } });
  reg.registerPath({ method: 'get', path: '/api/meta', summary: 'Vocabulary: sites, dispute types, statuses', responses: ok('meta') });
  reg.registerPath({ method: 'post', path: '/api/auth/login', summary: 'Staff sign-in', request: { body: json(api.LoginBody) }, responses: ok('session token') });
  reg.registerPath({ method: 'post', path: '/api/auth/logout', summary: 'Sign out: this staff session ends', security: secured, request: { body: json(api.LogoutBody) }, responses: { 204: { description: 'signed out' }, ...errors } });
  reg.registerPath({ method: 'post', path: '/api/auth/logout-all', summary: 'Sign out everywhere: every session of this account ends', security: secured, request: { body: json(api.LogoutAllBody) }, responses: ok('{ revoked }: sessions ended') });
  reg.registerPath({ method: 'get', path: '/api/auth/me', summary: 'The signed-in staff member', security: secured, responses: ok('staff and organisation') });
  reg.registerPath({ method: 'get', path: '/api/staff', summary: 'Staff who may be put on a hearing', security: secured, responses: ok('roster') });
  reg.registerPath({ method: 'get', path: '/api/cases', summary: 'List and search cases', security: secured, request: { query: api.CaseListQuery }, responses: ok('cases') });
  reg.registerPath({ method: 'post', path: '/api/cases', summary: 'Register a case', security: secured, request: { body: json(api.CreateCaseBody) }, responses: created('case') });
  reg.registerPath({ method: 'get', path: '/api/cases/{caseId}', summary: 'A case with parties, hearings and links', security: secured, request: { params: caseId }, responses: ok('case') });
  reg.registerPath({
    method: 'post', path: '/api/cases/{caseId}/transitions', summary: 'Change the case status', security: secured,
    request: { params: caseId, body: json(api.TransitionBody) }, responses: ok('case'),
  });
  reg.registerPath({
    method: 'post', path: '/api/cases/{caseId}/hearings', summary: 'Schedule a hearing', security: secured,
    request: { params: caseId, body: json(api.ScheduleHearingBody) }, responses: created('hearing'),
  });
  reg.registerPath({
    method: 'post', path: '/api/cases/{caseId}/hearings/{hearingId}/links', summary: 'Issue a personal mediation link', security: secured,
    request: { params: z.object({ caseId: z.string(), hearingId: z.string() }), body: json(api.IssueLinkBody) }, responses: created('link'),
  });
  reg.registerPath({
    method: 'put', path: '/api/cases/{caseId}/hearings/{hearingId}/participants/{participantId}/language',
    summary: "Set a participant's spoken language and an interpreter's language pair, mode and served party", security: secured,
    request: { params: z.object({ caseId: z.string(), hearingId: z.string(), participantId: z.string() }), body: json(api.ParticipantLanguageBody) }, responses: ok('participant'),
  });
  reg.registerPath({
    method: 'post', path: '/api/cases/{caseId}/links/{linkId}/revoke', summary: 'Revoke a mediation link', security: secured,
    request: { params: z.object({ caseId: z.string(), linkId: z.string() }), body: json(api.RevokeLinkBody) }, responses: ok('link'),
  });
  reg.registerPath({
    method: 'post', path: '/api/cases/{caseId}/links/{linkId}/lockout/clear', summary: 'Clear a link\'s identity-check lockout', security: secured,
    request: { params: z.object({ caseId: z.string(), linkId: z.string() }), body: json(api.ClearLinkLockoutBody) }, responses: ok('link'),
  });
  reg.registerPath({ method: 'get', path: '/api/cases/{caseId}/audit', summary: 'Audit trail with its verification', security: secured, request: { params: caseId }, responses: ok('trail') });
  reg.registerPath({ method: 'get', path: '/api/cases/{caseId}/audit/verify', summary: 'Verify the audit chain', security: secured, request: { params: caseId }, responses: ok('verification') });
  reg.registerPath({ method: 'post', path: '/api/join/inspect', summary: 'What a mediation link is for', request: { body: json(api.InspectLinkBody) }, responses: ok('link inspection') });
  reg.registerPath({ method: 'post', path: '/api/join/verify', summary: 'Identity check for a mediation link', request: { body: json(api.VerifyIdentityBody) }, responses: ok('participant session') });
  reg.registerPath({ method: 'get', path: '/api/participant/me', summary: 'The participant session', security: secured, responses: ok('participant') });
  registerSigningPaths(reg, secured);
  const add = pathAdder(reg, secured);
  add('get', '/metrics', 'Prometheus metrics (HTTP, sign-ins, identity checks, sockets)', { public: true, produces: 'text/plain' });
  add('get', '/api/openapi.json', 'This document', { public: true });
  registerAgreementPaths(add);
  registerRecordingPaths(add);
  registerPrivacyPaths(add);

  return new OpenApiGeneratorV31(reg.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: 'Concord API', version: '1', description: 'Online labour-dispute mediation and video hearings' },
  });
}
