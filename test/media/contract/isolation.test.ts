import { beforeAll, describe, expect, it } from 'vitest';
import type { MediaKind } from '../../../server/media/engine.js';
import { Bot } from '../helpers/bot.js';
import { sleep, until } from '../helpers/wait.js';
import { engines } from './engines.js';
import { flows, grown, tableCounts, useEngineRouter } from './fixture.js';

/**
 * Engine contract, isolation: three real WebRTC participants on one router. A private caucus cuts the third party
 * off at the packet level, proven by the SFU's own forwarding table and by what the peers decrypt, and everything
 * flows again after it; setForwarding stops one kind from one participant and brings it back.
 */
const IDS = ['A', 'B', 'M'] as const;
type Id = (typeof IDS)[number];
const KINDS: MediaKind[] = ['audio', 'video'];

/** Nothing sent on `key` between two readings of the table; a row may go away (no consumer), not grow. */
function notSentSince(t1: Map<string, number>, t2: Map<string, number>, key: string): void {
  const after = t2.get(key);
  if (after !== undefined) expect(after, `forwarding table ${key}`).toBe(t1.get(key) ?? 0);
}

describe.each(engines())('engine contract, isolation: $name', (c) => {
  const f = useEngineRouter(c, 'hearing-contract-isolation');
  const bots = new Map<Id, Bot>();
  const bot = (id: Id) => bots.get(id)!;

  /** Packets every participant decrypted from every other, per `from>to:kind`. */
  function received(): Map<string, number> {
    const m = new Map<string, number>();
    for (const to of IDS) for (const from of IDS) if (to !== from) for (const k of KINDS) m.set(`${from}>${to}:${k}`, bot(to).from(from, k));
    return m;
  }

  beforeAll(async () => {
    for (const id of IDS) bots.set(id, new Bot(id, { videoKbps: 400 }));
    f.bots.push(...bots.values());
    for (const id of IDS) {
      await bot(id).publish(f.router);
      bot(id).start();
    }
    for (const id of IDS) await bot(id).subscribe(f.router);
  });

  it('everyone receives everyone in the joint session', async () => {
    await until('every track arriving', () => [...received().values()].every((n) => n > 0), 20_000);
  });

  it('a private caucus: B receives nothing from A or M, A and M receive nothing from B, A <-> M keeps flowing', async () => {
    await f.router.setRoom('A', 'caucus-1');
    await f.router.setRoom('M', 'caucus-1');
    // The SFU's own count, read as soon as the moves returned: forwarding follows the room at once.
    const t1 = await tableCounts(f.router);
    await sleep(700); // packets already in flight land at the peers
    const s1 = received();
    await sleep(2000);
    const s2 = received();
    const t2 = await tableCounts(f.router);
    for (const pair of ['A>B', 'M>B', 'B>A', 'B>M']) {
      for (const k of KINDS) {
        expect(grown(s1, s2, `${pair}:${k}`), `received ${pair} ${k}`).toBe(0);
        notSentSince(t1, t2, `${pair}:${k}`);
      }
    }
    // A and M go on talking in their caucus, in the peers' counts and in the SFU's.
    const inCaucus = ['A>M', 'M>A'].flatMap((pair) => KINDS.map((k) => `${pair}:${k}`));
    await flows('A <-> M', async () => {
      const [s, t] = [received(), await tableCounts(f.router)];
      return inCaucus.filter((key) => grown(s1, s, key) <= 10 || grown(t1, t, key) <= 10);
    });
    // B's receiving transport is renegotiated: it no longer carries A's or M's tracks at all.
    await until('A and M gone from B\'s receiving transport', () => {
      const live = bot('B').sub!.getTransceivers().filter((t) => t.currentDirection === 'recvonly').map((t) => t.receiver.remoteStreamId);
      return !live.includes('A') && !live.includes('M');
    }, 10_000);
  });

  it('back in the joint session everything flows again', async () => {
    await f.router.setRoom('A', 'joint');
    await f.router.setRoom('M', 'joint');
    const a = received();
    await flows('every pair again', () => [...a.keys()].filter((key) => grown(a, received(), key) <= 10));
    expect(bot('B').lastError).toBeNull();
  });

  it('setForwarding(audio, false) stops A audio to every subscriber, video goes on; true brings it back', async () => {
    await f.router.setForwarding('A', 'audio', false);
    const t1 = await tableCounts(f.router);
    await sleep(300);
    const s1 = received();
    await sleep(1500);
    const s2 = received();
    const t2 = await tableCounts(f.router);
    for (const to of ['B', 'M']) {
      expect(grown(s1, s2, `A>${to}:audio`), `A>${to} audio`).toBe(0);
      notSentSince(t1, t2, `A>${to}:audio`);
    }
    await flows('A video and B audio', () => ['A>B:video', 'A>M:video', 'B>M:audio'].filter((key) => grown(s1, received(), key) <= 10));
    await f.router.setForwarding('A', 'audio', true);
    for (const to of ['B', 'M'] as const) {
      const n = bot(to).from('A', 'audio');
      await until(`A>${to} audio back`, () => bot(to).from('A', 'audio') > n + 10, 10_000);
    }
  });

  it('setForwarding(video, false) stops A video, audio goes on; true brings video back (from a keyframe)', async () => {
    await f.router.setForwarding('A', 'video', false);
    await sleep(300);
    const s1 = received();
    await sleep(1200);
    const s2 = received();
    for (const to of ['B', 'M']) {
      expect(grown(s1, s2, `A>${to}:video`), `A>${to} video`).toBe(0);
    }
    await flows('A audio', () => ['A>B:audio', 'A>M:audio'].filter((key) => grown(s1, received(), key) <= 10));
    await f.router.setForwarding('A', 'video', true);
    for (const to of ['B', 'M'] as const) {
      const n = bot(to).from('A', 'video');
      await until(`A>${to} video back`, () => bot(to).from('A', 'video') > n + 20, 10_000);
    }
  });
});
