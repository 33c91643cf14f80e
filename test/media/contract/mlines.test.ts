import { describe, expect, it } from 'vitest';
import { OfferGate, sdpSession } from '../../../client/src/room/offers.js';
import { Bot } from '../helpers/bot.js';
import { until } from '../helpers/wait.js';
import { engines } from './engines.js';
import { useEngineRouter } from './fixture.js';
import { live, sections } from './sdp.js';

/**
 * Engine contract, the receiving side's m-lines as a client sees them: a re-subscribe racing an offer of the replaced
 * transport (the client's offer gate keeps only the new session's), and m-lines going back to their own producers
 * after a caucus.
 */
describe.each(engines())('engine contract, m-lines and sessions: $name', (c) => {
  const f = useEngineRouter(c, 'hearing-contract-mlines');
  const bot = (id: string) => {
    const b = new Bot(id, { videoKbps: 300 });
    f.bots.push(b);
    return b;
  };

  it("re-subscribing while the replaced transport still offers: the client's offer gate answers only the new session", async () => {
    const r = await f.engine.createRouter('hearing-contract-resubscribe-race');
    try {
      const a = bot('race-a');
      const b = bot('race-b');
      const viewer = bot('race-v');
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
      expect(first, 'subscribe names the o= session of its offers').toMatchObject({ session: expect.any(String) });
      gate.subscribed(first ? first.session : null);
      await until('media from A', () => viewer.from('race-a', 'video') > 10, 20_000);

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
      await until('the old transport re-offered', () => raw.length > before, 10_000, 10);
      expect(sdpSession(raw.at(-1)!)).toBe(first ? first.session : '');
      const second = await r.subscribe('race-v');
      expect(second && second.session).not.toBe(first && first.session);
      gate.subscribed(second ? second.session : null);
      expect(gate.dropped).toBe(1);
      expect(delivered.map(sdpSession)).toEqual([second ? second.session : null]);
      const aBefore = viewer.from('race-a', 'video');
      await until('media from A and B on the new transport', () => viewer.from('race-a', 'video') > aBefore + 10 && viewer.from('race-b', 'video') > 10, 20_000);
      expect(viewer.lastError).toBeNull();
    } finally {
      await r.close();
    }
  });

  it("after a caucus each producer gets its own m-line back (no one else's stream on a receiver that showed it)", async () => {
    const r = await f.engine.createRouter('hearing-contract-mline-owners');
    try {
      let last = '';
      r.on('subscriberOffer', (id, sdp) => {
        if (id === 'own-v') last = sdp;
      });
      const pubs = ['own-a', 'own-b', 'own-c'].map((id) => bot(id));
      const viewer = bot('own-v');
      for (const p of pubs) {
        await p.publish(r);
        p.start();
      }
      await viewer.subscribe(r);
      await until('media from all three', () => pubs.every((p) => viewer.from(p.id, 'video') > 10), 20_000);
      const owners = (sdp: string) => Object.fromEntries(sections(sdp).map((s) => [s.mid, live(sdp).includes(s) ? s.producer : '-']));
      const owned = (sdp: string) => live(sdp).length;
      const before = owners(last);
      // A caucus of the viewer with A (B's and C's m-lines freed), A goes back first (A's freed too), then the viewer
      // returns to everyone at once: the m-lines must go back to their owners, not in the order they were freed.
      await r.setRoom('own-v', 'caucus-x');
      await r.setRoom('own-a', 'caucus-x');
      await until('only A', () => owned(last) === 2, 10_000, 10);
      await r.setRoom('own-a', 'joint');
      await until('nobody', () => owned(last) === 0, 10_000, 10);
      await r.setRoom('own-v', 'joint');
      await until('all back', () => owned(last) === 6, 10_000, 10);
      expect(owners(last)).toEqual(before);
      const n = viewer.from('own-b', 'video');
      await until('media flows again', () => viewer.from('own-b', 'video') > n + 10, 20_000);
    } finally {
      await r.close();
    }
  });
});
