import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { ErrorBody, ErrorCode } from '../../signaling/protocol/errors.js';
import { AppError, RetryLaterError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';

/** The one mapping from error code to HTTP status. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  TOKEN_EXPIRED: 401,
  TOKEN_REVOKED: 401,
  IDENTITY_CHECK_FAILED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  INVALID_STATE: 409,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  ACCOUNT_LOCKED: 429,
  TOO_MANY_CONNECTIONS: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
};

export function errorBody(code: ErrorCode, message: string, details?: unknown): ErrorBody {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}

/** Errors thrown by body-parser carry a `type`; translate them before they look like server faults. */
function fromParser(err: unknown): AppError | undefined {
  const e = err as { type?: string; status?: number };
  if (e?.type === 'entity.too.large') return new AppError('PAYLOAD_TOO_LARGE', 'request body is too large');
  if (e?.type === 'entity.parse.failed') return new AppError('VALIDATION_FAILED', 'request body is not valid JSON');
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') return new AppError('UNSUPPORTED_MEDIA_TYPE', 'unsupported body encoding');
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return new AppError('VALIDATION_FAILED', 'bad request');
  return undefined;
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const known = err instanceof AppError ? err : fromParser(err);
    if (known) {
      if (known instanceof RetryLaterError) res.setHeader('Retry-After', String(Math.max(1, Math.ceil(known.retryAfterSeconds))));
      res.status(HTTP_STATUS[known.code]).json(errorBody(known.code, known.message, known.details));
      return;
    }
    log.error({ err, path: req.path }, 'unhandled error');
    res.status(500).json(errorBody('INTERNAL', 'internal error'));
  };
}

export const notFoundHandler: RequestHandler = (req, res) => {
  res.status(404).json(errorBody('NOT_FOUND', `no route for ${req.method} ${req.path}`));
};

/** POST bodies must be JSON: a form post or text body is refused instead of being read as an empty object. */
export const requireJson: RequestHandler = (req, _res, next) => {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if ((req.method === 'POST' || req.method === 'PUT' || req.method === 'PATCH') && hasBody && !req.is('application/json')) {
    next(new AppError('UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json'));
    return;
  }
  next();
};
