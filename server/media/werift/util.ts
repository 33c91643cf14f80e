import { randomBytes } from 'node:crypto';

/** Runs async operations one after another (SDP negotiation must not interleave on one peer connection). */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

export function shortId(prefix: string): string {
  return `${prefix}_${randomBytes(9).toString('base64url')}`;
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
