import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../signaling/protocol/hearing.js';
import { chatHash } from '../../server/cases/hearing-room.js';
import { startTestServer, type DbKind, type TestServer } from '../helpers/server.js';
import {
  ClientPool, must, next, presenceOf, request, setupHearing, sleep, state, type HearingClient, type HearingFixture,
} from '../helpers/hearing.js';
import { FakeMediaEngine } from './fake-media.js';

/** Private caucuses (the other side neither sees nor hears), chat to all and to the mediator; chat is stored on both stores. */
describe.each<DbKind>(['sqlite', 'postgres'])('live hearing: caucus and chat (%s)', (db) => {
  let s: TestServer;
  let engine: FakeMediaEngine;
  let pool: ClientPool;
  let n = 300;
  let f: HearingFixture;
  let c: Record<'mediator' | 'clerk' | 'applicant' | 'respondent', HearingClient>;
  let chats: Map<HearingClient, ChatMessage[]>;

  beforeAll(async () => {
    engine = new FakeMediaEngine();
    s = await startTestServer(db, {}, { mediaEngine: engine });
    pool = new ClientPool(s);
  });
  afterEach(() => pool.closeAll());
  afterAll(async () => {
    await s?.close();
  });

  /** Mediator and clerk inside, both parties admitted; every chat message each client receives is collected. */
  async function everyoneInside() {
    f = await setupHearing(s, ++n);
    const p = f.participants;
    c = {
      mediator: (await pool.join(p.mediator.token)).c,
      clerk: (await pool.join(p.clerk.token)).c,
      applicant: (await pool.join(p.applicant.token)).c,
      respondent: (await pool.join(p.respondent.token)).c,
    };
    for (const role of ['applicant', 'respondent'] as const) await must(c.mediator, 'lobby.admit', { participantId: p[role].id });
    await state(c.respondent, (x) => x.participants.filter((y) => y.presence === 'joined').length === 4);
    chats = new Map();
    for (const x of Object.values(c)) {
      chats.set(x, []);
      x.on('chat.message', (m) => chats.get(x)!.push(m));
    }
  }

  it('a caucus moves its members in the router; the other side sees that it runs, not who is in it; end brings all back', async () => {
    await everyoneInside();
    const p = f.participants;
    const router = engine.router(f.hearingId);
    const { caucusId } = await must(c.mediator, 'caucus.start', { participantIds: [p.applicant.id] });
    expect(router.rooms.get(p.applicant.id)).toBe(caucusId);
    expect(router.rooms.get(p.mediator.id)).toBe(caucusId);
    expect(router.rooms.get(p.respondent.id)).toBe('joint');
    expect(router.rooms.get(p.clerk.id)).toBe('joint');

    const outside = await state(c.respondent, (x) => x.caucuses.length === 1);
    expect(outside.caucuses).toEqual([{ id: caucusId, memberIds: null, startedAt: expect.any(String) }]);
    // The people in the caucus are not listed outside it either: that would give the members away.
    expect(outside.participants.map((x) => x.id).sort()).toEqual([p.clerk.id, p.respondent.id].sort());
    const clerkView = await state(c.clerk, (x) => x.caucuses.length === 1);
    expect(clerkView.caucuses[0]!.memberIds).toBeNull();
    const inside = await state(c.applicant, (x) => x.caucuses.length === 1);
    expect(inside.caucuses[0]!.memberIds!.sort()).toEqual([p.applicant.id, p.mediator.id].sort());
    expect(presenceOf(inside, p.applicant.id)?.roomId).toBe(caucusId);
    expect(presenceOf(inside, p.respondent.id)).toBeUndefined();
    const chair = await state(c.mediator, (x) => x.caucuses.length === 1);
    expect(chair.participants.map((x) => [x.id, x.roomId]).sort()).toEqual(
      [[p.mediator.id, caucusId], [p.applicant.id, caucusId], [p.clerk.id, 'joint'], [p.respondent.id, 'joint']].sort(),
    );

    // Chat and audio levels inside the caucus stay inside it.
    await must(c.applicant, 'chat.send', { to: 'all', text: 'we could accept 30,000' });
    const levels = next(c.respondent, 'media.levels');
    const ownLevels = next(c.applicant, 'media.levels');
    router.emit('audioLevels', { [p.applicant.id]: 90, [p.respondent.id]: 20 });
    expect((await levels)[0]).toEqual({ [p.respondent.id]: 20 });
    expect((await ownLevels)[0]).toEqual({ [p.applicant.id]: 90 });
    await sleep(100);
    expect(chats.get(c.mediator)!.map((m) => m.text)).toEqual(['we could accept 30,000']);
    expect(chats.get(c.respondent)).toEqual([]);
    expect(chats.get(c.clerk)).toEqual([]);
    const stored = await s.services.hearingRoom.chat(f.hearingId);
    expect(stored).toEqual([expect.objectContaining({ roomId: caucusId, inCaucus: true, text: 'we could accept 30,000' })]);

    expect(await request(c.mediator, 'caucus.start', { participantIds: [p.respondent.id] })).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
    const audit = (await s.services.audit.entries(f.caseId)).find((e) => e.action === 'hearing.caucus_started');
    expect(audit).toMatchObject({ actor: `participant:${p.mediator.id}`, data: { caucusId, memberIds: [p.mediator.id, p.applicant.id] } });
    // The caucus as held is kept (issue 12): who held it and who was in it decide who may read its material later.
    expect(await s.services.hearingRoom.caucus(f.caseId, caucusId)).toMatchObject({
      caucusId, hearingId: f.hearingId, heldBy: p.mediator.id, heldByStaff: s.staff.mediator.id, memberIds: [p.mediator.id, p.applicant.id],
    });
    expect(await s.services.hearingRoom.caucus('case_other', caucusId)).toBeNull();

    await must(c.mediator, 'caucus.end', { caucusId });
    for (const id of [p.mediator.id, p.applicant.id]) expect(router.rooms.get(id)).toBe('joint');
    for (const x of Object.values(c)) {
      const back = await state(x, (y) => y.caucuses.length === 0 && y.participants.filter((z) => z.roomId === 'joint').length === 4);
      expect(back.participants.every((z) => z.presence === 'joined')).toBe(true);
    }
    expect((await s.services.audit.entries(f.caseId)).map((e) => e.action)).toContain('hearing.caucus_ended');
    expect(await request(c.mediator, 'caucus.end', { caucusId })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('chat to all reaches the room; chat to the mediator reaches only the mediator and the sender; both are kept in the file', async () => {
    await everyoneInside();
    const p = f.participants;
    const all = await must(c.applicant, 'chat.send', { to: 'all', text: '  hello everyone ' });
    expect(all).toMatchObject({ fromId: p.applicant.id, to: 'all', text: 'hello everyone' });
    const priv = await must(c.respondent, 'chat.send', { to: 'mediator', text: 'our real limit is 25,000' });
    await must(c.mediator, 'chat.send', { to: 'all', text: 'thank you' });
    await sleep(150);
    const texts = (x: HearingClient) => chats.get(x)!.map((m) => m.text);
    expect(texts(c.mediator)).toEqual(['hello everyone', 'our real limit is 25,000', 'thank you']);
    expect(texts(c.respondent)).toEqual(['hello everyone', 'our real limit is 25,000', 'thank you']);
    expect(texts(c.applicant)).toEqual(['hello everyone', 'thank you']);
    expect(texts(c.clerk)).toEqual(['hello everyone', 'thank you']);

    const stored = await s.services.hearingRoom.chat(f.hearingId);
    expect(stored.map((m) => [m.fromId, m.to, m.text])).toEqual([
      [p.applicant.id, 'all', 'hello everyone'],
      [p.respondent.id, 'mediator', 'our real limit is 25,000'],
      [p.mediator.id, 'all', 'thank you'],
    ]);
    const hashes = (await s.services.audit.entries(f.caseId)).filter((e) => e.action === 'hearing.chat').map((e) => (e.data as any).sha256);
    expect(hashes).toEqual(stored.map(chatHash));
    expect(priv.id).toBe(stored[1]!.id);
  });

  it('from the lobby one may write to the mediator only', async () => {
    f = await setupHearing(s, ++n);
    const p = f.participants;
    const med = (await pool.join(p.mediator.token)).c;
    const waiting = (await pool.join(p.applicant.token)).c;
    const got = next(med, 'chat.message');
    expect(await request(waiting, 'chat.send', { to: 'all', text: 'anyone?' })).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
    await must(waiting, 'chat.send', { to: 'mediator', text: 'I am waiting' });
    expect((await got)[0]).toMatchObject({ fromId: p.applicant.id, to: 'mediator', text: 'I am waiting' });
  });
});
