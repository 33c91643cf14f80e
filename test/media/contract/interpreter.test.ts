import { beforeAll, describe, expect, it } from 'vitest';
import type { Audience } from '../../../server/media/engine.js';
import { Bot } from '../helpers/bot.js';
import { sleep, until } from '../helpers/wait.js';
import { engines } from './engines.js';
import { flows, grown, tableCounts, useEngineRouter } from './fixture.js';

/**
 * Engine contract, interpreter channels (`setAudience`): four real WebRTC participants on one router. P is the party
 * the interpreter I serves, Q the other party, M the mediator. A floor listener receives nothing from I's audio, a
 * listener on I's channel does; consecutive mode reaches everyone; whispered mode only the served party; a caucus
 * keeps all of it inside. Proven by the SFU's own forwarding table and by what the peers decrypt.
 */
const IDS = ['P', 'Q', 'M', 'I'] as const;
type Id = (typeof IDS)[number];

const floor = (): Audience => ({ channel: 'floor', heardBy: null });
const on = (channel: string): Audience => ({ channel, heardBy: null });
const simultaneous = (channel: string): Audience => ({ channel: 'floor', heardBy: { channels: [channel], participants: [] } });
const consecutive = (): Audience => ({ channel: 'floor', heardBy: null });
const whispered = (to: string): Audience => ({ channel: 'floor', heardBy: { channels: [], participants: [to] } });

describe.each(engines())('engine contract, interpreter channels: $name', (c) => {
  const f = useEngineRouter(c, 'hearing-contract-interpreter');
  const bots = new Map<Id, Bot>();
  const bot = (id: Id) => bots.get(id)!;

  /** Audio packets every participant decrypted from every other, per `from>to:audio`. */
  function received(): Map<string, number> {
    const m = new Map<string, number>();
    for (const to of IDS) for (const from of IDS) if (to !== from) m.set(`${from}>${to}:audio`, bot(to).from(from, 'audio'));
    return m;
  }

  /** Neither the SFU (its table, read right after the change returned) nor the peer saw `from`'s audio reach `to`. */
  async function silent(pairs: string[]): Promise<void> {
    const t1 = await tableCounts(f.router);
    await sleep(700); // packets already in flight land at the peers
    const s1 = received();
    await sleep(2000);
    const s2 = received();
    const t2 = await tableCounts(f.router);
    for (const pair of pairs) {
      const key = `${pair}:audio`;
      expect(grown(s1, s2, key), `received ${key}`).toBe(0);
      const after = t2.get(key);
      if (after !== undefined) expect(after, `forwarding table ${key}`).toBe(t1.get(key) ?? 0);
    }
  }

  /** `from`'s audio grows at `to` in the peer's count and in the SFU's table. */
  async function audible(pairs: string[]): Promise<void> {
    const [s1, t1] = [received(), await tableCounts(f.router)];
    await flows(pairs.join(' '), async () => {
      const [s, t] = [received(), await tableCounts(f.router)];
      return pairs.map((p) => `${p}:audio`).filter((key) => grown(s1, s, key) <= 10 || grown(t1, t, key) <= 10);
    });
  }

  beforeAll(async () => {
    for (const id of IDS) bots.set(id, new Bot(id, { videoKbps: 150, fps: 15 }));
    f.bots.push(...bots.values());
    for (const id of IDS) {
      // The interpreter also shows a camera: channels narrow audio only.
      await bot(id).publish(f.router, { audio: true, video: id === 'I' });
      bot(id).start();
    }
    for (const id of IDS) await bot(id).subscribe(f.router);
    await until('every audio track arriving', () => [...received().values()].every((n) => n > 0), 20_000);
  });

  it('simultaneous: only the pt channel hears the interpreter; floor listeners receive nothing from them', async () => {
    await f.router.setAudience('I', simultaneous('pt'));
    await f.router.setAudience('P', on('pt'));
    await silent(['I>Q', 'I>M']);
    await audible(['I>P', 'P>I', 'Q>I', 'M>I', 'Q>P', 'M>P', 'P>Q']);
    // The interpreter's video is not narrowed: the floor still sees them.
    const v = bot('Q').from('I', 'video');
    await until('I video at Q', () => bot('Q').from('I', 'video') > v + 10, 10_000);
    // Q's receiving transport no longer carries I's audio at all.
    await until("I's audio gone from Q's receiving transport", () => {
      const live = bot('Q').sub!.getTransceivers().filter((t) => t.kind === 'audio' && t.currentDirection === 'recvonly');
      return !live.some((t) => t.receiver.remoteStreamId === 'I');
    }, 10_000);
  });

  it('a second listener joining the channel hears the interpreter too', async () => {
    await f.router.setAudience('Q', on('pt'));
    await audible(['I>P', 'I>Q']);
    await silent(['I>M']);
    await f.router.setAudience('Q', floor());
    await silent(['I>Q']);
  });

  it('consecutive: the interpreter speaks on the floor and everyone hears them', async () => {
    await f.router.setAudience('I', consecutive());
    await audible(['I>P', 'I>Q', 'I>M']);
  });

  it('whispered: only the served party hears the interpreter, whatever channel the others follow', async () => {
    await f.router.setAudience('P', floor());
    await f.router.setAudience('Q', on('pt'));
    await f.router.setAudience('I', whispered('P'));
    await silent(['I>Q', 'I>M']);
    await audible(['I>P', 'P>I', 'M>I']);
  });

  it('a caucus keeps it inside: the interpreter follows P; Q on the pt channel hears nothing of them, in any mode', async () => {
    await f.router.setAudience('I', simultaneous('pt'));
    await f.router.setAudience('P', on('pt'));
    for (const id of ['P', 'I', 'M'] as const) await f.router.setRoom(id, 'caucus-1');
    await silent(['I>Q', 'P>Q', 'M>Q', 'Q>I', 'Q>P']);
    await audible(['I>P', 'P>I', 'M>I']);
    await silent(['I>M']);
    // Consecutive inside the caucus reaches the caucus, still not Q.
    await f.router.setAudience('I', consecutive());
    await audible(['I>P', 'I>M']);
    await silent(['I>Q']);
  });

  it('back in the joint session the channels hold again, and a bad audience changes nothing', async () => {
    for (const id of ['P', 'I', 'M'] as const) await f.router.setRoom(id, 'joint');
    await f.router.setAudience('I', simultaneous('pt'));
    await audible(['I>P', 'I>Q', 'M>Q']);
    await silent(['I>M']);
    await expect(f.router.setAudience('I', { channel: 'bad channel!', heardBy: null })).rejects.toThrow(/invalid channel/);
    await expect(f.router.setAudience('I', { channel: 'floor', heardBy: { channels: ['pt'], participants: ['no spaces'] } })).rejects.toThrow(/invalid/);
    await silent(['I>M']);
    for (const id of IDS) expect(bot(id).lastError, id).toBeNull();
  });
});
