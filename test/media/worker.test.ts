import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWeriftEngine, type WorkerPoolEngine } from '../../server/media/index.js';
import type { RouterProxy } from '../../server/media/worker/router-proxy.js';

/**
 * werift worker pool internals: the IPC surface of a router. What every engine must do (placement, a killed worker,
 * hostile SDP, close) is in test/media/contract/.
 */
let engine: WorkerPoolEngine;

beforeAll(async () => {
  engine = createWeriftEngine({ workers: 1, requestTimeoutMs: 10_000 });
  await engine.ready();
});

afterAll(async () => {
  await engine?.close();
});

describe('werift media worker IPC', () => {
  it('only the listed router methods are callable over IPC, not whatever else the router object has', async () => {
    const r = (await engine.createRouter('hearing-ipc')) as RouterProxy;
    const pids = engine.stats().workers.map((w) => w.pid);
    const rawCall = (r as unknown as { call(m: string, ...a: unknown[]): Promise<unknown> }).call.bind(r);
    for (const m of ['on', 'emit', 'constructor', 'load', '__proto__']) await expect(rawCall(m)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(r.answerSubscriber('nobody', 'v=0\r\n')).rejects.toThrow();
    expect(engine.stats().workers.map((w) => w.pid)).toEqual(pids);
    expect(engine.stats().workers.every((w) => w.alive)).toBe(true);
    expect((await rawCall('forwardingTable')) as unknown[]).toEqual([]);
  });
});
