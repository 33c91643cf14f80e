import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MediaEngine, MediaRouter } from '../../server/media/engine.js';
import { createInProcessEngine } from '../../server/media/index.js';
import { Bot } from './helpers/bot.js';
import { until } from './helpers/wait.js';

/** Subscriber renegotiation: joining before anyone publishes, transceiver reuse, restarting the receiving side. */
let engine: MediaEngine;
let router: MediaRouter;
const bots: Bot[] = [];
const offers: Record<string, string[]> = {};

beforeAll(async () => {
  engine = createInProcessEngine();
  router = await engine.createRouter('hearing-negotiation');
  router.on('subscriberOffer', (id, sdp) => (offers[id] ??= []).push(sdp));
});

afterAll(async () => {
  await Promise.allSettled(bots.map((b) => b.close()));
  await engine?.close();
});

const mLines = (sdp: string) => sdp.split('\r\n').filter((l) => l.startsWith('m='));
const bot = (id: string) => {
  const b = new Bot(id, { videoKbps: 300 });
  bots.push(b);
  return b;
};

describe('network options', () => {
  it('binds inside the port range and announces the public address in every candidate', async () => {
    const e = createInProcessEngine({ listenIp: '127.0.0.1', announcedIp: '203.0.113.9', portRange: [42000, 42099] });
    try {
      const r = await e.createRouter('hearing-net');
      let offer = '';
      r.on('subscriberOffer', (_id, sdp) => (offer = sdp));
      const client = new Bot('net-a');
      bots.push(client);
      await client.publish(r); // ICE still connects: the SFU's checks come from the bound address (peer reflexive)
      await r.subscribe('net-b');
      for (const sdp of [client.pub!.remoteDescription!.sdp, offer]) {
        const candidates = sdp.split('\r\n').filter((l) => l.startsWith('a=candidate:'));
        expect(candidates.length).toBeGreaterThan(0);
        for (const c of candidates) {
          const [, , , , address, port] = c.split(' ');
          expect(address).toBe('203.0.113.9');
          expect(Number(port)).toBeGreaterThanOrEqual(42000);
          expect(Number(port)).toBeLessThanOrEqual(42099);
        }
      }
    } finally {
      await e.close();
    }
  });
});

describe('subscriber negotiation', () => {
  const viewer = bot('viewer');

  it('a subscriber that joins before anyone publishes gets an empty offer, then the tracks when they come', async () => {
    await viewer.subscribe(router);
    expect(mLines(offers.viewer![0]!)).toEqual([]);
    const a = bot('A');
    await a.publish(router);
    a.start();
    await until('media from A', () => viewer.from('A', 'video') > 20 && viewer.from('A', 'audio') > 10, 15_000);
    expect(mLines(offers.viewer!.at(-1)!)).toHaveLength(2);
    const origin = (sdp: string) => sdp.split('\r\n')[1]!.split(' ');
    const [first, last] = [origin(offers.viewer![0]!), origin(offers.viewer!.at(-1)!)];
    expect(last[1]).toBe(first[1]); // one session
    expect(Number(last[2])).toBeGreaterThan(Number(first[2]));
  });

  it('a participant who leaves frees its m-lines, the next publisher reuses them', async () => {
    await router.removeParticipant('A');
    await until('A gone from the offer', () => offers.viewer!.at(-1)!.split('\r\n').filter((l) => l === 'a=inactive').length === 2, 5000);
    expect((await router.forwardingTable()).some((r) => r.fromParticipantId === 'A')).toBe(false);
    const c = bot('C');
    await c.publish(router);
    c.start();
    await until('media from C', () => viewer.from('C', 'video') > 20 && viewer.from('C', 'audio') > 10, 15_000);
    expect(mLines(offers.viewer!.at(-1)!)).toHaveLength(2); // reused, not appended
    const msids = offers.viewer!.at(-1)!.split('\r\n').filter((l) => l.startsWith('a=msid:'));
    expect(msids.every((l) => l.startsWith('a=msid:C '))).toBe(true);
  });

  it('subscribe() again restarts the receiving transport (new session) and media flows again', async () => {
    const before = offers.viewer!.length;
    const fresh = new Bot('viewer', { videoKbps: 300 });
    bots.push(fresh);
    viewer.stop();
    await viewer.close();
    await fresh.subscribe(router);
    expect(offers.viewer!.length).toBe(before + 1);
    const origin = (sdp: string) => sdp.split('\r\n')[1]!.split(' ')[1];
    expect(origin(offers.viewer!.at(-1)!)).not.toBe(origin(offers.viewer![0]!));
    await until('media from C after restart', () => fresh.from('C', 'video') > 20, 15_000);
  });

  it('answers that do not fit are rejected without breaking the transport', async () => {
    await expect(router.answerSubscriber('viewer', 'v=0\r\n')).rejects.toMatchObject({ code: expect.stringMatching(/VALIDATION_FAILED|INVALID_STATE/) });
    await expect(router.answerSubscriber('nobody-here', offers.viewer!.at(-1)!)).rejects.toMatchObject({ code: 'INVALID_STATE' });
    const n = bots.at(-1)!.from('C', 'video');
    await until('still flowing', () => bots.at(-1)!.from('C', 'video') > n + 10, 5000);
  });
});
