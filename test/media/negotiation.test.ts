import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MediaEngine, MediaRouter } from '../../server/media/engine.js';
import { createInProcessEngine } from '../../server/media/index.js';
import { Bot } from './helpers/bot.js';
import { until } from './helpers/wait.js';
import { OfferGate, sdpSession } from '../../client/src/room/offers.js';

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

  it('a subscriber that joins before anyone publishes gets no offer (a browser refuses one without m-lines), then the tracks when they come', async () => {
    const t0 = Date.now();
    const res = await router.subscribe('viewer');
    expect(Date.now() - t0, 'media.subscribe answers at once while alone').toBeLessThan(1000);
    expect(res).toMatchObject({ session: expect.stringMatching(/^\d+$/) });
    await viewer.subscribe(router);
    expect(offers.viewer ?? []).toEqual([]);
    const a = bot('A');
    await a.publish(router);
    a.start();
    await until('media from A', () => viewer.from('A', 'video') > 20 && viewer.from('A', 'audio') > 10, 15_000);
    expect(mLines(offers.viewer!.at(-1)!)).toHaveLength(2);
    const origin = (sdp: string) => sdp.split('\r\n')[1]!.split(' ');
    const [first, last] = [origin(offers.viewer![0]!), origin(offers.viewer!.at(-1)!)];
    expect(last[1]).toBe(first[1]); // one session
    expect(Number(last[2])).toBeGreaterThanOrEqual(Number(first[2]));
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

describe('re-subscribing while the replaced receiving transport still offers', () => {
  it("the client's offer gate answers only the transport its media.subscribe names, and media flows", async () => {
    const e = createInProcessEngine();
    try {
      const r = await e.createRouter('hearing-resubscribe-race');
      const a = new Bot('race-a', { videoKbps: 300 });
      const b = new Bot('race-b', { videoKbps: 300 });
      const viewer = new Bot('race-v', { videoKbps: 300 });
      bots.push(a, b, viewer);
      await a.publish(r);
      a.start();
      const raw: string[] = [];
      let gate = new OfferGate((sdp) => viewer.handleOffer(r, sdp));
      // Offers reach the client in the order the router emits them (one socket), each to the gate of the moment.
      r.on('subscriberOffer', (id, sdp) => {
        if (id !== 'race-v') return;
        raw.push(sdp);
        gate.offer(sdp);
      });
      const first = await r.subscribe('race-v');
      gate.subscribed(first ? first.session : null);
      await until('media from A', () => viewer.from('race-a', 'video') > 10, 15_000);

      // The client gives up on its receiving side and subscribes again; before the server gets that request, B
      // publishes and the old transport sends one more offer, which reaches the new subscription's gate.
      const delivered: string[] = [];
      gate = new OfferGate((sdp) => {
        delivered.push(sdp);
        viewer.handleOffer(r, sdp);
      });
      const before = raw.length;
      await b.publish(r);
      b.start();
      await until('the old transport re-offered', () => raw.length > before, 5000, 10);
      const stale = raw.at(-1)!;
      expect(sdpSession(stale)).toBe(first ? first.session : '');
      const second = await r.subscribe('race-v');
      expect(second && second.session).not.toBe(first && first.session);
      gate.subscribed(second ? second.session : null);
      // Without the session in the answer, the stale offer would be answered first: the new transport takes that
      // answer, then refuses the right one ("no subscriber offer is pending") and the receiving side never comes up.
      expect(gate.dropped).toBe(1);
      expect(delivered.map(sdpSession)).toEqual([second ? second.session : null]);
      const aBefore = viewer.from('race-a', 'video');
      await until('media from A and B on the new transport', () => viewer.from('race-a', 'video') > aBefore + 10 && viewer.from('race-b', 'video') > 10, 15_000);
      expect(viewer.lastError).toBeNull();
    } finally {
      await e.close();
    }
  });
});

describe('m-lines after a caucus', () => {
  it('each producer gets its own m-line back when it returns (no one else\'s stream on a receiver that showed it)', async () => {
    const e = createInProcessEngine();
    try {
      const r = await e.createRouter('hearing-mline-owners');
      const last: Record<string, string> = {};
      r.on('subscriberOffer', (id, sdp) => {
        if (id === 'own-v') last.sdp = sdp;
      });
      const pubs = ['own-a', 'own-b', 'own-c'].map((id) => new Bot(id, { videoKbps: 200 }));
      const viewer = new Bot('own-v', { videoKbps: 200 });
      bots.push(...pubs, viewer);
      for (const b of pubs) {
        await b.publish(r);
        b.start();
      }
      await viewer.subscribe(r);
      await until('media from all three', () => pubs.every((b) => viewer.from(b.id, 'video') > 10), 15_000);
      const owners = (sdp: string) =>
        Object.fromEntries(sdp.split('\r\nm=').slice(1).map((sec) => [/a=mid:(\S+)/.exec(sec)![1], /a=msid:(\S+) (\S+)/.exec(sec)?.[2] ?? '-']));
      const before = owners(last.sdp!);
      // A caucus of the viewer with A (B's and C's m-lines freed), A goes back first (A's freed too), then the viewer
      // returns to everyone at once: the m-lines must go back to their owners, not in the order they were freed.
      await r.setRoom('own-v', 'caucus-x');
      await r.setRoom('own-a', 'caucus-x');
      await until('only A', () => Object.values(owners(last.sdp!)).filter((v) => v !== '-').length === 2, 5000, 10);
      await r.setRoom('own-a', 'joint');
      await until('nobody', () => Object.values(owners(last.sdp!)).every((v) => v === '-'), 5000, 10);
      await r.setRoom('own-v', 'joint');
      await until('all back', () => Object.values(owners(last.sdp!)).every((v) => v !== '-'), 5000, 10);
      expect(owners(last.sdp!)).toEqual(before);
      const n = viewer.from('own-b', 'video');
      await until('media flows again', () => viewer.from('own-b', 'video') > n + 10, 15_000);
    } finally {
      await e.close();
    }
  });
});
