import type { ErrorCode } from '../../signaling/protocol/errors.js';

/** Base class: every error we raise on purpose carries a code from the shared protocol list. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  constructor(message: string, details?: unknown) {
    super('VALIDATION_FAILED', message, details);
  }
}
export class UnauthenticatedError extends AppError {
  constructor(message = 'authentication required', code: 'UNAUTHENTICATED' | 'TOKEN_EXPIRED' | 'TOKEN_REVOKED' = 'UNAUTHENTICATED') {
    super(code, message);
  }
}
export class PermissionDeniedError extends AppError {
  constructor(message = 'permission denied', details?: unknown) {
    super('PERMISSION_DENIED', message, details);
  }
}
export class NotFoundError extends AppError {
  constructor(what: string) {
    super('NOT_FOUND', `${what} not found`);
  }
}
export class InvalidStateError extends AppError {
  constructor(message: string, details?: unknown) {
    super('INVALID_STATE', message, details);
  }
}
export class ConflictError extends AppError {
  constructor(message: string, details?: unknown) {
    super('CONFLICT', message, details);
  }
}
export class IdentityCheckError extends AppError {
  constructor(message = 'identity data does not match', details?: unknown) {
    super('IDENTITY_CHECK_FAILED', message, details);
  }
}
export class RateLimitedError extends AppError {
  constructor(message = 'too many attempts, try again later', details?: unknown) {
    super('RATE_LIMITED', message, details);
  }
}

/** Too many wrong answers: `retryAfterSeconds` goes into the details and the Retry-After header. */
export class RetryLaterError extends AppError {
  constructor(code: 'RATE_LIMITED' | 'ACCOUNT_LOCKED', message: string, readonly retryAfterSeconds: number, details: Record<string, unknown> = {}) {
    super(code, message, { ...details, retryAfterSeconds });
  }
}
