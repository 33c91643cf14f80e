import { describe, expect, it } from 'vitest';
import { Bot } from '../helpers/bot.js';
import { sleep, until } from '../helpers/wait.js';
import { engines } from './engines.js';
import { sentTo as sent, useEngineRouter } from './fixture.js';

/** Engine contract, loss recovery between the SFU and a subscriber (NACK answered by retransmission) and PLI relay. */
describe.each(engines())('engine contract, recovery: $name', (c) => {
  const t = useEngineRouter(c, 'hearing-contract-recovery');
  const bots = t.bots;
  const router = () => t.router;
  const sentTo = (to: string, from: string) => sent(t.router, to, from);

  describe('loss recovery and keyframe requests', () => {
    it('with 15% loss towards a subscriber, its NACKs are answered: nearly every forwarded packet arrives', async () => {
      const pub = new Bot('P', { videoKbps: 500 });
      const lossy = new Bot('lossy', { receiveLoss: 0.15 });
      bots.push(pub, lossy);
      await pub.publish(router());
      pub.start();
      await lossy.subscribe(router());
      await until('video at the lossy subscriber', () => lossy.from('P', 'video') > 50, 20_000);
      await sleep(500);
      const r0 = lossy.from('P', 'video');
      const s0 = await sentTo('lossy', 'P');
      await sleep(4000);
      // The publisher falls silent, so whatever arrives from now on is in flight or a repair of the window's packets:
      // the ratio does not depend on how fast a loaded machine turns NACKs into retransmissions.
      pub.stop();
      try {
        let sent = -1;
        await until('the SFU to stop forwarding', async () => {
          const n = (await sentTo('lossy', 'P')) - s0;
          const settled = n === sent;
          sent = n;
          return settled;
        }, 20_000, 500);
        const received = () => lossy.from('P', 'video') - r0;
        await until('the retransmissions to land', () => received() / sent > 0.95, 10_000).catch(() => undefined);
        expect(sent).toBeGreaterThan(100);
        // Without retransmission about 85% would arrive; RTX repairs (werift's receiver unwraps and delivers them).
        expect(received() / sent).toBeGreaterThan(0.95);
      } finally {
        pub.start(); // the next case needs the publisher, whatever this one found
      }
    });

    it('a PLI from a subscriber reaches the publisher and a keyframe follows; bursts are not multiplied', async () => {
      const pub = bots[0]!;
      const viewer = new Bot('viewer', { inspect: true });
      bots.push(viewer);
      await viewer.subscribe(router());
      await until('video at the viewer', () => viewer.from('P', 'video') > 20, 20_000);
      const before = pub.plis;
      for (let i = 0; i < 3; i++) {
        await sleep(400); // past the 300 ms per-layer throttle
        const k = viewer.keyframes.length;
        viewer.requestKeyframe('P');
        await until(`keyframe after PLI ${i + 1}`, () => viewer.keyframes.length > k, 10_000, 10).catch((e) => { throw new Error(`${e.message} k=${k} now=${viewer.keyframes.length} plis=${pub.plis} recv=${viewer.from('P')} sent=${pub.sent.video}`); });
      }
      expect(pub.plis - before).toBeGreaterThanOrEqual(2); // a concurrent request from elsewhere may stand in for one
      await sleep(400);
      const burst = pub.plis;
      for (let i = 0; i < 5; i++) viewer.requestKeyframe('P');
      await until('the burst to reach the publisher', () => pub.plis - burst >= 1, 10_000, 10);
      await sleep(300); // a multiplied burst would have sent its extra PLIs by now
      expect(pub.plis - burst).toBeLessThanOrEqual(2);
    });
  });
});
