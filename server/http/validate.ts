import type { z } from 'zod';
import { ValidationError } from '../lib/errors.js';

/** Parses with a schema or throws VALIDATION_FAILED listing each problem with its path. */
export function parse<S extends z.ZodType>(schema: S, input: unknown, what = 'request body'): z.output<S> {
  const r = schema.safeParse(input ?? {});
  if (r.success) return r.data;
  throw new ValidationError(`${what} is invalid`, {
    issues: r.error.issues.map((i) => ({ path: i.path.map(String), message: i.message, code: i.code })),
  });
}
