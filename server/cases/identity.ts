import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Identity data is kept as a keyed hash (HMAC with the service secret) plus the last four characters for display:
 * enough to check what a party types at the join page, useless to someone who copies the database.
 */
export class IdentityHasher {
  constructor(private readonly secret: string) {}

  hashIdNumber(idNumber: string): string {
    return createHmac('sha256', this.secret).update(`id:${normaliseIdNumber(idNumber)}`).digest('hex');
  }

  matchesIdNumber(candidate: string, storedHash: string): boolean {
    const a = Buffer.from(this.hashIdNumber(candidate), 'hex');
    const b = Buffer.from(storedHash, 'hex');
    return a.length === b.length && timingSafeEqual(a, b);
  }
}

export function normaliseIdNumber(s: string): string {
  return s.replace(/[\s\-()（）]/g, '').toUpperCase();
}

/** Full-width to half-width, collapse spaces, case-fold: "陈 小明" and "陈小明", "Chan Tai Man" and "CHAN  TAI MAN" match. */
export function normaliseName(s: string): string {
  return s
    .normalize('NFKC')
    .replace(/[\s·・.]+/g, ' ')
    .trim()
    .toLowerCase()
    .replace(/(\p{Script=Han}) (?=\p{Script=Han})/gu, '$1');
}

export function last4(s: string): string {
  return normaliseIdNumber(s).slice(-4);
}
