import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Ack, ChatMessage } from '../../signaling/protocol/hearing.js';
import { ERROR_CODES } from '../../signaling/protocol/errors.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import {
  ClientPool, disconnected, must, presenceOf, rawRequest, setupHearing, sleep, state, type HearingClient, type HearingFixture,
} from '../helpers/hearing.js';
import { FakeMediaEngine } from './fake-media.js';

type Emit = (event: string, ...args: unknown[]) => void;

const nested = (depth: number): unknown => {
  let v: unknown = 'leaf';
  for (let i = 0; i < depth; i++) v = [v];
  return v;
};

/** Bad input from one client: error acks or a disconnect for that client, never a crash or a change, others unaffected. */
describe('live hearing: hostile input', () => {
  let s: TestServer;
  let engine: FakeMediaEngine;
  let pool: ClientPool;
  let n = 600;
  let f: HearingFixture;
  let c: Record<'mediator' | 'applicant' | 'respondent', HearingClient>;

  beforeAll(async () => {
    engine = new FakeMediaEngine();
    s = await startTestServer('sqlite', {}, { mediaEngine: engine });
    pool = new ClientPool(s);
  });
  afterEach(() => pool.closeAll());
  afterAll(async () => {
    await s?.close();
  });

  async function threeInside() {
    f = await setupHearing(s, ++n);
    const p = f.participants;
    c = {
      mediator: (await pool.join(p.mediator.token)).c,
      applicant: (await pool.join(p.applicant.token)).c,
      respondent: (await pool.join(p.respondent.token)).c,
    };
    for (const role of ['applicant', 'respondent'] as const) await must(c.mediator, 'lobby.admit', { participantId: p[role].id });
    await state(c.respondent, (x) => x.participants.filter((y) => y.presence === 'joined').length === 3);
  }

  /** Every kind of bad message; `ack` is appended where the message carries one. */
  const badMessages = (applicantId: string): [string, unknown[], boolean][] => [
    ['no.such.event', [{}], true],
    ['__proto__', [{}], true],
    ['constructor', [{}], true],
    ['hasOwnProperty', ['x'], true],
    ['chat.send', ['just a string'], true],
    ['chat.send', [null], true],
    ['chat.send', [{ to: 'all', text: 42 }], true],
    ['chat.send', [{ to: 'everyone', text: 'x' }], true],
    ['chat.send', [{ to: 'all', text: 'x', extra: true }], true],
    ['chat.send', [{ to: 'all', text: '   ' }], true],
    ['chat.send', [{ to: 'all', text: 'x'.repeat(2001) }], true],
    ['chat.send', [{ to: 'all', text: 'two payloads' }, { more: 1 }], true],
    ['chat.send', [nested(2000)], true],
    ['chat.send', [{ to: 'all', text: Buffer.alloc(16) }], true],
    ['lobby.admit', [{ participantId: { $ne: '' } }], true],
    ['lobby.admit', [{ participantId: '../../etc/passwd' }], true],
    ['participant.mute', [{ participantId: applicantId, kind: 'audio' }], true],
    ['caucus.start', [{ participantIds: Array(21).fill(applicantId) }], true],
    ['self.update', [{ audioMuted: 'yes' }], true],
    ['media.answer', [{ sdp: 12345 }], true],
    ['hearing.end', [], true],
    // Without an acknowledgement nobody can be answered: ignored, and certainly not applied.
    ['chat.send', [{ to: 'all', text: 'sneaky' }], false],
    ['hearing.leave', [{}], false],
    ['hearing.end', [{}], false],
  ];

  it('answers each malformed, unknown, forbidden or ack-less message with an error ack (or not at all) and changes nothing', async () => {
    await threeInside();
    const p = f.participants;
    const auditBefore = (await s.services.audit.entries(f.caseId)).length;
    const emit = c.respondent.emit.bind(c.respondent) as unknown as Emit;
    for (const [name, args, withAck] of badMessages(p.applicant.id)) {
      if (!withAck) {
        emit(name, ...args);
        continue;
      }
      const res = await rawRequest(c.respondent, name, ...args);
      expect(res.ok, `${name} ${JSON.stringify(args).slice(0, 80)}`).toBe(false);
      if (!res.ok) expect(ERROR_CODES).toContain(res.error.code);
    }
    await sleep(100);
    const snap = await must(c.mediator, 'hearing.join', {});
    expect(snap.participants.map((x) => x.presence)).toEqual(['joined', 'joined', 'joined']);
    expect(snap.locked).toBe(false);
    expect((await s.services.audit.entries(f.caseId)).length).toBe(auditBefore);
    expect(await s.services.hearingRoom.chat(f.hearingId)).toEqual([]);
    expect((await s.services.hearings.get(f.caseId, f.hearingId)).status).toBe('in_progress');
  });

  it('2,000 hostile messages from one client while two others chat: the others get every message, the flooder is cut off', async () => {
    await threeInside();
    const p = f.participants;
    const received = new Map<HearingClient, ChatMessage[]>([[c.mediator, []], [c.applicant, []]]);
    for (const [x, list] of received) x.on('chat.message', (m) => list.push(m));
    const acks: Ack<unknown>[] = [];
    const gone = disconnected(c.respondent, 15_000);
    const emit = c.respondent.emit.bind(c.respondent) as unknown as Emit;
    const kinds = badMessages(p.applicant.id);
    const flood = (async () => {
      for (let i = 0; i < 2000; i++) {
        const [name, args, withAck] = kinds[i % kinds.length]!;
        if (withAck) emit(name, ...args, (r: Ack<unknown>) => acks.push(r));
        else emit(name, ...args);
        if (i % 100 === 99) await sleep(1);
      }
    })();
    const talk = async (x: HearingClient, who: string) => {
      for (let i = 0; i < 25; i++) {
        await must(x, 'chat.send', { to: 'all', text: `${who} ${i}` });
        await sleep(10);
      }
    };
    await Promise.all([flood, talk(c.mediator, 'mediator'), talk(c.applicant, 'applicant')]);
    expect(await gone).toBe('io server disconnect');
    await sleep(100);

    const expected = [...Array(25).keys()].flatMap((i) => [`mediator ${i}`, `applicant ${i}`]).sort();
    for (const list of received.values()) {
      expect(list.map((m) => m.text).sort()).toEqual(expected);
      expect(list.some((m) => m.fromId === p.respondent.id)).toBe(false);
    }
    expect(acks.length).toBeGreaterThan(0);
    expect(acks.every((a) => !a.ok && ERROR_CODES.includes(a.error.code))).toBe(true);
    expect(acks.some((a) => !a.ok && a.error.code === 'RATE_LIMITED')).toBe(true);

    // Still serving: health, HTTP API, a new socket, and the hearing state is what the good clients made it.
    expect((await s.api('GET', '/healthz')).status).toBe(200);
    const clerk = await pool.join(p.clerk.token);
    expect(presenceOf(clerk.snapshot, p.clerk.id)?.presence).toBe('joined');
    const snap = await must(c.mediator, 'hearing.join', {});
    expect(presenceOf(snap, p.applicant.id)?.presence).toBe('joined');
    expect(presenceOf(snap, p.respondent.id)?.presence).toBe('disconnected');
    expect(snap.locked).toBe(false);
    expect(snap.caucuses).toEqual([]);
    expect((await s.services.hearings.get(f.caseId, f.hearingId)).status).toBe('in_progress');
  });

  it('refuses payloads over the size limit: binary attachments with PAYLOAD_TOO_LARGE, a huge frame by dropping that connection', async () => {
    await threeInside();
    const p = f.participants;
    const big = { to: 'all', text: Buffer.alloc(40_000), more: Buffer.alloc(40_000) };
    expect(await rawRequest(c.respondent, 'chat.send', big)).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } });
    const gone = disconnected(c.respondent);
    (c.respondent.emit as unknown as Emit)('chat.send', { to: 'all', text: 'x'.repeat(70_000) }, () => {});
    await gone;
    const left = await state(c.mediator, (x) => presenceOf(x, p.respondent.id)?.presence === 'disconnected');
    expect(presenceOf(left, p.applicant.id)?.presence).toBe('joined');
    expect(await must(c.applicant, 'chat.send', { to: 'all', text: 'still fine' })).toMatchObject({ text: 'still fine' });
  });

  it('a client that sends bytes socket.io cannot parse loses its connection; nobody else notices', async () => {
    await threeInside();
    const p = f.participants;
    const gone = disconnected(c.respondent);
    (c.respondent.io as any).engine.write('this is not a socket.io packet');
    await gone;
    await state(c.mediator, (x) => presenceOf(x, p.respondent.id)?.presence === 'disconnected');
    expect(await must(c.applicant, 'chat.send', { to: 'all', text: 'unaffected' })).toMatchObject({ text: 'unaffected' });
  });
});
