import { MAX_MESSAGE_BYTES } from '../protocol/hearing.js';

/** A token bucket: `rate` tokens a second, at most `burst` saved up. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.last = now();
  }

  take(): boolean {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.rate);
    this.last = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export interface RateLimitOptions {
  /** Messages a second a socket may send, and how many it may save up. */
  perSecond: number;
  burst: number;
  /** Refused messages a socket may send (at `abusePerSecond` sustained) before it is disconnected. */
  abuseBurst: number;
  abusePerSecond: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { perSecond: 20, burst: 40, abuseBurst: 60, abusePerSecond: 2 };

/**
 * Per socket: within the rate, messages pass; above it they are refused with RATE_LIMITED; a client that keeps
 * sending into a full limit is not confused but abusive, and is disconnected (its own socket only).
 */
export class SocketGuard {
  private readonly messages: TokenBucket;
  private readonly refusals: TokenBucket;

  constructor(opts: RateLimitOptions, now?: () => number) {
    this.messages = new TokenBucket(opts.perSecond, opts.burst, now);
    this.refusals = new TokenBucket(opts.abusePerSecond, opts.abuseBurst, now);
  }

  /** 'ok', 'limited' (answer RATE_LIMITED) or 'abusive' (disconnect). */
  admit(): 'ok' | 'limited' | 'abusive' {
    if (this.messages.take()) return 'ok';
    return this.refusals.take() ? 'limited' : 'abusive';
  }
}

/**
 * Size of a decoded payload in bytes, without serialising it: strings by UTF-8 length, binary attachments by their
 * length, plus a byte per structural element. Iterative, so a deeply nested payload cannot blow the stack; stops
 * counting as soon as `limit` is passed.
 */
export function payloadBytes(value: unknown, limit = MAX_MESSAGE_BYTES): number {
  let total = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0 && total <= limit) {
    const v = stack.pop();
    if (typeof v === 'string') total += Buffer.byteLength(v) + 2;
    else if (v instanceof ArrayBuffer || ArrayBuffer.isView(v)) total += v.byteLength;
    else if (Array.isArray(v)) {
      total += 2;
      for (const x of v) stack.push(x);
    } else if (v !== null && typeof v === 'object') {
      total += 2;
      for (const [k, x] of Object.entries(v)) {
        total += Buffer.byteLength(k) + 3;
        stack.push(x);
      }
    } else total += 8;
  }
  return total;
}
