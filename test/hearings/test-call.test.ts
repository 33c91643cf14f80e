import { describe, expect, it } from 'vitest';
import { TestCalls, echoIdOf } from '../../server/hearings/test-call.js';
import { createLogger } from '../../server/lib/logger.js';
import { verdictOf, type EchoSample } from '../../client/src/room/echo.js';
import { FakeMediaEngine } from './fake-media.js';

/**
 * The test call's limits and its echo, against the fake SFU (the real one in Chromium: test/e2e/test-call.test.ts),
 * and the client's verdict from receive-side samples.
 */
const log = createLogger('silent');

describe('test calls', () => {
  it('one per participant at a time, on a router of its own; the echo is a second participant id', async () => {
    const engine = new FakeMediaEngine();
    const calls = new TestCalls({ engine, log });
    await calls.start('p1', 'sock1');
    await expect(calls.start('p1', 'sock2')).rejects.toMatchObject({ code: 'INVALID_STATE' });
    expect(await calls.publish('p1', 'v=0 offer', { a: 'microphone' })).toEqual({ sdp: 'v=0 answer for p1' });
    expect(await calls.receive('p1')).toEqual({ sdp: `v=0 offer for ${echoIdOf('p1')}` });
    await calls.answer('p1', 'v=0 answer');
    const [router] = engine.routers;
    expect(router!.calls.map((c) => [c.method, c.args[0]])).toEqual([['publish', 'p1'], ['subscribe', 'p1:echo'], ['answerSubscriber', 'p1:echo']]);
    // A disconnect of another socket of the same person leaves it; the starting socket's ends it and closes the router.
    calls.disconnected('p1', 'sock2');
    expect(calls.open).toBe(1);
    calls.disconnected('p1', 'sock1');
    await expect.poll(() => router!.closed).toBe(true);
    expect(calls.open).toBe(0);
    await expect(calls.publish('p1', 'v=0 offer', {})).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await calls.start('p1', 'sock1');
    await calls.stop('p1');
    expect(engine.routers.every((r) => r.closed)).toBe(true);
  });

  it('the router is closed after the time limit; the process holds at most maxOpen calls', async () => {
    const engine = new FakeMediaEngine();
    const calls = new TestCalls({ engine, log, limitMs: 300, maxOpen: 2 });
    await calls.start('a', 's');
    await calls.start('b', 's');
    await expect(calls.start('c', 's')).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    await expect.poll(() => engine.routers.filter((r) => !r.closed).length, { timeout: 10_000 }).toBe(0);
    expect(calls.open).toBe(0);
    await calls.start('c', 's');
    await calls.close();
    expect(engine.routers.every((r) => r.closed)).toBe(true);
  });

  it('without an engine: UNAVAILABLE', async () => {
    await expect(new TestCalls({ engine: undefined, log }).start('p', 's')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });
});

describe('test call verdict', () => {
  const at = (t: number, packets: number, lost: number, bytes: number, rttMs: number | null = 20): EchoSample => ({ at: t, packets, lost, bytes, rttMs });
  it('good, weak (loss, delay, bitrate), blocked', () => {
    expect(verdictOf(at(0, 10, 0, 1000), at(3000, 300, 0, 120_000), true)).toMatchObject({ verdict: 'good', lossPct: 0, kbps: 317 });
    expect(verdictOf(at(0, 10, 0, 1000), at(3000, 270, 30, 120_000), true)).toMatchObject({ verdict: 'weak', reason: 'loss', lossPct: 10.3 });
    expect(verdictOf(at(0, 10, 0, 1000), at(3000, 300, 0, 120_000, 500), true)).toMatchObject({ verdict: 'weak', reason: 'rtt' });
    expect(verdictOf(at(0, 10, 0, 1000), at(3000, 300, 0, 20_000), true)).toMatchObject({ verdict: 'weak', reason: 'bitrate' });
    expect(verdictOf(at(0, 10, 0, 1000), at(3000, 150, 0, 20_000), false)).toMatchObject({ verdict: 'good' });
    expect(verdictOf(null, null, true)).toMatchObject({ verdict: 'blocked', reason: 'no_media' });
    expect(verdictOf(null, null, true, true)).toMatchObject({ verdict: 'blocked', reason: 'ice_failed' });
  });
});
