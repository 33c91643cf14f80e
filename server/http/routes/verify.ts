import express, { Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { AppError, ValidationError } from '../../lib/errors.js';
import { MAX_VERIFY_BYTES, type DocumentService } from '../../documents/index.js';
import { LIMITER_CHECKS, route, type HttpDeps } from '../context.js';
import { errorBody } from '../errors.js';

export type VerifyDeps = HttpDeps & { documents: DocumentService };

/**
 * `POST /api/verify`: public (no sign-in), the body is the PDF itself (`Content-Type: application/pdf`, at most
 * MAX_VERIFY_BYTES). Answers the verification report: each signature (signer, certificate, time, valid or not, what
 * changed after it) and whether the document changed after signing. Mounted before the JSON-only API router, with its
 * own body limit; rate-limited per client address because verification costs CPU.
 */
export function verifyRouter(deps: VerifyDeps): Router {
  const r = Router();
  const limiter = rateLimit({
    validate: LIMITER_CHECKS,
    windowMs: 60_000,
    limit: 30,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (_req, res) => {
      res.status(429).json(errorBody('RATE_LIMITED', 'too many verifications; wait a minute'));
    },
  });
  const body = express.raw({ type: () => true, limit: MAX_VERIFY_BYTES });
  r.post(
    '/',
    limiter,
    (req, _res, next) => {
      if (!req.is('application/pdf') && !req.is('application/octet-stream')) {
        next(new AppError('UNSUPPORTED_MEDIA_TYPE', 'send the PDF as the request body with Content-Type: application/pdf'));
        return;
      }
      next();
    },
    body,
    route(async (req, res) => {
      const bytes = req.body as unknown;
      if (!Buffer.isBuffer(bytes) || bytes.length === 0) throw new ValidationError('the request body is empty: send the PDF file');
      if (bytes.subarray(0, 1024).indexOf('%PDF-') < 0) throw new ValidationError('the file is not a PDF');
      const report = await deps.documents.verify(bytes);
      res.setHeader('Cache-Control', 'no-store');
      res.json(report);
    }),
  );
  return r;
}
