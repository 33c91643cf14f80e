import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MediaEngine, MediaRouter } from '../../../server/media/engine.js';
import { Bot } from '../helpers/bot.js';
import { sleep, until } from '../helpers/wait.js';
import { engines } from './engines.js';
import { throwawayOffer } from './sdp.js';
import { processAlive } from '../../../server/lib/process.js';

/**
 * Engine contract, lifecycle: routers placed on the least loaded worker; a killed worker fails its routers (event,
 * pending calls rejected, later calls refused) and is replaced, and a new router forwards again; close() is safe
 * twice and calls after it fail fast; closing the engine ends its worker processes.
 */

describe.each(engines())('engine contract, lifecycle: $name', (c) => {
  let engine: MediaEngine;
  const bots: Bot[] = [];
  const routers: MediaRouter[] = [];
  let pids: number[] = [];

  async function flowing(router: MediaRouter, tag: string): Promise<void> {
    const a = new Bot(`${tag}-a`, { videoKbps: 300 });
    const b = new Bot(`${tag}-b`, { videoKbps: 300 });
    bots.push(a, b);
    await a.publish(router);
    a.start();
    await b.subscribe(router);
    await until(`${tag} media`, () => b.from(a.id, 'video') > 10 && b.from(a.id, 'audio') > 5, 20_000);
  }

  beforeAll(async () => {
    engine = await c.create(c.pool ? { workers: 2 } : {});
  });

  afterAll(async () => {
    await Promise.allSettled(bots.map((b) => b.close()));
    await Promise.allSettled(routers.map((r) => r.close()));
    pids = engine?.stats().workers.map((w) => w.pid) ?? [];
    await engine?.close();
    await engine?.close(); // safe twice
    if (c.pool) for (const pid of pids) await until(`worker ${pid} gone`, () => !processAlive(pid), 10_000);
  });

  it.skipIf(!c.pool)('places hearings on the least loaded worker', async () => {
    routers.push(await engine.createRouter('hearing-1'));
    const first = engine.stats().workers.find((w) => w.routers === 1)!;
    routers.push(await engine.createRouter('hearing-2'));
    const load = engine.stats().workers.map((w) => w.routers);
    expect(load.sort()).toEqual([1, 1]);
    expect(engine.stats().workers.find((w) => w.pid === first.pid)?.routers).toBe(1);
    pids = [first.pid];
  });

  it.skipIf(!c.pool)('a worker killed mid-call: its router emits failed, pending calls reject, the others go on, a new router forwards', async () => {
    const [victimRouter, other] = routers as [MediaRouter, MediaRouter];
    const victim = pids[0]!;
    const failed: string[] = [];
    for (const r of routers) r.on('failed', (reason) => failed.push(`${r.hearingId}: ${reason}`));
    await flowing(other, 'survivor');
    const { sdp, sources } = await throwawayOffer(['video']);
    const pending = victimRouter.publish('late-comer', sdp, sources);
    const pendingTable = victimRouter.forwardingTable();
    process.kill(victim, 'SIGKILL');
    // Either call may have been answered before the kill landed; one not answered must reject as UNAVAILABLE.
    for (const call of [pending, pendingTable] as Promise<unknown>[]) {
      const err = await call.then(() => null, (e: unknown) => e);
      if (err) expect(err).toMatchObject({ code: 'UNAVAILABLE' });
    }
    await until('failed event', () => failed.length > 0, 10_000);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatch(/^hearing-1: \S/);
    expect(victimRouter.closed).toBe(true);
    expect(other.closed).toBe(false);
    // Refused at once; a failed router may say it is closed or that media is unavailable (the hearing re-places it).
    await expect(victimRouter.setRoom('x', 'joint')).rejects.toMatchObject({ code: expect.stringMatching(/^(INVALID_STATE|UNAVAILABLE)$/) });
    await victimRouter.close(); // still safe
    await victimRouter.close();

    // The router on the other worker never noticed.
    const survivor = bots.find((b) => b.id === 'survivor-b')!;
    const n = survivor.from('survivor-a', 'video');
    await until('the other hearing still forwarding', () => survivor.from('survivor-a', 'video') > n + 10, 10_000);

    // The slot is refilled; the hearing is placed again and its clients reconnect.
    await until('a replacement worker', () => engine.stats().workers.filter((w) => w.alive).length === 2, 30_000);
    expect(engine.stats().workers.map((w) => w.pid)).not.toContain(victim);
    const again = await engine.createRouter(victimRouter.hearingId);
    routers.push(again);
    await flowing(again, 'reconnected');
  });

  it('close() is safe twice and every call after it fails fast', async () => {
    const r = await engine.createRouter('hearing-closing');
    await r.close();
    await r.close();
    expect(r.closed).toBe(true);
    await expect(r.subscribe('x')).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await expect(r.setRoom('x', 'joint')).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await expect(r.publish('x', 'v=0\r\n', {})).rejects.toMatchObject({ code: expect.stringMatching(/INVALID_STATE|VALIDATION_FAILED/) });
  });

  it('a closed engine refuses new routers, and close() is safe twice', async () => {
    const e = await c.create();
    const r = await e.createRouter('hearing-short');
    await e.close();
    await e.close();
    expect(e.closed).toBe(true);
    await expect(e.createRouter('hearing-late')).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await until('its router closed', () => r.closed, 10_000);
    await sleep(0);
  });
});
