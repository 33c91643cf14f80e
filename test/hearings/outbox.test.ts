import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage, HearingSnapshot } from '../../signaling/protocol/hearing.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import {
  ClientPool, connected, must, next, presenceOf, rawRequest, request, setupHearing, sleep, state, type HearingClient, type HearingFixture,
} from '../helpers/hearing.js';
import { localPort, seqJoin, type SeqClient } from '../helpers/outbox.js';
import { blockTcpPorts, unblock, unblockAll } from '../helpers/netblock.js';
import { FakeMediaEngine } from './fake-media.js';

const CUT_MS = 5000;

/**
 * Issue 11 item 3: what the hearing sends a participant while their signalling is cut reaches them afterwards, once
 * and in order, whether socket.io recovers the connection or a new socket joins again.
 */
describe('live hearing: the participant outbox across a signalling cut', { timeout: 90_000 }, () => {
  let s: TestServer;
  let pool: ClientPool;
  let n = 700;
  let f: HearingFixture;
  const seqs: SeqClient[] = [];

  beforeAll(async () => {
    s = await startTestServer('sqlite', {}, { mediaEngine: new FakeMediaEngine(), hearingGraceMs: 30_000 });
    pool = new ClientPool(s);
  });
  afterEach(() => {
    unblockAll();
    for (const c of seqs.splice(0)) c.close();
    pool.closeAll();
  });
  afterAll(async () => {
    await s?.close();
  });

  /** Mediator and applicant inside (plain sockets), the respondent inside through the outbox-aware client. */
  async function inside(retryMs: number) {
    f = await setupHearing(s, ++n);
    const p = f.participants;
    const med = (await pool.join(p.mediator.token)).c;
    const app = (await pool.join(p.applicant.token)).c;
    const resp = await seqJoin(s, p.respondent.token, retryMs);
    seqs.push(resp);
    for (const who of [p.applicant.id, p.respondent.id]) await must(med, 'lobby.admit', { participantId: who });
    await expect.poll(() => selfIn(resp)?.roomId, { timeout: 20_000 }).toBe('joint');
    return { med, app, resp };
  }

  /** During the cut: a chat message to everyone, the mediator mutes the respondent, then takes them into a caucus. */
  async function duringCut(med: HearingClient, app: HearingClient): Promise<{ msg: ChatMessage; caucusId: string }> {
    const p = f.participants;
    const msg = await must(app, 'chat.send', { to: 'all', text: 'sent while you were away' });
    await must(med, 'participant.mute', { participantId: p.respondent.id, kind: 'audio' });
    const { caucusId } = await must(med, 'caucus.start', { participantIds: [p.respondent.id] });
    return { msg, caucusId };
  }

  /** The newest snapshot the respondent applied (a live one or a join answer), and their own entry in it. */
  function latest(c: SeqClient): HearingSnapshot | undefined {
    const last = c.applied.map((a, i) => ({ a, i })).filter(({ a }) => a.event === 'hearing.state').pop();
    return (last?.a.args[0] as HearingSnapshot | undefined) ?? c.joins[c.joins.length - 1];
  }
  const selfIn = (c: SeqClient) => {
    const snap = latest(c);
    return snap ? presenceOf(snap, snap.selfId) : undefined;
  };

  /** All three are there, each exactly once, in the order they happened. */
  async function allThere(c: SeqClient, msg: ChatMessage, caucusId: string): Promise<void> {
    await expect.poll(() => c.of('chat.message').filter(([m]) => (m as ChatMessage).id === msg.id).length, { timeout: 30_000 }).toBe(1);
    await expect.poll(() => c.of('control.muted').length, { timeout: 30_000 }).toBe(1);
    await expect.poll(() => selfIn(c)?.roomId, { timeout: 30_000 }).toBe(caucusId);
    expect(c.of('control.muted')[0]![0]).toEqual({ kind: 'audio' });
    expect(selfIn(c)?.forcedMuted.audio).toBe(true);
    const at = (pred: (a: SeqClient['applied'][number]) => boolean) => c.applied.findIndex(pred);
    const chatAt = at((a) => a.event === 'chat.message' && (a.args[0] as ChatMessage).id === msg.id);
    const muteAt = at((a) => a.event === 'control.muted');
    const caucusAt = at((a) => a.event === 'hearing.state' && presenceOf(a.args[0] as HearingSnapshot, f.participants.respondent.id)?.roomId === caucusId);
    expect(chatAt).toBeGreaterThanOrEqual(0);
    expect(muteAt).toBeGreaterThan(chatAt);
    expect(caucusAt).toBeGreaterThan(muteAt);
    // Nothing sequenced was applied twice: every applied event has its own seq.
    const tags = c.applied.map((a) => a.args[a.args.length - 1] as { epoch: string; seq: number }).filter((d) => d && typeof d.seq === 'number');
    expect(new Set(tags.map((d) => `${d.epoch}:${d.seq}`)).size).toBe(tags.length);
  }

  it('a recovered connection (socket.io kept the session) gets what was sent during a 5 s cut, once, in order', async () => {
    const { med, app, resp } = await inside(CUT_MS);
    const p = f.participants;
    const away = state(med, (x) => presenceOf(x, p.respondent.id)?.presence === 'disconnected', 15_000);
    // The transport closes under the socket; socket.io-client tries again only after CUT_MS.
    (resp.c.io as unknown as { engine: { close(): void } }).engine.close();
    await away;
    const { msg, caucusId } = await duringCut(med, app);
    await state(med, (x) => presenceOf(x, p.respondent.id)?.presence === 'joined', 30_000);
    expect(resp.c.recovered).toBe(true);
    await allThere(resp, msg, caucusId);
    // Recovered: no second hearing.join was needed.
    expect(resp.joins).toHaveLength(1);
  });

  it('a connection that went dark (the server wrote into it for 5 s) and came back as a new socket gets them by replay', async () => {
    const { med, app, resp } = await inside(300);
    const p = f.participants;
    const table = blockTcpPorts([localPort(resp.c)]);
    const cutAt = Date.now();
    let msg: ChatMessage;
    let caucusId: string;
    try {
      // The server does not notice: it sends into a connection whose packets are dropped.
      ({ msg, caucusId } = await duringCut(med, app));
      await sleep(Math.max(0, CUT_MS - (Date.now() - cutAt)));
      // The client gives up on the dead connection and connects again from another port.
      (resp.c.io as unknown as { engine: { close(): void } }).engine.close();
      await expect.poll(() => resp.joins.length, { timeout: 30_000 }).toBe(2);
    } finally {
      unblock(table);
    }
    expect(resp.c.recovered).toBe(false);
    expect(resp.joins[1]!.outbox.replayed).toBeGreaterThanOrEqual(3);
    await allThere(resp, msg!, caucusId!);
    await state(med, (x) => presenceOf(x, p.respondent.id)?.presence === 'joined', 30_000);
  });

  it('a new socket without since gets the full state; with the last applied seq, only what followed it', async () => {
    const { med, app, resp } = await inside(300);
    const since = resp.inbox.since() ?? { epoch: 'none', seq: 0 };
    resp.close();
    const p = f.participants;
    await state(med, (x) => presenceOf(x, p.respondent.id)?.presence === 'disconnected', 15_000);
    const { msg, caucusId } = await duringCut(med, app);

    const fresh = (await pool.join(p.respondent.token)).snapshot;
    expect(fresh.outbox.replayed).toBeNull();
    expect(presenceOf(fresh, p.respondent.id)).toMatchObject({ roomId: caucusId, forcedMuted: { audio: true, video: false } });

    const again = await connected(pool.client(p.respondent.token));
    const got: string[] = [];
    again.onAny((event: string) => got.push(event));
    const r = await must(again, 'hearing.join', { since });
    expect(r.outbox.epoch).toBe(since.epoch);
    expect(r.outbox.replayed).toBeGreaterThanOrEqual(3);
    // Replayed before the answer, in order (older snapshots superseded by the newest one are not replayed).
    expect(got.filter((e) => e !== 'hearing.state')).toEqual(expect.arrayContaining(['chat.message', 'control.muted', 'chat.history']));
    expect(got.indexOf('chat.message')).toBeLessThan(got.indexOf('control.muted'));
    expect(got.filter((e) => e === 'control.muted')).toHaveLength(1);
    expect(msg.id).toBeTruthy();
  });

  it('malformed, foreign or impossible acknowledgements and since values get a clear error and leak nothing', async () => {
    f = await setupHearing(s, ++n);
    const p = f.participants;
    const med = await pool.join(p.mediator.token);
    const resp = await pool.join(p.respondent.token);
    // Private to the mediator: in the mediator's outbox, never anyone else's.
    const delivered = next(med.c, 'chat.message');
    await must(resp.c, 'chat.send', { to: 'mediator', text: 'private to the mediator' });
    await delivered;
    const app = await pool.join(p.applicant.token);
    const mine = app.snapshot.outbox;
    const theirs = med.snapshot.outbox;
    expect(mine.epoch).not.toBe(theirs.epoch);

    const unjoined = await connected(pool.client(p.arbitrator.token));
    expect(await rawRequest(unjoined, 'outbox.ack', { epoch: mine.epoch, seq: 1 })).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });

    for (const bad of [
      { epoch: mine.epoch, seq: -1 }, { epoch: mine.epoch, seq: '3' }, { epoch: mine.epoch, seq: 1e300 }, { epoch: mine.epoch, seq: 2 ** 53 },
      { epoch: mine.epoch, seq: 1.5 }, { epoch: '../../etc', seq: 1 }, { epoch: '', seq: 1 }, { seq: 1 }, { epoch: mine.epoch, seq: 1, extra: true },
      null, 'ack', [mine.epoch, 1],
    ]) {
      expect(await rawRequest(app.c, 'outbox.ack', bad), JSON.stringify(bad)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
      expect(await rawRequest(app.c, 'hearing.join', { since: bad }), JSON.stringify(bad)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    }
    // Well-formed but impossible: ahead of what was sent, or another participant's epoch.
    const ahead = await request(app.c, 'outbox.ack', { epoch: mine.epoch, seq: mine.seq + 1000 });
    expect(ahead).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
    const foreign = await request(app.c, 'outbox.ack', { epoch: theirs.epoch, seq: 1 });
    expect(foreign).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
    expect(JSON.stringify(foreign)).not.toContain(p.mediator.id);

    // A join with the mediator's epoch is answered with the applicant's own full state, and nothing of the mediator's.
    const heard: unknown[] = [];
    app.c.onAny((event: string, ...args: unknown[]) => heard.push([event, ...args]));
    const r = await must(app.c, 'hearing.join', { since: { epoch: theirs.epoch, seq: 0 } });
    expect(r.selfId).toBe(p.applicant.id);
    expect(r.outbox).toMatchObject({ epoch: mine.epoch, replayed: null });
    const ahead2 = await must(app.c, 'hearing.join', { since: { epoch: mine.epoch, seq: Number.MAX_SAFE_INTEGER } });
    expect(ahead2.outbox.replayed).toBeNull();
    expect(JSON.stringify(heard)).not.toContain('private to the mediator');
    expect(JSON.stringify(r)).not.toContain('private to the mediator');
    // The impossible values moved nothing: the outbox still replays from where the applicant really is.
    const ok = await must(app.c, 'hearing.join', { since: { epoch: mine.epoch, seq: 0 } });
    expect(ok.outbox.replayed).not.toBeNull();
    expect(await request(app.c, 'outbox.ack', { epoch: mine.epoch, seq: ok.outbox.seq })).toEqual({ ok: true, data: null });
    expect(await must(med.c, 'hearing.join', {})).toMatchObject({ selfId: p.mediator.id });
  });
});
