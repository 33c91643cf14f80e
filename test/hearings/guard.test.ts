import { describe, expect, it } from 'vitest';
import { SocketGuard, TokenBucket, payloadBytes } from '../../signaling/gateway/guard.js';
import { MAX_MESSAGE_BYTES } from '../../signaling/protocol/hearing.js';

/** The gateway's per-socket limits, on a clock the test turns by hand. */
describe('gateway guard', () => {
  it('a token bucket passes its burst, then its rate', () => {
    let t = 0;
    const b = new TokenBucket(20, 40, () => t);
    expect(Array.from({ length: 45 }, () => b.take()).filter(Boolean)).toHaveLength(40);
    t += 100; // 100 ms at 20/s: two more
    expect([b.take(), b.take(), b.take()]).toEqual([true, true, false]);
    t += 60_000; // never more than the burst saved up
    expect(Array.from({ length: 50 }, () => b.take()).filter(Boolean)).toHaveLength(40);
  });

  it('limits a burst, then calls a client that keeps pushing abusive', () => {
    let t = 0;
    const g = new SocketGuard({ perSecond: 20, burst: 40, abuseBurst: 60, abusePerSecond: 2 }, () => t);
    const verdicts = Array.from({ length: 101 }, () => g.admit());
    expect(verdicts.slice(0, 40).every((v) => v === 'ok')).toBe(true);
    expect(verdicts.slice(40, 100).every((v) => v === 'limited')).toBe(true);
    expect(verdicts[100]).toBe('abusive');
  });

  it('a client that backs off after being limited is not abusive', () => {
    let t = 0;
    const g = new SocketGuard({ perSecond: 20, burst: 40, abuseBurst: 60, abusePerSecond: 2 }, () => t);
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 45; i++) expect(g.admit()).not.toBe('abusive');
      t += 3000;
    }
  });

  it('measures payloads without serialising them, binary by length, and stops early', () => {
    expect(payloadBytes({ to: 'all', text: '你好' })).toBeLessThan(40);
    expect(payloadBytes({ a: Buffer.alloc(40_000), b: Buffer.alloc(40_000) })).toBeGreaterThan(MAX_MESSAGE_BYTES);
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(payloadBytes(deep)).toBeGreaterThan(MAX_MESSAGE_BYTES);
  });
});
