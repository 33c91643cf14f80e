import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RTCPeerConnection } from 'werift';
import type { MediaRouter } from '../../server/media/engine.js';
import { createWeriftEngine, type WorkerPoolEngine } from '../../server/media/index.js';
import type { RouterProxy } from '../../server/media/worker/router-proxy.js';
import { Bot } from './helpers/bot.js';
import { sleep, until } from './helpers/wait.js';

/** Worker processes: bad input stays an error, a killed worker fails its routers cleanly and is replaced. */
let engine: WorkerPoolEngine;
const bots: Bot[] = [];
const routers: MediaRouter[] = [];

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function pair(router: MediaRouter, tag: string): Promise<[Bot, Bot]> {
  const a = new Bot(`${tag}-a`, { videoKbps: 300 });
  const b = new Bot(`${tag}-b`, { videoKbps: 300 });
  bots.push(a, b);
  await a.publish(router);
  a.start();
  await b.subscribe(router);
  return [a, b];
}

async function flowing(to: Bot, from: Bot): Promise<void> {
  await until(`${from.id} -> ${to.id} media`, () => to.from(from.id, 'video') > 10 && to.from(from.id, 'audio') > 5, 15_000);
  const n = to.from(from.id);
  await sleep(500);
  expect(to.from(from.id)).toBeGreaterThan(n);
}

/** A valid offer from a throwaway client, to have a publish() in flight. */
async function offer(): Promise<string> {
  const pc = new RTCPeerConnection({ iceServers: [], iceInterfaceAddresses: { udp4: '127.0.0.1' }, iceUseIpv6: false });
  pc.addTransceiver('video', { direction: 'sendonly' });
  await pc.setLocalDescription(await pc.createOffer());
  await until('gathering', () => pc.iceGatheringState === 'complete', 5000, 10);
  const sdp = pc.localDescription!.sdp;
  await pc.close();
  return sdp;
}

beforeAll(async () => {
  engine = createWeriftEngine({ workers: 2, requestTimeoutMs: 10_000 });
  await engine.ready();
});

afterAll(async () => {
  await Promise.allSettled(bots.map((b) => b.close()));
  await Promise.allSettled(routers.map((r) => r.close()));
  const pids = engine?.stats().workers.map((w) => w.pid) ?? [];
  await engine?.close();
  for (const pid of pids) expect(alive(pid)).toBe(false);
});

describe('media worker processes', () => {
  it('places hearings on the least loaded worker', async () => {
    routers.push(await engine.createRouter('hearing-1'), await engine.createRouter('hearing-2'));
    const load = engine.stats().workers.map((w) => w.routers);
    expect(load.sort()).toEqual([1, 1]);
  });

  it('hostile input: garbage SDP is rejected with an error, the worker and its other hearings stay up', async () => {
    const [good, bad] = routers as [MediaRouter, MediaRouter];
    const pids = engine.stats().workers.map((w) => w.pid);
    const [a, b] = await pair(good, 'good');
    const garbage: unknown[] = [
      'garbage',
      '',
      'v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=ice-ufrag:x\r\na=fingerprint:sha-256 ZZ\r\na=rtpmap:96 VP8/90000\r\n',
      'v=0\r\n' + 'm=audio 9 RTP/AVP 0\r\n'.repeat(5000),
      `v=0\r\nm=video 99999 UDP/TLS/RTP/SAVPF 96\r\na=ice-ufrag:${'\u0000'.repeat(10)}\r\na=fingerprint:sha-256 00\r\na=ssrc:notanumber cname:x\r\na=rid:${'q'.repeat(2000)} send\r\n`,
      null,
      { sdp: 'v=0' },
    ];
    for (const sdp of garbage) {
      const err = await bad.publish('intruder', sdp as string, {}).then(
        () => null,
        (e: unknown) => e,
      );
      // Some structurally plausible SDPs are accepted by werift and answered; none may crash anything.
      if (err) expect(err).toBeInstanceOf(Error);
    }
    await expect(bad.publish('x', 'garbage', {})).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(bad.answerSubscriber('nobody', 'v=0\r\n')).rejects.toThrow();
    await expect(bad.setRoom('../etc', 'joint')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(bad.setForwarding('x', 'smell' as never, false)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    // Only the listed router methods are callable over IPC, not whatever else the router object has.
    const rawCall = (bad as unknown as { call(m: string, ...a: unknown[]): Promise<unknown> }).call.bind(bad);
    for (const m of ['on', 'emit', 'constructor', 'load']) await expect(rawCall(m)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(engine.stats().workers.map((w) => w.pid)).toEqual(pids);
    expect(engine.stats().workers.every((w) => w.alive)).toBe(true);
    await flowing(b, a);
    // The router that got the garbage still works too.
    const [c, d] = await pair(bad, 'after-garbage');
    await flowing(d, c);
  });

  it('a worker killed mid-call: its router emits failed, pending calls reject, a new router forwards again', async () => {
    const victimRouter = routers[0] as RouterProxy;
    const victim = { pid: victimRouter.worker.pid };
    expect((routers[1] as RouterProxy).worker.pid).not.toBe(victim.pid);
    const failed: string[] = [];
    for (const r of routers) r.on('failed', (reason) => failed.push(`${r.hearingId}: ${reason}`));
    const sdp = await offer();
    const pending = victimRouter.publish('late-comer', sdp, {});
    const pendingTable = victimRouter.forwardingTable();
    process.kill(victim.pid, 'SIGKILL');
    await expect(pending).rejects.toMatchObject({ code: 'UNAVAILABLE', message: expect.stringMatching(/died/) });
    await expect(pendingTable).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await until('failed event', () => failed.length > 0, 5000);
    expect(failed[0]).toMatch(/SIGKILL/);
    const dead = routers.filter((r) => r.closed);
    expect(dead.length).toBe(1);
    await expect(dead[0]!.setRoom('x', 'joint')).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await dead[0]!.close(); // still safe
    await dead[0]!.close();

    // The slot is refilled; the hearing is placed again and its clients reconnect.
    await until('respawned worker', () => engine.stats().workers.filter((w) => w.alive).length === 2, 15_000);
    expect(engine.stats().workers.map((w) => w.pid)).not.toContain(victim.pid);
    const again = await engine.createRouter(dead[0]!.hearingId);
    routers.push(again);
    const [a, b] = await pair(again, 'reconnected');
    await flowing(b, a);
  });

  it('close() is safe twice and every call after it fails fast', async () => {
    const r = await engine.createRouter('hearing-closing');
    await r.close();
    await r.close();
    expect(r.closed).toBe(true);
    await expect(r.subscribe('x')).rejects.toMatchObject({ code: 'INVALID_STATE' });
  });
});
