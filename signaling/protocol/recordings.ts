import { z } from 'zod';

/**
 * HTTP bodies of the hearing record (笔录) in the case file (routes of server/http/routes/recordings.ts); the server
 * validates with these and /api/openapi.json is generated from them.
 */
export const RecordLines = z.strictObject({
  lines: z.array(z.strictObject({ text: z.string().max(4000), atMs: z.number().int().min(0).max(86_400_000).optional() })).max(2000),
});
/** The clerk saves the record; `submit` sends it out for the parties' review. */
export const SaveRecordBody = RecordLines.extend({ submit: z.boolean().optional() });
/** A party confirms or objects to the version it read (its SHA-256). */
export const SignoffBody = z.strictObject({ decision: z.enum(['confirmed', 'objected']), comment: z.string().trim().max(2000).optional(), sha256: z.string().regex(/^[0-9a-f]{64}$/) });
