import { io, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION, type ErrorCode } from '../../signaling/protocol/errors.js';
import {
  HEARING_NAMESPACE, type Ack, type ClientToServerEvents, type HearingSnapshot, type JoinResult, type RequestName, type RequestPayload, type Responses,
  type ServerToClientEvents,
} from '../../signaling/protocol/hearing.js';
import { caseBody, DEMO_PASSWORD, type TestServer } from './server.js';

/**
 * Live-hearing test helpers: a case with a scheduled hearing and a passed identity check per participant (all through
 * the HTTP API), and real socket.io clients on the `/hearing` namespace.
 */
export type HearingClient = Socket<ServerToClientEvents, ClientToServerEvents>;
export type FixtureRole = 'mediator' | 'clerk' | 'arbitrator' | 'applicant' | 'respondent';

export interface FixtureParticipant {
  id: string;
  role: FixtureRole;
  displayName: string;
  linkId: string;
  /** The mediation link's token (what `/join#...` carries). */
  linkToken: string;
  /** The participant session token the identity check returned: what the socket handshake takes. */
  token: string;
}

export interface HearingFixture {
  caseId: string;
  caseNumber: string;
  hearingId: string;
  /** The demo mediator's staff session token (HTTP API). */
  staffToken: string;
  participants: Record<FixtureRole, FixtureParticipant>;
}

const STAFF_USERNAMES = { mediator: 'demo.mediator', clerk: 'demo.clerk', arbitrator: 'demo.arbitrator.hk' } as const;

async function ok<T>(p: Promise<{ status: number; body: T }>, want: number, what: string): Promise<T> {
  const r = await p;
  if (r.status !== want) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** The identity check of one link: parties by name and ID number, staff by their own username and password. */
export async function verifyLink(s: TestServer, linkToken: string, answers: { name: string; idNumber: string } | { username: string; password: string }): Promise<string> {
  const body = await ok(s.api<{ token: string }>('POST', '/api/join/verify', { body: { token: linkToken, ...answers } }), 200, 'identity check');
  return body.token;
}

/**
 * Registers case `n` (caseBody(n)), schedules a hearing with the applicant, respondent, demo mediator, demo clerk and
 * the demo HK arbitrator, issues a link for each and passes each identity check.
 */
export async function setupHearing(s: TestServer, n: number): Promise<HearingFixture> {
  const staffToken = await s.login('demo.mediator');
  const body = caseBody(n);
  const c = await ok(s.api<any>('POST', '/api/cases', { token: staffToken, body }), 201, 'create case');
  const party = (side: string) => c.parties.find((p: { side: string }) => p.side === side).id as string;
  const h = await ok(
    s.api<any>('POST', `/api/cases/${c.id}/hearings`, {
      token: staffToken,
      body: {
        startsAt: new Date(Date.now() + 86_400_000).toISOString(), durationMinutes: 90, site: 'guangzhou',
        participants: [
          { role: 'mediator', staffId: s.staff.mediator.id },
          { role: 'clerk', staffId: s.staff.clerk.id },
          { role: 'arbitrator', staffId: s.staff.arbitrator.id },
          { role: 'applicant', partyId: party('applicant') },
          { role: 'respondent', partyId: party('respondent') },
        ],
      },
    }),
    201,
    'schedule hearing',
  );
  const participants = {} as Record<FixtureRole, FixtureParticipant>;
  for (const p of h.participants as { id: string; role: FixtureRole; displayName: string }[]) {
    const link = await ok(s.api<any>('POST', `/api/cases/${c.id}/hearings/${h.id}/links`, { token: staffToken, body: { participantId: p.id } }), 201, 'issue link');
    const linkToken = (link.url as string).slice((link.url as string).indexOf('#') + 1);
    const answers =
      p.role === 'applicant' || p.role === 'respondent'
        ? { name: body.parties[p.role === 'applicant' ? 0 : 1]!.name, idNumber: body.parties[p.role === 'applicant' ? 0 : 1]!.idNumber }
        : { username: STAFF_USERNAMES[p.role], password: DEMO_PASSWORD };
    participants[p.role] = { id: p.id, role: p.role, displayName: p.displayName, linkId: link.id, linkToken, token: await verifyLink(s, linkToken, answers) };
  }
  return { caseId: c.id, caseNumber: c.number, hearingId: h.id, staffToken, participants };
}

export interface ConnectOptions {
  origin?: string | null;
  protocol?: unknown;
  hearingId?: string;
  /** socket.io-client reconnection (off by default, so a refused or dropped test client stays down). */
  reconnection?: boolean;
  /** First (and every) reconnection attempt after this many ms; default 50. */
  reconnectionDelay?: number;
}

/** The newest snapshot each client received, so a test can wait for a state that may already have arrived. */
const latest = new WeakMap<HearingClient, HearingSnapshot>();

/** A socket.io client on `/hearing`, not yet connected (use `connected` or `refused`). */
export function hearingClient(s: TestServer, token: string, opts: ConnectOptions = {}): HearingClient {
  const origin = opts.origin === undefined ? s.url : opts.origin;
  const c: HearingClient = io(`${s.url}${HEARING_NAMESPACE}`, {
    auth: { token, protocol: opts.protocol ?? PROTOCOL_VERSION, ...(opts.hearingId ? { hearingId: opts.hearingId } : {}) },
    transports: ['websocket'],
    extraHeaders: origin === null ? {} : { origin },
    reconnection: opts.reconnection ?? false,
    reconnectionDelay: opts.reconnectionDelay ?? 50,
    reconnectionDelayMax: Math.max(200, opts.reconnectionDelay ?? 0),
    randomizationFactor: opts.reconnectionDelay ? 0 : 0.5,
    forceNew: true,
  });
  c.on('hearing.state', (snap) => latest.set(c, snap));
  return c;
}

export function connected(c: HearingClient, timeoutMs = 5000): Promise<HearingClient> {
  return new Promise((resolve, reject) => {
    if (c.connected) return resolve(c);
    const t = setTimeout(() => reject(new Error('connect timed out')), timeoutMs);
    c.once('connect', () => {
      clearTimeout(t);
      resolve(c);
    });
    c.once('connect_error', (err: Error & { data?: unknown }) => {
      clearTimeout(t);
      reject(new Error(`connect refused: ${JSON.stringify(err.data ?? err.message)}`));
    });
  });
}

/** Resolves with the refusal's `data` ({ code, message }); fails when the connection is accepted. */
export function refused(c: HearingClient, timeoutMs = 5000): Promise<{ code: ErrorCode; message: string }> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('neither connected nor refused')), timeoutMs);
    c.once('connect', () => {
      clearTimeout(t);
      reject(new Error('the connection was accepted'));
    });
    c.once('connect_error', (err: Error & { data?: { code: ErrorCode; message: string } }) => {
      clearTimeout(t);
      resolve(err.data ?? { code: 'INTERNAL', message: err.message });
    });
  });
}

/**
 * How long a test waits for an acknowledgement: a hang guard, several times what a loaded 2-core machine needs, never
 * a speed check.
 */
export const ACK_TIMEOUT_MS = 30_000;

/** Sends one request and waits for its acknowledgement. */
export function request<N extends RequestName>(c: HearingClient, name: N, payload: RequestPayload<N>, timeoutMs = ACK_TIMEOUT_MS): Promise<Ack<Responses[N]>> {
  return (c.timeout(timeoutMs) as any).emitWithAck(name, payload);
}

/** Like `request`, for payloads the protocol forbids (hostile-input tests). */
export function rawRequest(c: HearingClient, name: string, ...args: unknown[]): Promise<Ack<unknown>> {
  return (c.timeout(ACK_TIMEOUT_MS) as any).emitWithAck(name, ...args);
}

/** The data of a successful ack; throws with the error otherwise. */
export async function must<N extends RequestName>(c: HearingClient, name: N, payload: RequestPayload<N>): Promise<Responses[N]> {
  const r = await request(c, name, payload);
  if (!r.ok) throw new Error(`${name} failed: ${r.error.code} ${r.error.message}`);
  return r.data;
}

/** The clients a test opened, so its teardown can close every one of them. */
export class ClientPool {
  private readonly list: HearingClient[] = [];

  constructor(private readonly s: TestServer) {}

  client(token: string, opts: ConnectOptions = {}): HearingClient {
    const c = hearingClient(this.s, token, opts);
    this.list.push(c);
    return c;
  }

  /** Connects and joins; returns the client and the join snapshot. */
  async join(token: string, opts: ConnectOptions = {}): Promise<{ c: HearingClient; snapshot: JoinResult }> {
    const c = await connected(this.client(token, opts));
    return { c, snapshot: await must(c, 'hearing.join', {}) };
  }

  closeAll(): void {
    for (const c of this.list.splice(0)) c.close();
  }
}

/** The next `event` whose arguments satisfy `pred` (default: any). */
export function next<E extends keyof ServerToClientEvents>(
  c: HearingClient, event: E, pred: (...args: Parameters<ServerToClientEvents[E]>) => boolean = () => true, timeoutMs = 5000,
): Promise<Parameters<ServerToClientEvents[E]>> {
  return new Promise((resolve, reject) => {
    const on = c.on.bind(c) as (e: string, fn: (...a: any[]) => void) => void;
    const off = c.off.bind(c) as (e: string, fn: (...a: any[]) => void) => void;
    const t = setTimeout(() => {
      off(event, fn);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const fn = (...args: any[]) => {
      if (!pred(...(args as Parameters<ServerToClientEvents[E]>))) return;
      clearTimeout(t);
      off(event, fn);
      resolve(args as Parameters<ServerToClientEvents[E]>);
    };
    on(event, fn);
  });
}

/** The newest snapshot if it satisfies `pred`, else the next one that does. */
export async function state(c: HearingClient, pred: (s: HearingSnapshot) => boolean, timeoutMs = 5000): Promise<HearingSnapshot> {
  const now = latest.get(c);
  if (now && pred(now)) return now;
  const [snap] = await next(c, 'hearing.state', pred, timeoutMs);
  return snap;
}

export const presenceOf = (snap: HearingSnapshot, id: string) => snap.participants.find((p) => p.id === id);

/** Resolves when the client is disconnected, with socket.io's reason. */
export function disconnected(c: HearingClient, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    if (c.disconnected) return resolve('already disconnected');
    const t = setTimeout(() => reject(new Error('still connected')), timeoutMs);
    c.once('disconnect', (reason) => {
      clearTimeout(t);
      resolve(reason);
    });
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
