import { Manager, io, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../signaling/protocol/errors.js';
import { HEARING_NAMESPACE } from '../../signaling/protocol/hearing.js';
import { PAD_NAMESPACE } from '../../signaling/protocol/pad.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { ClientPool, connected, disconnected, must, refused, setupHearing, sleep, type HearingFixture } from '../helpers/hearing.js';
import { padClient, padFixture, synced, type PadFixture } from '../pad/helpers.js';
import { FakeMediaEngine } from './fake-media.js';

/** What became of a socket: 'connected', or the code it was refused with. */
function outcome(c: Socket, timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve('timeout'), timeoutMs);
    c.once('connect', () => {
      clearTimeout(t);
      resolve('connected');
    });
    c.once('connect_error', (err: Error & { data?: { code?: string } }) => {
      clearTimeout(t);
      resolve(err.data?.code ?? `error:${err.message}`);
    });
  });
}

const count = (xs: string[], x: string) => xs.filter((y) => y === x).length;

function padSocket(s: TestServer, token: string, agreementId: string): Socket {
  return io(`${s.url}${PAD_NAMESPACE}`, {
    auth: { token, protocol: PROTOCOL_VERSION, agreementId }, transports: ['websocket'], extraHeaders: { origin: s.url }, reconnection: false, forceNew: true,
  });
}

async function metric(s: TestServer, name: string, labels: string): Promise<number> {
  const text = await (await fetch(`${s.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line === undefined ? Number.NaN : Number(line.slice(line.lastIndexOf(' ') + 1));
}

async function settled(s: TestServer): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const c = s.gateway.limits.counts();
    if (c.engine.connections === 0 && Object.values(c.namespaces).every((n) => n.sockets === 0 && n.sessions === 0 && n.addresses === 0)) return;
    await sleep(50);
  }
  throw new Error(`counters did not return to 0: ${JSON.stringify(s.gateway.limits.counts())}`);
}

/** Issue 11, item 6b: one token or one address cannot open sockets without bound. Floods only 127.0.0.1. */
describe('socket limits: per session and per address, both namespaces', () => {
  let s: TestServer;
  let pool: ClientPool;
  let f: PadFixture;
  let other: HearingFixture;
  const opened: Socket[] = [];

  beforeAll(async () => {
    // Per session: the default (4). Replacement of an old socket is off here (an hour): on a loaded machine a 300-socket
    // flood outlasts the default 10 s, and its first sockets would be replaced, not counted (replacement has its own
    // test below). The address caps are high enough for 300 sockets from 127.0.0.1.
    s = await startTestServer('sqlite', {
      CONCORD_SOCKETS_PER_ADDRESS: '1000', CONCORD_CONNECTIONS_PER_ADDRESS: '1000', CONCORD_SOCKET_REPLACE_AFTER_MS: '3600000',
    }, { mediaEngine: new FakeMediaEngine() });
    pool = new ClientPool(s);
    f = await padFixture(s, 611);
    other = await setupHearing(s, 612);
  }, 60_000);
  afterEach(() => {
    pool.closeAll();
    for (const c of opened.splice(0)) c.close();
  });
  afterAll(async () => {
    await s?.close();
  });

  it('300 concurrent /hearing sockets with one token: at most 4 connect, the rest get TOO_MANY_CONNECTIONS, the server stays healthy', async () => {
    const token = f.participants.applicant.token;
    const clients = Array.from({ length: 300 }, () => pool.client(token));
    const results = await Promise.all(clients.map((c) => outcome(c)));
    expect(count(results, 'connected')).toBeLessThanOrEqual(4);
    expect(count(results, 'connected')).toBeGreaterThanOrEqual(1);
    expect(count(results, 'TOO_MANY_CONNECTIONS')).toBe(300 - count(results, 'connected'));
    expect(s.gateway.limits.counts().namespaces[HEARING_NAMESPACE]?.sockets).toBe(count(results, 'connected'));
    expect(await metric(s, 'concord_socket_refusals_total', `namespace="${HEARING_NAMESPACE}",reason="session"`)).toBeGreaterThanOrEqual(296);

    // Healthy: a fresh participant connects and joins, the API answers.
    const fresh = await connected(pool.client(other.participants.respondent.token));
    expect((await must(fresh, 'hearing.join', {})).hearingId).toBe(other.hearingId);
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);

    pool.closeAll();
    await settled(s);
    expect(await metric(s, 'concord_socket_connections', `namespace="${HEARING_NAMESPACE}"`)).toBe(0);
  }, 60_000);

  it('300 concurrent /pad sockets with one token: at most 4 connect, the rest are refused, counters back to 0', async () => {
    const token = f.participants.respondent.token;
    const clients = Array.from({ length: 300 }, () => padSocket(s, token, f.agreementId));
    opened.push(...clients);
    const results = await Promise.all(clients.map((c) => outcome(c)));
    expect(count(results, 'connected')).toBeLessThanOrEqual(4);
    expect(count(results, 'connected')).toBeGreaterThanOrEqual(1);
    expect(count(results, 'TOO_MANY_CONNECTIONS')).toBe(300 - count(results, 'connected'));
    // A staff session is counted on its own: the mediator still opens the pad.
    const staff = padSocket(s, f.staffToken, f.agreementId);
    opened.push(staff);
    expect(await outcome(staff)).toBe('connected');
    for (const c of opened.splice(0)) c.close();
    await settled(s);
  }, 60_000);

  it('counters are released for failed handshakes and for clients that vanish mid-handshake', async () => {
    const bad = Array.from({ length: 20 }, () => pool.client('not-a-token'));
    expect(new Set(await Promise.all(bad.map((c) => outcome(c))))).toEqual(new Set(['UNAUTHENTICATED']));
    // Closed at once, before the (asynchronous) handshake could finish.
    for (let i = 0; i < 20; i++) pool.client(f.participants.clerk.token).close();
    await sleep(300);
    pool.closeAll();
    await settled(s);
  });
});

describe('socket limits: per address (low caps from 127.0.0.1), and the legit reconnect', () => {
  let s: TestServer;
  let a: PadFixture;
  let pool: ClientPool;
  const opened: Socket[] = [];

  beforeAll(async () => {
    s = await startTestServer('sqlite', {
      CONCORD_SOCKETS_PER_SESSION: '2', CONCORD_SOCKET_REPLACE_AFTER_MS: '500',
      CONCORD_SOCKETS_PER_ADDRESS: '5', CONCORD_CONNECTIONS_PER_ADDRESS: '12', CONCORD_SOCKET_CONNECT_TIMEOUT_MS: '500',
    }, { mediaEngine: new FakeMediaEngine() });
    pool = new ClientPool(s);
    a = await padFixture(s, 621);
  }, 60_000);
  afterEach(() => {
    pool.closeAll();
    for (const c of opened.splice(0)) c.close();
  });
  afterAll(async () => {
    await s?.close();
  });

  const tokens = () => [a.participants.mediator, a.participants.clerk, a.participants.arbitrator, a.participants.applicant, a.participants.respondent].map((p) => p.token);

  it('many tokens from one address on /hearing: at most the address cap connect', async () => {
    const clients = tokens().flatMap((t) => [t, t]).map((t) => {
      const c = io(`${s.url}${HEARING_NAMESPACE}`, { auth: { token: t, protocol: PROTOCOL_VERSION }, transports: ['websocket'], extraHeaders: { origin: s.url }, reconnection: false, forceNew: true });
      opened.push(c);
      return c;
    });
    const results = await Promise.all(clients.map((c) => outcome(c)));
    expect(count(results, 'connected')).toBe(5);
    expect(count(results, 'TOO_MANY_CONNECTIONS')).toBe(5);
    for (const c of opened.splice(0)) c.close();
    await settled(s);
  });

  it('many tokens from one address on /pad: at most the address cap connect', async () => {
    const clients = [...tokens(), a.staffToken, a.observerToken, a.clerkStaffToken].map((t) => padSocket(s, t, a.agreementId));
    opened.push(...clients);
    const results = await Promise.all(clients.map((c) => outcome(c)));
    expect(count(results, 'connected')).toBe(5);
    expect(count(results, 'TOO_MANY_CONNECTIONS')).toBe(3);
    for (const c of opened.splice(0)) c.close();
    await settled(s);
  });

  it('a legit reconnect is not refused: a reload beside the old socket connects, "a second socket replaces the first" holds, and a stale socket is replaced', async () => {
    const p = a.participants.mediator;
    const first = await connected(pool.client(p.token));
    await must(first, 'hearing.join', {});
    // A reload while the old socket still lingers: accepted, and its join replaces the first socket.
    const second = await connected(pool.client(p.token));
    await must(second, 'hearing.join', {});
    await disconnected(first);
    // A second tab: still under the cap (2 here).
    await connected(pool.client(p.token));
    // At the cap with every socket young: a flood, refused.
    expect(await refused(pool.client(p.token))).toMatchObject({ code: 'TOO_MANY_CONNECTIONS' });
    // Once the oldest socket has lived past CONCORD_SOCKET_REPLACE_AFTER_MS, a new one replaces it instead (a client
    // whose network dropped comes back before the server noticed the old socket was dead).
    await sleep(600);
    const gone = disconnected(second);
    const replacement = await connected(pool.client(p.token));
    expect(await gone).toBe('io server disconnect');
    expect((await must(replacement, 'hearing.join', {})).hearingId).toBe(a.hearingId);
    pool.closeAll();
    await settled(s);
  });

  it('the pad client refused for too many connections tries again by itself and gets in once a socket closes', async () => {
    // The address cap (5) is full of young sockets, so the pad client's handshake is refused with TOO_MANY_CONNECTIONS.
    const fillers = tokens().map((t) => padSocket(s, t, a.agreementId));
    opened.push(...fillers);
    expect((await Promise.all(fillers.map((c) => outcome(c)))).every((r) => r === 'connected')).toBe(true);
    const pad = padClient(s, a.staffToken, a.agreementId);
    const finalRefusals: string[] = [];
    pad.on('refused', (e) => finalRefusals.push(e.code));
    const handshakeRefused = new Promise<string | undefined>((resolve) => {
      pad.socket.once('connect_error', (err: Error & { data?: { code?: string } }) => resolve(err.data?.code));
    });
    try {
      expect(await handshakeRefused).toBe('TOO_MANY_CONNECTIONS');
      expect(pad.status).toBe('offline');
      // One socket closes: the client's next try (after its back-off) gets in and syncs.
      fillers[0]!.close();
      await synced(pad, 30_000);
      expect(finalRefusals).toEqual([]);
    } finally {
      pad.destroy();
      for (const c of opened.splice(0)) c.close();
      await settled(s);
    }
  });

  it('engine.io connections that never join a namespace are capped per address and closed after the connect timeout', async () => {
    const managers = Array.from({ length: 20 }, () => new Manager(s.url, { transports: ['websocket'], extraHeaders: { origin: s.url }, reconnection: false, autoConnect: false }));
    const results = await Promise.all(managers.map((m) => new Promise<string>((resolve) => {
      m.open((err) => resolve(err ? 'refused' : 'open'));
    })));
    expect(count(results, 'open')).toBe(12);
    expect(count(results, 'refused')).toBe(8);
    expect(await metric(s, 'concord_socket_refusals_total', 'namespace="engine",reason="address"')).toBe(8);
    // Idle connections go after CONCORD_SOCKET_CONNECT_TIMEOUT_MS.
    await settled(s);
    for (const m of managers) m.engine?.close();
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
  });
});
