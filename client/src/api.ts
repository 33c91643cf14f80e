import type {
  AuditTrail, CaseListResult, CaseView, CreateCaseBody, HearingView, LinkInspection, LinkView, LoginBody, LoginResult,
  MetaView, OrganisationView, ParticipantSession, ScheduleHearingBody, StaffView, TransitionBody, VerifyIdentityBody,
  IssueLinkBody, LogoutAllResult, HearingParticipantView, ParticipantLanguageBody,
} from '../../signaling/protocol/api.js';
import type { CaseStatus } from '../../signaling/protocol/domain.js';
import type { RetentionScheduleBody, RetentionScheduleView } from '../../signaling/protocol/privacy.js';
import { ERROR_CODES, type ErrorCode } from '../../signaling/protocol/errors.js';
import { getParticipantSession, getStaffSession } from './session.js';

/** Codes the client adds for failures that never reached (or never came back from) the server. */
export type ClientErrorCode = ErrorCode | 'NETWORK' | 'BAD_RESPONSE';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ClientErrorCode,
    message: string,
    readonly details?: unknown,
    /** Seconds, from a Retry-After header (rate limiting). */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type Auth = 'staff' | 'participant' | 'none';

let unauthorizedHandler: ((err: ApiError) => void) | null = null;
/** Called when a staff request comes back 401: the app clears the session and shows the login view. */
export function onStaffUnauthorized(handler: (err: ApiError) => void): void {
  unauthorizedHandler = handler;
}

function isErrorCode(v: unknown): v is ErrorCode {
  return typeof v === 'string' && (ERROR_CODES as readonly string[]).includes(v);
}

function fallbackCode(status: number): ClientErrorCode {
  if (status === 400 || status === 422) return 'VALIDATION_FAILED';
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'PERMISSION_DENIED';
  if (status === 404) return 'NOT_FOUND';
  if (status === 409) return 'CONFLICT';
  if (status === 413) return 'PAYLOAD_TOO_LARGE';
  if (status === 429) return 'RATE_LIMITED';
  if (status === 503 || status === 502 || status === 504) return 'UNAVAILABLE';
  return status >= 500 ? 'INTERNAL' : 'BAD_RESPONSE';
}

/** `quiet`: a 401 is the caller's to handle (the staff session is not ended for it). */
async function request<T>(method: string, path: string, opts: { body?: unknown; auth?: Auth; signal?: AbortSignal; quiet?: boolean } = {}): Promise<T> {
  const auth = opts.auth ?? 'staff';
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  const token = auth === 'staff' ? getStaffSession()?.token : auth === 'participant' ? getParticipantSession()?.token : undefined;
  if (token) headers.Authorization = `Bearer ${token}`;

  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'NETWORK', e instanceof Error ? e.message : 'network error');
  }

  const text = await res.text();
  let json: unknown = undefined;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }

  if (!res.ok) {
    const body = (json as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
    const code = isErrorCode(body?.code) ? body.code : fallbackCode(res.status);
    const message = typeof body?.message === 'string' ? body.message : `${res.status} ${res.statusText}`;
    const ra = Number(res.headers.get('Retry-After'));
    const err = new ApiError(res.status, code, message, body?.details, Number.isFinite(ra) && ra > 0 ? ra : undefined);
    if (res.status === 401 && auth === 'staff' && token && !opts.quiet) unauthorizedHandler?.(err);
    throw err;
  }
  if (json === undefined && text) throw new ApiError(res.status, 'BAD_RESPONSE', 'the server answered with something that is not JSON');
  return json as T;
}

const enc = encodeURIComponent;

export const api = {
  login: (body: LoginBody) => request<LoginResult>('POST', '/api/auth/login', { body, auth: 'none' }),
  me: () => request<{ staff: StaffView; organisation: OrganisationView }>('GET', '/api/auth/me'),
  // Sign-out ends the session on the server; a 401 (already ended) is the caller's, not a "session ended" bounce.
  logout: () => request<void>('POST', '/api/auth/logout', { body: {}, quiet: true }),
  logoutAll: () => request<LogoutAllResult>('POST', '/api/auth/logout-all', { body: {}, quiet: true }),
  meta: () => request<MetaView>('GET', '/api/meta', { auth: 'none' }),
  staff: () => request<{ items: StaffView[] }>('GET', '/api/staff'),

  listCases: (q: { q?: string; status?: CaseStatus | ''; limit: number; offset: number }, signal?: AbortSignal) => {
    const sp = new URLSearchParams();
    if (q.q) sp.set('q', q.q);
    if (q.status) sp.set('status', q.status);
    sp.set('limit', String(q.limit));
    sp.set('offset', String(q.offset));
    return request<CaseListResult>('GET', `/api/cases?${sp.toString()}`, { signal });
  },
  createCase: (body: CreateCaseBody) => request<CaseView>('POST', '/api/cases', { body }),
  getCase: (id: string) => request<CaseView>('GET', `/api/cases/${enc(id)}`),
  transition: (id: string, body: TransitionBody) => request<CaseView>('POST', `/api/cases/${enc(id)}/transitions`, { body }),
  scheduleHearing: (id: string, body: ScheduleHearingBody) =>
    request<HearingView>('POST', `/api/cases/${enc(id)}/hearings`, { body }),
  issueLink: (caseId: string, hearingId: string, body: IssueLinkBody) =>
    request<LinkView>('POST', `/api/cases/${enc(caseId)}/hearings/${enc(hearingId)}/links`, { body }),
  setParticipantLanguage: (caseId: string, hearingId: string, participantId: string, body: ParticipantLanguageBody) =>
    request<HearingParticipantView>('PUT', `/api/cases/${enc(caseId)}/hearings/${enc(hearingId)}/participants/${enc(participantId)}/language`, { body }),
  revokeLink: (caseId: string, linkId: string, reason?: string) =>
    request<LinkView>('POST', `/api/cases/${enc(caseId)}/links/${enc(linkId)}/revoke`, { body: reason ? { reason } : {} }),
  clearLinkLockout: (caseId: string, linkId: string) =>
    request<LinkView>('POST', `/api/cases/${enc(caseId)}/links/${enc(linkId)}/lockout/clear`, { body: {} }),
  audit: (caseId: string) => request<AuditTrail>('GET', `/api/cases/${enc(caseId)}/audit`),

  inspectLink: (token: string) => request<LinkInspection>('POST', '/api/join/inspect', { body: { token }, auth: 'none' }),
  // A signed-in staff member's own link: the staff session goes along; its 401 (expired) stays on the join page.
  verifyIdentity: (body: VerifyIdentityBody) =>
    request<ParticipantSession>('POST', '/api/join/verify', { body, auth: 'signedIn' in body ? 'staff' : 'none', quiet: true }),
  // Personal data and retention (issue 12): the organisation's schedule (org_admin).
  getRetention: (orgId: string) => request<RetentionScheduleView>('GET', `/api/orgs/${enc(orgId)}/retention`),
  setRetention: (orgId: string, body: RetentionScheduleBody) => request<RetentionScheduleView>('PUT', `/api/orgs/${enc(orgId)}/retention`, { body }),
  participantMe: () =>
    request<Pick<ParticipantSession, 'participant' | 'caseNumber' | 'hearing'>>('GET', '/api/participant/me', { auth: 'participant' }),
};
