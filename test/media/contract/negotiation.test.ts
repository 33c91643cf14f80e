import { beforeAll, describe, expect, it } from 'vitest';
import type { MediaRouter } from '../../../server/media/engine.js';
import { Bot } from '../helpers/bot.js';
import { until } from '../helpers/wait.js';
import { engines } from './engines.js';
import { useEngineRouter } from './fixture.js';
import { candidates, live, origin, sections, throwawayOffer } from './sdp.js';

/**
 * Engine contract, negotiation: the network options reach the candidates; the receiving side (no offer while there
 * is nothing to receive, one session across renegotiations, m-lines freed and reused, restart = new session); and
 * input that does not fit (garbage offers, bad answers) is refused with an error while the router keeps forwarding.
 * Re-subscribing races and m-line ownership across a caucus: mlines.test.ts.
 */
describe.each(engines())('engine contract, negotiation: $name', (c) => {
  const f = useEngineRouter(c, 'hearing-contract-negotiation');
  const offers: Record<string, string[]> = {};
  const bot = (id: string) => {
    const b = new Bot(id, { videoKbps: 300 });
    f.bots.push(b);
    return b;
  };
  const lastOffer = (id: string) => offers[id]!.at(-1)!;

  beforeAll(() => {
    f.router.on('subscriberOffer', (id, sdp) => (offers[id] ??= []).push(sdp));
  });

  it('binds inside the port range and announces the public address in every candidate', async () => {
    const e = await c.create({ listenIp: '127.0.0.1', announcedIp: '203.0.113.9', portRange: [42000, 42099] });
    try {
      const r = await e.createRouter('hearing-contract-net');
      let offer = '';
      r.on('subscriberOffer', (id, sdp) => {
        if (id === 'net-b') offer = sdp;
      });
      // Only the descriptions: an ICE-lite engine cannot be reached through an address nobody routes.
      const { sdp, sources } = await throwawayOffer();
      const { answerSdp } = await r.publish('net-a', sdp, sources);
      await r.subscribe('net-b');
      await until('an offer for net-b', () => offer !== '', 10_000);
      for (const desc of [answerSdp, offer]) {
        const cands = candidates(desc);
        expect(cands.length).toBeGreaterThan(0);
        for (const cand of cands) {
          expect(cand.address).toBe('203.0.113.9');
          expect(cand.port).toBeGreaterThanOrEqual(42000);
          expect(cand.port).toBeLessThanOrEqual(42099);
        }
      }
    } finally {
      await e.close();
    }
  });

  describe('the receiving side', () => {
    let viewer: Bot;
    let session: string | undefined;

    it('no offer while there is nothing to receive (a browser refuses one without m-lines), then the tracks when they come', async () => {
      viewer = bot('viewer');
      const res = await f.router.subscribe('viewer');
      if (res) {
        expect(res.session).toMatch(/^\d+$/);
        session = res.session;
      }
      await viewer.subscribe(f.router); // restarts it: the session of the offers is the second one
      expect(offers.viewer ?? []).toEqual([]);
      const a = bot('A');
      await a.publish(f.router);
      a.start();
      await until('media from A', () => viewer.from('A', 'video') > 20 && viewer.from('A', 'audio') > 10, 20_000);
      expect(live(lastOffer('viewer')).map((s) => s.kind).sort()).toEqual(['audio', 'video']);
      const [first, last] = [origin(offers.viewer![0]!), origin(lastOffer('viewer'))];
      expect(last.session).toBe(first.session); // one transport, one session
      expect(last.version).toBeGreaterThanOrEqual(first.version);
      session = first.session;
    });

    it('a participant who leaves disappears from the offer and the forwarding table; the next publisher reuses the m-lines', async () => {
      await f.router.removeParticipant('A');
      await until('A gone from the offer', () => live(lastOffer('viewer')).length === 0, 10_000);
      expect((await f.router.forwardingTable()).some((r) => r.fromParticipantId === 'A')).toBe(false);
      expect(f.producers.some((p) => p.participantId === 'A')).toBe(false);
      const cBot = bot('C');
      await cBot.publish(f.router);
      cBot.start();
      await until('media from C', () => viewer.from('C', 'video') > 20 && viewer.from('C', 'audio') > 10, 20_000);
      // Reused, not appended: an offer only ever grows m-lines, so a long hearing must not add one per arrival.
      expect(sections(lastOffer('viewer'))).toHaveLength(2);
      expect(live(lastOffer('viewer')).every((s) => s.participant === 'C')).toBe(true);
    });

    it('subscribe() again restarts the receiving transport (new session) and media flows again', async () => {
      const before = offers.viewer!.length;
      const fresh = bot('viewer');
      viewer.stop();
      await viewer.close();
      await fresh.subscribe(f.router);
      await until('an offer of the new transport', () => offers.viewer!.length > before, 10_000);
      expect(origin(lastOffer('viewer')).session).not.toBe(session);
      await until('media from C after restart', () => fresh.from('C', 'video') > 20, 20_000);
      viewer = fresh;
    });

    it('answers that do not fit are rejected without breaking the transport', async () => {
      await expect(f.router.answerSubscriber('viewer', 'v=0\r\n')).rejects.toMatchObject({ code: expect.stringMatching(/VALIDATION_FAILED|INVALID_STATE/) });
      await expect(f.router.answerSubscriber('nobody-here', lastOffer('viewer'))).rejects.toMatchObject({ code: 'INVALID_STATE' });
      const n = viewer.from('C', 'video');
      await until('still flowing', () => viewer.from('C', 'video') > n + 10, 10_000);
    });
  });

  it('garbage offers are refused with an error, nothing crashes, and the router still connects and forwards', async () => {
    const garbage: unknown[] = [
      'garbage',
      '',
      'v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=ice-ufrag:x\r\na=fingerprint:sha-256 ZZ\r\na=rtpmap:96 VP8/90000\r\n',
      'v=0\r\n' + 'm=audio 9 RTP/AVP 0\r\n'.repeat(5000),
      `v=0\r\nm=video 99999 UDP/TLS/RTP/SAVPF 96\r\na=ice-ufrag:${'\u0000'.repeat(10)}\r\na=fingerprint:sha-256 00\r\na=ssrc:notanumber cname:x\r\na=rid:${'q'.repeat(2000)} send\r\n`,
      null,
      { sdp: 'v=0' },
    ];
    const r: MediaRouter = f.router;
    const workers = f.engine.stats().workers.map((w) => w.pid);
    for (const sdp of garbage) {
      const err = await r.publish('intruder', sdp as string, {}).then(
        () => null,
        (e: unknown) => e,
      );
      // A structurally plausible SDP may be answered; none may crash anything.
      if (err) expect(err).toBeInstanceOf(Error);
    }
    await expect(r.publish('x', 'garbage', {})).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(r.setRoom('../etc', 'joint')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(r.setForwarding('x', 'smell' as never, false)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await r.removeParticipant('intruder').catch(() => undefined);
    // No worker died or was replaced on the way.
    expect(f.engine.stats().workers.map((w) => w.pid)).toEqual(workers);
    expect(f.engine.stats().workers.every((w) => w.alive)).toBe(true);
    const g = bot('after-garbage');
    const h = bot('after-garbage-viewer');
    await g.publish(r);
    g.start();
    await h.subscribe(r);
    await until('media after the garbage', () => h.from(g.id, 'video') > 20 && h.from(g.id, 'audio') > 10, 20_000);
  });
});
