import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';
import { PROTOCOL_VERSION, type ErrorCode } from '../protocol/errors.js';
import { AppError, InvalidStateError, PermissionDeniedError, UnauthenticatedError, ValidationError } from '../../server/lib/errors.js';
import type { PrincipalResolver } from '../../server/auth/principal.js';
import type { HearingService } from '../../server/cases/hearings.js';
import type { ParticipantIdentity } from '../../server/hearings/index.js';

export interface HandshakeDeps {
  /** The one resolver of credentials (server/auth/principal.ts). */
  principals: PrincipalResolver;
  hearings: HearingService;
  /** Origins allowed to connect: the service's own (public URL or listen address) and the configured CORS origins. */
  allowedOrigins: () => readonly string[];
}

/**
 * `hearingId` is optional: a client that names the hearing it means to join is refused when its token is for another
 * one, instead of landing in the token's hearing unawares.
 */
const Auth = z.object({
  // No length limit here: an oversized token is simply invalid (TokenService refuses it before parsing).
  token: z.string(),
  protocol: z.number(),
  hearingId: z.string().min(1).max(64).optional(),
});

/** Browsers omit Origin on same-origin GETs (socket.io's first polling request) and then say so in Sec-Fetch-Site. */
export function originAllowed(headers: IncomingHttpHeaders, allowed: readonly string[]): boolean {
  const origin = headers.origin;
  if (typeof origin === 'string') return allowed.includes(origin.replace(/\/+$/, ''));
  return headers['sec-fetch-site'] === 'same-origin';
}

/**
 * The handshake of `/hearing`: allowed origin, our protocol version, a participant session token whose link is still
 * active and names the same case, hearing, participant and role, and a hearing that is neither closed nor cancelled.
 */
export async function authenticate(handshake: { auth: unknown; headers: IncomingHttpHeaders }, deps: HandshakeDeps): Promise<ParticipantIdentity> {
  if (!originAllowed(handshake.headers, deps.allowedOrigins())) throw new PermissionDeniedError('connections from this origin are not allowed');
  const auth = Auth.safeParse(handshake.auth);
  if (!auth.success) throw new ValidationError('auth must be { token, protocol }');
  if (auth.data.protocol !== PROTOCOL_VERSION) {
    throw new ValidationError(`this server speaks hearing protocol ${PROTOCOL_VERSION}; reload the page`, { protocol: PROTOCOL_VERSION });
  }
  const { principal: p } = await deps.principals.participant(auth.data.token);
  if (auth.data.hearingId !== undefined && auth.data.hearingId !== p.hearingId) {
    throw new PermissionDeniedError('this session is for another hearing');
  }
  const hearing = await deps.hearings.get(p.caseId, p.hearingId);
  if (hearing.status === 'closed' || hearing.status === 'cancelled') throw new InvalidStateError(`the hearing is ${hearing.status}`);
  return { participantId: p.participantId, linkId: p.linkId, caseId: p.caseId, hearingId: p.hearingId, role: p.role };
}

/** socket.io hands `err.data` to the client's `connect_error`; the code is one of the shared ErrorCodes. */
export function handshakeError(err: unknown): Error & { data: { code: ErrorCode; message: string } } {
  const known = err instanceof AppError ? err : undefined;
  const code: ErrorCode = known?.code ?? 'INTERNAL';
  const message = known?.message ?? 'internal error';
  return Object.assign(new Error(message), { data: { code, message } });
}
