import { beforeAll, describe, expect, it } from 'vitest';
import type { MediaKind } from '../../../server/media/engine.js';
import { Bot } from '../helpers/bot.js';
import { until } from '../helpers/wait.js';
import { engines } from './engines.js';
import { flows, grown, tableCounts, useEngineRouter } from './fixture.js';

/**
 * Engine contract, forwarding: three real WebRTC participants (werift peers: ICE, DTLS, SRTP) on one router. Everyone
 * receives everyone in the joint session, the tracks are named by the announced producers, the forwarding table
 * counts what was sent, audio levels are reported. Caucus isolation and setForwarding: isolation.test.ts.
 */
const IDS = ['A', 'B', 'M'] as const;
type Id = (typeof IDS)[number];
const KINDS: MediaKind[] = ['audio', 'video'];

describe.each(engines())('engine contract, forwarding: $name', (c) => {
  const f = useEngineRouter(c, 'hearing-contract-forwarding');
  const bots = new Map<Id, Bot>();
  const bot = (id: Id) => bots.get(id)!;

  /** Packets every participant decrypted from every other, per `from>to:kind`. */
  function received(): Map<string, number> {
    const m = new Map<string, number>();
    for (const to of IDS) for (const from of IDS) if (to !== from) for (const k of KINDS) m.set(`${from}>${to}:${k}`, bot(to).from(from, k));
    return m;
  }

  beforeAll(async () => {
    // A and M send RFC 6464 audio levels (as browsers do), B does not.
    for (const id of IDS) bots.set(id, new Bot(id, { audioLevel: id !== 'B', videoKbps: 400 }));
    f.bots.push(...bots.values());
    for (const id of IDS) {
      await bot(id).publish(f.router);
      bot(id).start();
    }
    for (const id of IDS) await bot(id).subscribe(f.router);
  });

  it('completes ICE and DTLS with each peer, publishing and subscribing, and carries media both ways', async () => {
    await until('every track arriving', () => [...received().values()].every((n) => n > 0), 20_000).catch((e: Error) => {
      const missing = [...received()].filter(([, n]) => n === 0).map(([k]) => k);
      throw new Error(`${e.message}: nothing on ${missing.join(', ')}; errors ${IDS.map((id) => String(bot(id).lastError)).join(' / ')}`);
    });
    for (const id of IDS) {
      for (const pc of [bot(id).pub!, bot(id).sub!]) {
        expect(pc.connectionState, id).toBe('connected');
        expect(pc.dtlsTransports.every((d) => d.state === 'connected'), `${id} DTLS`).toBe(true);
      }
    }
  });

  it('in the joint session each participant receives the other two, audio and video, and it keeps flowing', async () => {
    const a = received();
    await flows('every pair', () => [...a.keys()].filter((key) => grown(a, received(), key) <= (key.endsWith('video') ? 20 : 10)));
    for (const id of IDS) expect(bot(id).lastError).toBeNull();
  });

  it('producersChanged lists each participant\'s microphone and camera, and the received tracks carry those ids', async () => {
    const mine = (id: Id) => f.producers.filter((p) => p.participantId === id);
    for (const id of IDS) {
      expect(mine(id).map((p) => `${p.kind}:${p.source}`).sort(), id).toEqual(['audio:microphone', 'video:camera']);
      for (const p of mine(id)) expect(p.layers, `${id} ${p.kind}`).toEqual([]);
    }
    expect(new Set(f.producers.map((p) => p.id)).size).toBe(f.producers.length);
    // Track identity (a=msid:<participant> <producer>): what each peer receives is named by the announced producers.
    for (const to of IDS) {
      for (const [producerId, r] of bot(to).received) {
        const p = f.producers.find((x) => x.id === producerId);
        expect(p, `${to} receives an announced producer`).toBeDefined();
        expect(p).toMatchObject({ participantId: r.from, kind: r.kind });
      }
    }
  });

  it('the forwarding table counts what was sent per producer and subscriber', async () => {
    // Received first, then the table: packets keep arriving meanwhile.
    const s = received();
    const t = await tableCounts(f.router);
    for (const [key, n] of s) {
      expect(t.get(key), key).toBeGreaterThan(0);
      // Sent is at least what arrived (loopback loses nothing, but packets can be in flight).
      expect(t.get(key)!, key).toBeGreaterThanOrEqual(n);
    }
    const rows = await f.router.forwardingTable();
    for (const r of rows) expect(f.producers.find((p) => p.id === r.producerId), r.producerId).toMatchObject({ participantId: r.fromParticipantId, kind: r.kind });
  });

  it('audio levels: about every 300 ms, RFC 6464 levels mapped to 0 (silent) .. 127 (loud)', async () => {
    const before = f.levels.length;
    await until('three audio level reports', () => f.levels.length - before >= 3, 10_000);
    const last = f.levels.at(-1)!;
    expect(Object.keys(last).every((id) => (IDS as readonly string[]).includes(id))).toBe(true);
    // A and M send levels 20..29 dBov below full scale -> 98..107 on the 0 .. 127 scale.
    for (const id of ['A', 'M']) {
      expect(last[id], id).toBeGreaterThanOrEqual(95);
      expect(last[id], id).toBeLessThanOrEqual(110);
    }
    // B sends no level extension: engines that estimate one from the audio it sends report it as active.
    if (c.audioEstimate) expect(last.B).toBeGreaterThan(0);
  });
});
