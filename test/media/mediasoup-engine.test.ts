import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config/index.js';
import type { ForwardingEntry, MediaKind, MediaRouter, ProducerInfo } from '../../server/media/engine.js';
import { createMediasoupEngine, type MediasoupEngine } from '../../server/media/mediasoup/index.js';
import { locateMediasoupWorker } from '../../server/media/mediasoup/worker-bin.js';
import { Bot } from './helpers/bot.js';
import { sleep, until } from './helpers/wait.js';

/**
 * The mediasoup engine (server/media/mediasoup) with real WebRTC peers (werift bots) speaking SDP to it through the
 * server-side bridge: forwarding, the caucus isolation rule proven by mediasoup's own counters and by what the bots
 * receive, mute, a restarted subscription, hostile SDP, and a worker killed under a live hearing.
 */
const where = locateMediasoupWorker(loadConfig().mediasoup);
if (!where.ok) console.warn(`mediasoup engine tests skipped: ${where.reason}`);

const IDS = ['A', 'B', 'M'] as const;
type Id = (typeof IDS)[number];
const KINDS: MediaKind[] = ['audio', 'video'];

describe.skipIf(!where.ok)('the mediasoup engine', () => {
  let engine: MediasoupEngine;
  let router: MediaRouter;
  const bots = new Map<string, Bot>();
  const extra: Bot[] = [];
  const levels: Record<string, number>[] = [];
  let producers: ProducerInfo[] = [];

  const bot = (id: string) => bots.get(id)!;
  const received = (to: string, from: string, kind: MediaKind) => bot(to).from(from, kind);
  function snapshot(): Map<string, number> {
    const m = new Map<string, number>();
    for (const to of IDS) for (const from of IDS) if (to !== from) for (const k of KINDS) m.set(`${from}>${to}:${k}`, received(to, from, k));
    return m;
  }
  async function table(r: MediaRouter = router): Promise<Map<string, number>> {
    const rows: ForwardingEntry[] = await r.forwardingTable();
    const m = new Map<string, number>();
    for (const row of rows) {
      const key = `${row.fromParticipantId}>${row.toParticipantId}:${row.kind}`;
      m.set(key, (m.get(key) ?? 0) + row.packets);
    }
    return m;
  }
  const grown = (a: Map<string, number>, b: Map<string, number>, key: string) => (b.get(key) ?? 0) - (a.get(key) ?? 0);

  beforeAll(async () => {
    if (!where.ok) return;
    engine = createMediasoupEngine({ workerBin: where.bin, workers: 1 });
    await engine.ready();
    router = await engine.createRouter('hearing-mediasoup');
    router.on('audioLevels', (l) => levels.push(l));
    router.on('producersChanged', (p) => (producers = p));
    for (const id of IDS) bots.set(id, new Bot(id, { audioLevel: id === 'A', videoKbps: 400 }));
    for (const id of IDS) {
      await bot(id).publish(router);
      bot(id).start();
    }
    for (const id of IDS) await bot(id).subscribe(router);
  }, 60_000);

  afterAll(async () => {
    await Promise.allSettled([...bots.values(), ...extra].map((b) => b.close()));
    await router?.close();
    await engine?.close();
  });

  it('in the joint session each participant receives the other two, audio and video, and it keeps flowing', async () => {
    await until('every track arriving', () => [...snapshot().values()].every((n) => n > 0), 30_000);
    const a = snapshot();
    await sleep(1000);
    const b = snapshot();
    for (const key of a.keys()) expect(grown(a, b, key), key).toBeGreaterThan(key.endsWith('video') ? 10 : 5);
    for (const id of IDS) expect(bot(id).lastError).toBeNull();
    expect(producers.filter((p) => p.participantId === 'A').map((p) => p.source).sort()).toEqual(['camera', 'microphone']);
  });

  it("the forwarding table is mediasoup's own count of what each consumer sent", async () => {
    const s = snapshot();
    const t = await table();
    for (const [key, n] of s) {
      expect(t.get(key), key).toBeGreaterThan(0);
      expect(t.get(key)!, key).toBeGreaterThanOrEqual(n);
    }
  });

  it('a private caucus: B receives nothing from A or M and sends them nothing, A <-> M keeps flowing', async () => {
    await router.setRoom('A', 'caucus-1');
    await router.setRoom('M', 'caucus-1');
    // No settling pause for the table: the consumers across rooms are stopped before setRoom returns.
    const t1 = await table();
    await sleep(300); // packets already on the wire land
    const s1 = snapshot();
    await sleep(2000);
    const s2 = snapshot();
    const t2 = await table();
    for (const pair of ['A>B', 'M>B', 'B>A', 'B>M']) {
      for (const k of KINDS) {
        expect(grown(t1, t2, `${pair}:${k}`), `forwarding table ${pair} ${k}`).toBe(0);
        expect(grown(s1, s2, `${pair}:${k}`), `received ${pair} ${k}`).toBe(0);
      }
    }
    for (const pair of ['A>M', 'M>A']) {
      for (const k of KINDS) {
        expect(grown(s1, s2, `${pair}:${k}`), `received ${pair} ${k}`).toBeGreaterThan(5);
        expect(grown(t1, t2, `${pair}:${k}`), `forwarding table ${pair} ${k}`).toBeGreaterThan(5);
      }
    }
    const live = bot('B').sub!.getTransceivers().filter((t) => t.currentDirection === 'recvonly').map((t) => t.receiver.remoteStreamId);
    await until('B renegotiated without A and M', () => {
      const now = bot('B').sub!.getTransceivers().filter((t) => t.currentDirection === 'recvonly').map((t) => t.receiver.remoteStreamId);
      return !now.includes('A') && !now.includes('M');
    }, 10_000);
    expect(live.length).toBeGreaterThanOrEqual(0);
  });

  it('back in the joint session everything flows again, on the same m-lines', async () => {
    const lines = () => bot('B').sub!.remoteDescription!.sdp.split('\r\n').filter((l) => l.startsWith('m=')).length;
    const before = lines();
    await router.setRoom('A', 'joint');
    await router.setRoom('M', 'joint');
    await until('all flowing', async () => {
      const a = snapshot();
      await sleep(700);
      const b = snapshot();
      return [...a.keys()].every((k) => grown(a, b, k) > 3);
    }, 20_000, 10);
    expect(lines()).toBe(before);
  });

  it('setForwarding(audio, false) stops A audio to every subscriber, video goes on; true brings it back', async () => {
    await router.setForwarding('A', 'audio', false);
    const t1 = await table();
    await sleep(300);
    const s1 = snapshot();
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
    const s3 = snapshot();
    await until('A audio back', () => ['B', 'M'].every((to) => received(to, 'A', 'audio') > s3.get(`A>${to}:audio`)! + 10), 10_000);
  });

  it("audio levels from mediasoup's observer: A's RFC 6464 level on the 0..127 scale, every publisher named", async () => {
    const before = levels.length;
    await until('level reports', () => levels.length >= before + 3, 10_000);
    const last = levels.at(-1)!;
    expect(Object.keys(last).sort()).toEqual(['A', 'B', 'M']);
    // A sends 20..29 dBov below full scale -> 98..107.
    expect(last.A).toBeGreaterThanOrEqual(95);
    expect(last.A).toBeLessThanOrEqual(110);
  });

  it('subscribe() again restarts the receiving transport (new session) and media flows again', async () => {
    const offers: string[] = [];
    const onOffer = (id: string, sdp: string) => id === 'B' && offers.push(sdp);
    router.on('subscriberOffer', onOffer);
    const old = bot('B');
    const oldSession = old.sub!.remoteDescription!.sdp.split('\r\n')[1]!.split(' ')[1];
    const fresh = new Bot('B', { videoKbps: 400 });
    old.stop();
    await old.close();
    extra.push(fresh);
    await fresh.subscribe(router);
    router.off('subscriberOffer', onOffer);
    expect(offers.length).toBeGreaterThanOrEqual(1);
    expect(offers[0]!.split('\r\n')[1]!.split(' ')[1]).not.toBe(oldSession);
    await until('media from A and M after the restart', () => fresh.from('A', 'video') > 20 && fresh.from('M', 'audio') > 10, 30_000);
  });

  it('garbage SDP is rejected with a validation error and leaves nothing behind; the router keeps forwarding', async () => {
    const before = producers.length;
    for (const sdp of ['garbage', 'v=0\r\n', 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:0\r\na=sendonly\r\n']) {
      await expect(router.publish('intruder', sdp, {})).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    await expect(router.answerSubscriber('A', 'v=0\r\n')).rejects.toMatchObject({ code: expect.stringMatching(/VALIDATION_FAILED|INVALID_STATE/) });
    expect((await router.forwardingTable()).some((r) => r.fromParticipantId === 'intruder' || r.toParticipantId === 'intruder')).toBe(false);
    expect(producers.length).toBe(before);
    const n = received('A', 'M', 'video');
    await until('still flowing', () => received('A', 'M', 'video') > n + 20, 10_000);
  });

  it('a worker killed under a live hearing: the router emits failed, a new router on the respawned worker forwards', async () => {
    const failed = new Promise<string>((resolve) => router.on('failed', resolve));
    const pid = engine.stats().workers[0]!.pid;
    process.kill(pid, 'SIGKILL');
    expect(await failed).toMatch(/died/);
    expect(router.closed).toBe(true);
    await expect(router.subscribe('A')).rejects.toMatchObject({ code: 'INVALID_STATE' });
    const again = await engine.createRouter('hearing-mediasoup-2');
    expect(engine.stats().workers.map((w) => w.pid)).not.toContain(pid);
    const a = new Bot('A2', { videoKbps: 300 });
    const b = new Bot('B2', { videoKbps: 300 });
    extra.push(a, b);
    await a.publish(again);
    a.start();
    await b.subscribe(again);
    await until('media through the new router', () => b.from('A2', 'video') > 20 && b.from('A2', 'audio') > 10, 30_000);
    await again.close();
    await again.close();
    await expect(again.publish('A2', 'v=0\r\n', {})).rejects.toMatchObject({ code: 'INVALID_STATE' });
  });
});
