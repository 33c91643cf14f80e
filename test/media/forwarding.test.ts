import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ForwardingEntry, MediaKind, MediaRouter } from '../../server/media/engine.js';
import { createWeriftEngine, type WorkerPoolEngine } from '../../server/media/index.js';
import { Bot } from './helpers/bot.js';
import { sleep, until } from './helpers/wait.js';

/**
 * Three real WebRTC participants (werift peer connections) on a router in a media worker process: everyone
 * receives everyone, a private caucus cuts the third party off at the packet level, mute stops a kind.
 */
const IDS = ['A', 'B', 'M'] as const;
type Id = (typeof IDS)[number];
const KINDS: MediaKind[] = ['audio', 'video'];

let engine: WorkerPoolEngine;
let router: MediaRouter;
const bots = new Map<Id, Bot>();
const levels: Record<string, number>[] = [];

const bot = (id: Id) => bots.get(id)!;
/** Packets `to` received from `from`, per kind. */
const received = (to: Id, from: Id, kind: MediaKind) => bot(to).from(from, kind);

function snapshot(): Map<string, number> {
  const m = new Map<string, number>();
  for (const to of IDS) for (const from of IDS) if (to !== from) for (const k of KINDS) m.set(`${from}>${to}:${k}`, received(to, from, k));
  return m;
}

async function table(): Promise<Map<string, number>> {
  const rows: ForwardingEntry[] = await router.forwardingTable();
  const m = new Map<string, number>();
  for (const r of rows) {
    const key = `${r.fromParticipantId}>${r.toParticipantId}:${r.kind}`;
    m.set(key, (m.get(key) ?? 0) + r.packets);
  }
  return m;
}

function grown(before: Map<string, number>, after: Map<string, number>, key: string): number {
  return (after.get(key) ?? 0) - (before.get(key) ?? 0);
}

beforeAll(async () => {
  engine = createWeriftEngine({ workers: 1 });
  await engine.ready();
  router = await engine.createRouter('hearing-forwarding');
  router.on('audioLevels', (l) => levels.push(l));
  for (const id of IDS) bots.set(id, new Bot(id, { audioLevel: id === 'A', videoKbps: 400 }));
  for (const id of IDS) {
    await bot(id).publish(router);
    bot(id).start();
  }
  for (const id of IDS) await bot(id).subscribe(router);
});

afterAll(async () => {
  await Promise.allSettled([...bots.values()].map((b) => b.close()));
  await router?.close();
  await engine?.close();
});

describe('forwarding between real WebRTC peers through a worker', () => {
  it('in the joint session each participant receives the other two, audio and video, and it keeps flowing', async () => {
    await until('every track arriving', () => [...snapshot().values()].every((n) => n > 0), 15_000);
    const a = snapshot();
    await sleep(1000);
    const b = snapshot();
    for (const key of a.keys()) expect(grown(a, b, key), key).toBeGreaterThan(key.endsWith('video') ? 20 : 10);
    for (const id of IDS) expect(bot(id).lastError).toBeNull();
  });

  it('the forwarding table counts what was sent per producer and subscriber', async () => {
    // Received first, then the table: the table is read over IPC, and packets keep arriving meanwhile.
    const s = snapshot();
    const t = await table();
    for (const [key, n] of s) {
      expect(t.get(key), key).toBeGreaterThan(0);
      // Sent is at least what arrived (loopback loses nothing, but packets can be in flight).
      expect(t.get(key)!, key).toBeGreaterThanOrEqual(n);
    }
  });

  it('a private caucus: B receives nothing from A or M, A and M receive nothing from B, A <-> M keeps flowing', async () => {
    await router.setRoom('A', 'caucus-1');
    await router.setRoom('M', 'caucus-1');
    await sleep(700); // in-flight packets land; renegotiation settles
    const s1 = snapshot();
    const t1 = await table();
    await sleep(2000);
    const s2 = snapshot();
    const t2 = await table();
    const cut = ['A>B', 'M>B', 'B>A', 'B>M'];
    for (const pair of cut) {
      for (const k of KINDS) {
        expect(grown(s1, s2, `${pair}:${k}`), `received ${pair} ${k}`).toBe(0);
        expect(grown(t1, t2, `${pair}:${k}`), `forwarding table ${pair} ${k}`).toBe(0);
      }
    }
    for (const pair of ['A>M', 'M>A']) {
      for (const k of KINDS) {
        expect(grown(s1, s2, `${pair}:${k}`), `received ${pair} ${k}`).toBeGreaterThan(10);
        expect(grown(t1, t2, `${pair}:${k}`), `forwarding table ${pair} ${k}`).toBeGreaterThan(10);
      }
    }
    // B's receiving transport no longer carries A's or M's tracks at all.
    const live = bot('B').sub!.getTransceivers().filter((t) => t.currentDirection === 'recvonly').map((t) => t.receiver.remoteStreamId);
    expect(live).not.toContain('A');
    expect(live).not.toContain('M');
  });

  it('back in the joint session everything flows again', async () => {
    await router.setRoom('A', 'joint');
    await router.setRoom('M', 'joint');
    await sleep(1000);
    const a = snapshot();
    await sleep(1500);
    const b = snapshot();
    for (const key of a.keys()) expect(grown(a, b, key), key).toBeGreaterThan(5);
  });

  it('setForwarding(audio, false) stops A audio to every subscriber, video goes on; true brings it back', async () => {
    await router.setForwarding('A', 'audio', false);
    await sleep(300);
    const s1 = snapshot();
    const t1 = await table();
    await sleep(1500);
    const s2 = snapshot();
    const t2 = await table();
    for (const to of ['B', 'M']) {
      expect(grown(s1, s2, `A>${to}:audio`), `A>${to} audio`).toBe(0);
      expect(grown(t1, t2, `A>${to}:audio`), `table A>${to} audio`).toBe(0);
      expect(grown(s1, s2, `A>${to}:video`), `A>${to} video`).toBeGreaterThan(10);
    }
    expect(grown(s1, s2, 'B>M:audio')).toBeGreaterThan(10);
    await router.setForwarding('A', 'audio', true);
    await sleep(500);
    const s3 = snapshot();
    await sleep(1000);
    const s4 = snapshot();
    for (const to of ['B', 'M']) expect(grown(s3, s4, `A>${to}:audio`), `A>${to} audio back`).toBeGreaterThan(10);
  });

  it('audio levels: RFC 6464 levels for A, an activity estimate for the others, about every 300 ms', async () => {
    const before = levels.length;
    await sleep(1500);
    const recent = levels.slice(before);
    expect(recent.length).toBeGreaterThanOrEqual(3);
    const last = recent.at(-1)!;
    expect(Object.keys(last).sort()).toEqual(['A', 'B', 'M']);
    // A sends level 20..29 dBov below full scale -> 98..107 on our 0 (silent) .. 127 (loud) scale.
    expect(last.A).toBeGreaterThanOrEqual(95);
    expect(last.A).toBeLessThanOrEqual(110);
    expect(last.B).toBeGreaterThan(0);
  });
});
