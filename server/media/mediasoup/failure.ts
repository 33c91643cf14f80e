import { AppError } from '../../lib/errors.js';

/**
 * A router's death by its worker: set once, and calls in flight then reject as UNAVAILABLE (the hearing layer
 * places the hearing again). mediasoup rejects a dead worker's pending requests ("Channel closed") possibly before
 * the process exit is seen, so such an error waits a moment for the verdict.
 */
export class FailureGate {
  reason: string | null = null;
  private readonly waiters = new Set<() => void>();

  fail(reason: string): void {
    if (this.reason !== null) return;
    this.reason = reason;
    for (const w of this.waiters) w();
    this.waiters.clear();
  }

  async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof AppError && e.code !== 'INVALID_STATE') throw e;
      const channelGone = !(e instanceof AppError) && e instanceof Error && /closed/i.test(e.message);
      if (this.reason === null && channelGone) {
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            this.waiters.delete(done);
            resolve();
          };
          const timer = setTimeout(done, 2000);
          this.waiters.add(done);
        });
      }
      if (this.reason !== null) throw new AppError('UNAVAILABLE', `media router failed: ${this.reason}`);
      throw e;
    }
  }
}
