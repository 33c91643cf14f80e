/**
 * Error codes shared by the HTTP API, socket acknowledgements and the browser client.
 * One list, so a code means the same thing on every channel.
 */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'UNAUTHENTICATED',
  'TOKEN_EXPIRED',
  'TOKEN_REVOKED',
  'PERMISSION_DENIED',
  'NOT_FOUND',
  'INVALID_STATE',
  'CONFLICT',
  'IDENTITY_CHECK_FAILED',
  'RATE_LIMITED',
  // A staff account locked after repeated wrong passwords (details.retryAfterSeconds); even the right password waits.
  'ACCOUNT_LOCKED',
  /** A socket handshake beyond the caps per session or per address (try again once a socket closes). */
  'TOO_MANY_CONNECTIONS',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'UNAVAILABLE',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The one error body every HTTP error response carries. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

export const PROTOCOL_VERSION = 1;
