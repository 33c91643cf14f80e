import type { Express } from 'express';
import type { Action } from '../../server/auth/policy.js';
import type { RequestName } from '../../signaling/protocol/hearing.js';
import type { PadRequestName } from '../../signaling/protocol/pad.js';

/** The ids a probe's path is built from: the case under test (own or other) and its hearing, link, agreement, recording. */
export interface Target { caseId: string; hearingId: string; linkId: string; agreementId: string; recordingId: string; jointFileId: string; caucusFileId: string }

/** Which facts of the target the expected answer uses besides the case: the hearing, or the caucus file's material. */
export type Facts = 'case' | 'hearing' | 'caucus_file' | 'no_case' | 'case_list';

export type HttpEntry =
  | {
      action: Action; facts?: Facts; method: string; path: (t: Target) => string; body?: unknown; only?: 'own';
      /** The route names no case: it serves the case of a participant session, so a staff session is no credential for it (401). */
      participantSession?: true;
    }
  /** Mapped to its action, but tried elsewhere (why: the state it needs, and the test that tries it). */
  | { action: Action; elsewhere: string }
  /** Touches no case data: the reason. */
  | { exempt: string };

const c = (t: Target) => `/api/cases/${t.caseId}`;
const rec = (t: Target) => `/api/cases/${t.caseId}/recordings/${t.recordingId}`;
// Bodies that are invalid on purpose: whoever passes the policy gets 400, so nothing is changed by the probe.
const BAD = { bogus: 1 };

/** Every mounted route -> the policy action it asks (keys as the route walk writes them). */
export const HTTP_REGISTRY: Record<string, HttpEntry> = {
  'GET /healthz': { exempt: 'liveness, no data' },
  'GET /readyz': { exempt: 'readiness, no data' },
  'GET /metrics': { exempt: 'process metrics, no case data' },
  'GET /api/openapi.json': { exempt: 'the API description' },
  'GET /api/meta': { exempt: 'the shared vocabulary (sites, dispute types)' },
  'GET /api/staff': { exempt: "the signed-in staff member's own organisation roster, no case data" },
  'POST /api/auth/login': { exempt: 'signing in' },
  'GET /api/auth/me': { exempt: "the caller's own account" },
  'POST /api/auth/logout': { exempt: "the caller's own session" },
  'POST /api/auth/logout-all': { exempt: "the caller's own sessions" },
  'POST /api/verify': { exempt: 'checks an uploaded PDF, reads no case' },
  'GET /api/agreements/templates/{language}': { exempt: 'the public template text' },
  'GET /api/signing/documents/{file}': { exempt: 'the URL signature issued by signing.read is the permission' },
  'POST /api/join/inspect': { action: 'link.use', elsewhere: 'the link token travels in the body: test/integration/links.test.ts' },
  'POST /api/join/verify': { action: 'link.use', elsewhere: 'the link token travels in the body: test/integration/links.test.ts, link-lockout.test.ts' },
  'GET /api/participant/me': { action: 'hearing.join', facts: 'hearing', method: 'GET', path: () => '/api/participant/me', only: 'own' },

  'GET /api/cases': { action: 'case.read', facts: 'case_list', method: 'GET', path: () => '/api/cases' },
  'POST /api/cases': { action: 'case.create', facts: 'no_case', method: 'POST', path: () => '/api/cases', body: BAD, only: 'own' },
  'GET /api/cases/{caseId}': { action: 'case.read', method: 'GET', path: c },
  'POST /api/cases/{caseId}/transitions': { action: 'case.transition', method: 'POST', path: (t) => `${c(t)}/transitions`, body: BAD },
  'POST /api/cases/{caseId}/hearings': { action: 'case.schedule', method: 'POST', path: (t) => `${c(t)}/hearings`, body: BAD },
  'PUT /api/cases/{caseId}/hearings/{hearingId}/participants/{participantId}/language': {
    action: 'hearing.languages', method: 'PUT', path: (t) => `${c(t)}/hearings/${t.hearingId}/participants/nobody/language`, body: BAD,
  },
  'POST /api/cases/{caseId}/hearings/{hearingId}/links': { action: 'link.issue', method: 'POST', path: (t) => `${c(t)}/hearings/${t.hearingId}/links`, body: BAD },
  'POST /api/cases/{caseId}/links/{linkId}/revoke': { action: 'link.revoke', method: 'POST', path: (t) => `${c(t)}/links/${t.linkId}/revoke`, body: BAD },
  'POST /api/cases/{caseId}/links/{linkId}/lockout/clear': { action: 'link.unlock', method: 'POST', path: (t) => `${c(t)}/links/${t.linkId}/lockout/clear`, body: BAD },
  'GET /api/cases/{caseId}/audit': { action: 'audit.read', method: 'GET', path: (t) => `${c(t)}/audit` },
  'GET /api/cases/{caseId}/audit/verify': { action: 'audit.read', method: 'GET', path: (t) => `${c(t)}/audit/verify` },

  'GET /api/cases/{caseId}/recordings': { action: 'recording.list', method: 'GET', path: (t) => `${c(t)}/recordings` },
  'POST /api/cases/{caseId}/caucus-items/{itemId}/release': { action: 'caucus.release', elsewhere: 'needs a held caucus with recorded material: test/court/caucus-package.test.ts (release rules)' },
  'GET /api/orgs/{orgId}/retention': { action: 'retention.manage', elsewhere: 'names an organisation, not a case: test/integration/retention.test.ts (own org, other org, roles)' },
  'PUT /api/orgs/{orgId}/retention': { action: 'retention.manage', elsewhere: 'names an organisation, not a case: test/integration/retention.test.ts (own org, other org, roles)' },
  'GET /api/cases/{caseId}/my-data.zip': { action: 'data.export', elsewhere: 'needs recorded material of the person: test/integration/retention.test.ts (own case, other case)' },
  'GET /api/cases/{caseId}/participants/{participantId}/export.zip': { action: 'data.export', elsewhere: 'needs recorded material of the person: test/integration/retention.test.ts (org_admin, other case)' },
  'GET /api/cases/{caseId}/recordings/verify': { action: 'recording.verify', method: 'GET', path: (t) => `${c(t)}/recordings/verify` },
  'GET /api/cases/{caseId}/recordings/{recordingId}/files/{fileId}': { action: 'recording.read', facts: 'caucus_file', method: 'GET', path: (t) => `${rec(t)}/files/${t.caucusFileId}` },
  'GET /api/cases/{caseId}/recordings/{recordingId}/timeline': { action: 'recording.list', method: 'GET', path: (t) => `${rec(t)}/timeline` },
  'GET /api/cases/{caseId}/recordings/{recordingId}/transcript': { action: 'recording.list', method: 'GET', path: (t) => `${rec(t)}/transcript` },
  'GET /api/cases/{caseId}/recordings/{recordingId}/transcript.vtt': { action: 'recording.list', method: 'GET', path: (t) => `${rec(t)}/transcript.vtt` },
  'GET /api/cases/{caseId}/recordings/{recordingId}/record-draft': { action: 'record.write', method: 'GET', path: (t) => `${rec(t)}/record-draft` },
  'POST /api/cases/{caseId}/recordings/{recordingId}/jobs': { action: 'recording.process', method: 'POST', path: (t) => `${rec(t)}/jobs` },
  'GET /api/cases/{caseId}/hearings/{hearingId}/record': { action: 'record.read', method: 'GET', path: (t) => `${c(t)}/hearings/${t.hearingId}/record` },
  'PUT /api/cases/{caseId}/hearings/{hearingId}/record': { action: 'record.write', method: 'PUT', path: (t) => `${c(t)}/hearings/${t.hearingId}/record`, body: BAD },
  'POST /api/cases/{caseId}/hearings/{hearingId}/record/signoff': { action: 'record.sign', method: 'POST', path: (t) => `${c(t)}/hearings/${t.hearingId}/record/signoff`, body: BAD },

  'GET /api/cases/{caseId}/agreements': { action: 'pad.read', method: 'GET', path: (t) => `${c(t)}/agreements` },
  'POST /api/cases/{caseId}/agreements': { action: 'pad.manage', method: 'POST', path: (t) => `${c(t)}/agreements`, body: BAD },
  'GET /api/agreements/{agreementId}': { action: 'pad.read', method: 'GET', path: (t) => `/api/agreements/${t.agreementId}` },
  'GET /api/agreements/{agreementId}/versions': { action: 'pad.read', method: 'GET', path: (t) => `/api/agreements/${t.agreementId}/versions` },
  'GET /api/agreements/{agreementId}/changes': { action: 'pad.read', method: 'GET', path: (t) => `/api/agreements/${t.agreementId}/changes` },
  'GET /api/agreements/{agreementId}/attribution': { action: 'pad.read', method: 'GET', path: (t) => `/api/agreements/${t.agreementId}/attribution` },
  'GET /api/agreements/{agreementId}/locked': { action: 'pad.read', method: 'GET', path: (t) => `/api/agreements/${t.agreementId}/locked` },
  'GET /api/agreements/{agreementId}/diff': { action: 'pad.read', elsewhere: 'needs two named versions: test/pad/agreements.test.ts' },
  'POST /api/agreements/{agreementId}/fields': { action: 'pad.edit', elsewhere: 'asked inside the pad service after the body is read: test/pad/rejections.test.ts' },
  'POST /api/agreements/{agreementId}/versions': { action: 'pad.manage', elsewhere: 'asked inside the pad service: test/pad/agreements.test.ts' },
  'POST /api/agreements/{agreementId}/lock': { action: 'pad.manage', elsewhere: 'asked inside the pad service: test/pad/agreements.test.ts' },
  'POST /api/agreements/{agreementId}/unlock': { action: 'pad.manage', elsewhere: 'asked inside the pad service: test/pad/agreements.test.ts' },
  'POST /api/agreements/{agreementId}/clerk-edit': { action: 'pad.manage', elsewhere: 'asked inside the pad service: test/pad/agreements.test.ts' },

  'GET /api/signing/cases/{caseId}': { action: 'signing.read', method: 'GET', path: (t) => `/api/signing/cases/${t.caseId}` },
  'GET /api/signing/mine': { action: 'signing.read', method: 'GET', path: () => '/api/signing/mine', only: 'own', participantSession: true },
  'POST /api/signing/cases/{caseId}/confirmation': { action: 'confirmation.request', method: 'POST', path: (t) => `/api/signing/cases/${t.caseId}/confirmation`, body: BAD },
  'GET /api/signing/agreements/{agreementId}': { action: 'signing.read', elsewhere: 'needs an agreement locked for signature: test/signing/ceremony.test.ts' },
  'GET /api/signing/agreements/{agreementId}/preview.pdf': { action: 'signing.read', elsewhere: 'needs an agreement locked for signature: test/e2e/documents.test.ts (pdftotext of the preview)' },
  'POST /api/signing/agreements/{agreementId}/otp': { action: 'signing.sign', elsewhere: 'test/signing/ceremony.test.ts' },
  'POST /api/signing/agreements/{agreementId}/sign': { action: 'signing.sign', elsewhere: 'test/signing/ceremony.test.ts' },
  'POST /api/signing/agreements/{agreementId}/signers': { action: 'signing.manage', elsewhere: 'test/signing/ceremony.test.ts' },
  'POST /api/signing/agreements/{agreementId}/seal': { action: 'signing.manage', elsewhere: 'test/signing/ceremony.test.ts' },
  'GET /api/court/queue': { action: 'court.queue', facts: 'no_case', method: 'GET', path: () => '/api/court/queue', only: 'own' },
  'GET /api/court/requests/{id}': { action: 'court.review', elsewhere: 'needs an effective agreement: test/court/court.test.ts' },
  'POST /api/court/requests/{id}/ruling-preview': { action: 'court.decide', elsewhere: 'needs an effective agreement: test/e2e/documents.test.ts (the judge previews, a mediator gets 403)' },
  'POST /api/court/requests/{id}/confirm': { action: 'court.decide', elsewhere: 'test/court/court.test.ts' },
  'POST /api/court/requests/{id}/reject': { action: 'court.decide', elsewhere: 'test/court/court.test.ts' },
};

/** Every hearing-namespace event -> its action, and a payload that changes nothing when allowed (or `null`: not sent). */
export const HEARING_REGISTRY: Record<RequestName, { action: Action; payload: unknown | null }> = {
  'hearing.join': { action: 'hearing.join', payload: {} },
  'outbox.ack': { action: 'hearing.join', payload: null },
  'consent.set': { action: 'consent.give', payload: null },
  'hearing.leave': { action: 'hearing.join', payload: null },
  'hearing.lock': { action: 'hearing.lock', payload: { locked: false } },
  'hearing.end': { action: 'hearing.end', payload: null },
  'lobby.admit': { action: 'hearing.admit', payload: { participantId: 'nobody' } },
  'lobby.deny': { action: 'hearing.deny', payload: { participantId: 'nobody' } },
  'lobby.sendBack': { action: 'hearing.admit', payload: { participantId: 'nobody' } },
  'participant.mute': { action: 'hearing.mute', payload: { participantId: 'nobody', kind: 'audio' } },
  'participant.askUnmute': { action: 'hearing.mute', payload: { participantId: 'nobody' } },
  'participant.remove': { action: 'hearing.remove', payload: { participantId: 'nobody' } },
  'self.update': { action: 'hearing.join', payload: { handRaised: false } },
  // Back to the floor, where everyone starts: changes nothing.
  'interpretation.listen': { action: 'interpretation.listen', payload: { channel: 'floor' } },
  'interpretation.mode': { action: 'interpretation.mode', payload: { participantId: 'nobody', mode: 'simultaneous' } },
  'chat.send': { action: 'chat.send', payload: { to: 'mediator', text: 'matrix' } },
  'caucus.start': { action: 'caucus.manage', payload: { participantIds: ['nobody'] } },
  'caucus.end': { action: 'caucus.manage', payload: { caucusId: 'nobody' } },
  'recording.start': { action: 'recording.control', payload: null },
  'recording.stop': { action: 'recording.control', payload: null },
  'recording.consent': { action: 'consent.give', payload: null },
  'recording.caucus': { action: 'recording.ask_caucus', payload: { caucusId: 'nobody' } },
  'captions.set': { action: 'captions.view', payload: { on: false } },
  'media.publish': { action: 'hearing.join', payload: null },
  'media.subscribe': { action: 'hearing.join', payload: null },
  'media.answer': { action: 'hearing.join', payload: null },
  'media.preferences': { action: 'hearing.join', payload: null },
  // Starting one costs a router per principal: tried in test/e2e/test-call.test.ts; a stop with none running changes nothing.
  'testCall.start': { action: 'hearing.testCall', payload: null },
  'testCall.publish': { action: 'hearing.testCall', payload: null },
  'testCall.receive': { action: 'hearing.testCall', payload: null },
  'testCall.answer': { action: 'hearing.testCall', payload: null },
  'testCall.stop': { action: 'hearing.testCall', payload: {} },
};

/** Every pad-namespace event -> its action (the handshake asks pad.read; each edit asks pad.edit in the pad service). */
export const PAD_REGISTRY: Record<PadRequestName, Action> = {
  'pad.sync': 'pad.read',
  'pad.update': 'pad.edit',
  'pad.awareness': 'pad.read',
};

interface StackLayer { rawPath?: unknown; route?: { path: unknown; methods: Record<string, boolean> }; handle?: { stack?: StackLayer[] } }

/** Every (METHOD, path) mounted on the express app, sub-routers included, `:id` written `{id}`. */
export function mountedRoutes(app: Express): string[] {
  const out: string[] = [];
  const walk = (stack: StackLayer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        if (typeof layer.route.path !== 'string') continue;
        for (const [m, on] of Object.entries(layer.route.methods)) if (on && m !== '_all') out.push(`${m.toUpperCase()} ${norm(prefix + layer.route.path)}`);
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack, prefix + (typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : ''));
      }
    }
  };
  walk((app as unknown as { router: { stack: StackLayer[] } }).router.stack, '');
  return [...new Set(out)].sort();
}
const norm = (p: string) => (p.length > 1 ? p.replace(/\/+$/, '') : p).replace(/:([A-Za-z0-9_]+)/g, '{$1}');
