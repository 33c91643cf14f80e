import { randomBytes } from 'node:crypto';
import { AppError, InvalidStateError, RateLimitedError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { MediaEngine, MediaRouter, TrackSource } from '../media/engine.js';

/** How long a test call may hold its router, from its placement to its close, whatever the client does. */
export const TEST_CALL_MS = 15_000;
/** Test calls open at once in this process (each holds a router and two transports for up to TEST_CALL_MS). */
export const TEST_CALL_MAX_OPEN = 8;

/**
 * The echo: the same person's receiving side, under a second participant id of a router that holds nothing else.
 * The engine forwards only other participants' producers (the isolation rule), so the echo must be "another"
 * participant; on a router of its own, no hearing member can ever see it and it can see no hearing member.
 */
export const echoIdOf = (participantId: string): string => `${participantId}:echo`;

export interface TestCallOptions {
  engine: MediaEngine | undefined;
  log: Logger;
  limitMs?: number;
  maxOpen?: number;
}

interface Call {
  id: string;
  participantId: string;
  /** The socket that started it: its disconnect ends the call. */
  connectionId: string;
  router: MediaRouter | undefined;
  ready: Promise<MediaRouter>;
  offer: string | null;
  waiters: ((sdp: string | null) => void)[];
  timer: ReturnType<typeof setTimeout> | undefined;
  closed: boolean;
}

/**
 * The pre-join "test call" (issue 16.5): the person's camera and microphone go to the SFU and come back, so the page
 * can say whether media will flow (and how well) before they enter. One short-lived router per call, closed after
 * `limitMs` at the latest; one call per participant at a time, `maxOpen` in the process. Nothing here touches a live
 * hearing: its router, rooms and forwarding table are another router's.
 */
export class TestCalls {
  private readonly calls = new Map<string, Call>();
  private readonly limitMs: number;
  private readonly maxOpen: number;
  private isClosed = false;

  constructor(private readonly opts: TestCallOptions) {
    this.limitMs = opts.limitMs ?? TEST_CALL_MS;
    this.maxOpen = opts.maxOpen ?? TEST_CALL_MAX_OPEN;
  }

  get open(): number {
    return this.calls.size;
  }

  /** Reserves the participant's test call and places its router; answers how long it may last. */
  async start(participantId: string, connectionId: string): Promise<{ id: string; limitMs: number }> {
    if (this.isClosed) throw new AppError('UNAVAILABLE', 'the server is shutting down');
    const engine = this.opts.engine;
    if (!engine) throw new AppError('UNAVAILABLE', 'media is unavailable on this server');
    if (this.calls.has(participantId)) throw new InvalidStateError('a test call is already running; stop it first');
    if (this.calls.size >= this.maxOpen) throw new RateLimitedError('too many test calls right now; try again in a few seconds');
    const id = `testcall-${randomBytes(6).toString('hex')}`;
    // The call is reserved before its router exists (a second start meanwhile is refused), and `ready` settles with it.
    let place: (router: Promise<MediaRouter>) => void = () => undefined;
    const ready = new Promise<MediaRouter>((resolve) => (place = resolve));
    const call: Call = { id, participantId, connectionId, router: undefined, ready, offer: null, waiters: [], closed: false, timer: undefined };
    this.calls.set(participantId, call);
    place(engine.createRouter(id).then((r) => this.attach(call, r)));
    try {
      await call.ready;
    } catch (err) {
      await this.end(call, 'router');
      if (err instanceof AppError) throw err;
      this.opts.log.warn({ err, participantId }, 'could not place a test call');
      throw new AppError('UNAVAILABLE', 'media is unavailable: no media worker could take the test call');
    }
    return { id, limitMs: this.limitMs };
  }

  /** The person's sending connection: their offer -> the SFU's answer. */
  async publish(participantId: string, sdp: string, sources: Record<string, TrackSource>): Promise<{ sdp: string }> {
    const { router } = await this.live(participantId);
    const { answerSdp } = await this.guard(participantId, () => router.publish(participantId, sdp, sources));
    return { sdp: answerSdp };
  }

  /** Opens the echo's receiving transport and answers with its first offer (null when the call ended first). */
  async receive(participantId: string): Promise<{ sdp: string | null }> {
    const { call, router } = await this.live(participantId);
    await this.guard(participantId, () => router.subscribe(echoIdOf(participantId)));
    if (call.offer) return { sdp: call.offer };
    const sdp = await new Promise<string | null>((resolve) => call.waiters.push(resolve));
    return { sdp };
  }

  async answer(participantId: string, sdp: string): Promise<void> {
    const { router } = await this.live(participantId);
    await this.guard(participantId, () => router.answerSubscriber(echoIdOf(participantId), sdp));
  }

  /** Ends the participant's test call (none running: nothing to do). */
  async stop(participantId: string): Promise<void> {
    const call = this.calls.get(participantId);
    if (call) await this.end(call, 'stopped');
  }

  /** A socket went away: the test call it started ends with it. */
  disconnected(participantId: string, connectionId: string): void {
    const call = this.calls.get(participantId);
    if (call && call.connectionId === connectionId) void this.end(call, 'disconnected');
  }

  async close(): Promise<void> {
    this.isClosed = true;
    await Promise.all([...this.calls.values()].map((c) => this.end(c, 'shutdown')));
  }

  private attach(call: Call, router: MediaRouter): MediaRouter {
    call.router = router;
    // The clock starts once the router is placed: a worker started for this call (the first media of the process)
    // must not eat the call's time.
    call.timer = setTimeout(() => void this.end(call, 'time limit'), this.limitMs);
    call.timer.unref?.();
    const echo = echoIdOf(call.participantId);
    router.on('subscriberOffer', (pid, sdp) => {
      if (pid !== echo || call.closed) return;
      call.offer = sdp;
      for (const w of call.waiters.splice(0)) w(sdp);
    });
    router.on('failed', () => void this.end(call, 'media worker failed'));
    // Ended (time limit, disconnect) while the router was being placed: nothing may stay open.
    if (call.closed) void router.close().catch(() => undefined);
    return router;
  }

  private async live(participantId: string): Promise<{ call: Call; router: MediaRouter }> {
    const call = this.calls.get(participantId);
    if (!call || call.closed) throw new InvalidStateError('no test call is running: start one');
    const router = await call.ready;
    if (call.closed || router.closed) throw new InvalidStateError('the test call has ended');
    return { call, router };
  }

  private async guard<T>(participantId: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof AppError) throw err;
      this.opts.log.warn({ err, participantId }, 'test call request failed');
      throw new AppError('UNAVAILABLE', 'the media server refused the test call');
    }
  }

  private async end(call: Call, why: string): Promise<void> {
    if (call.closed) return;
    call.closed = true;
    clearTimeout(call.timer);
    if (this.calls.get(call.participantId) === call) this.calls.delete(call.participantId);
    for (const w of call.waiters.splice(0)) w(null);
    this.opts.log.debug({ participantId: call.participantId, why }, 'test call ended');
    if (call.router) await call.router.close().catch((err) => this.opts.log.warn({ err }, 'closing a test call router failed'));
  }
}
