import type { Delivery, JoinResult, ServerEventName } from '../../signaling/protocol/hearing.js';
import { Inbox } from '../../client/src/room/inbox.js';
import { connected, hearingClient, must, request, type HearingClient } from './hearing.js';
import type { TestServer } from './server.js';

/** One server event as the participant applied it (after dropping duplicates). */
export interface Applied {
  event: ServerEventName;
  args: unknown[];
}

/**
 * A participant that speaks the outbox protocol the way the browser client does, over a real socket.io client: the
 * client's own `Inbox` drops duplicates and acknowledges; a reconnect socket.io recovered needs nothing more (the
 * server replays), any other sends `hearing.join` with `since`. `applied` is what the participant's views would see.
 */
export class SeqClient {
  readonly applied: Applied[] = [];
  readonly joins: JoinResult[] = [];
  /** Events received twice and dropped by seq. */
  duplicates = 0;
  readonly inbox: Inbox;
  private wasConnected: boolean;

  constructor(readonly c: HearingClient) {
    this.wasConnected = c.connected;
    this.inbox = new Inbox((d) => void request(c, 'outbox.ack', d).catch(() => this.inbox.unacked(d)), 50);
    c.onAny((event: ServerEventName, ...args: unknown[]) => {
      if (event === 'media.levels') return;
      if (!this.inbox.accept(args, event === 'hearing.state')) {
        this.duplicates++;
        return;
      }
      this.applied.push({ event, args });
    });
    c.on('connect', () => {
      if (this.wasConnected && !c.recovered) void this.join(this.inbox.since()).catch(() => undefined);
      this.wasConnected = true;
    });
  }

  async join(since?: Delivery): Promise<JoinResult> {
    const r = await must(this.c, 'hearing.join', since ? { since } : {});
    this.inbox.joined(r.outbox);
    this.joins.push(r);
    return r;
  }

  of(event: ServerEventName): unknown[][] {
    return this.applied.filter((a) => a.event === event).map((a) => a.args);
  }

  close(): void {
    this.inbox.close();
    this.c.close();
  }
}

/** Connects a participant with socket.io reconnection on (first retry after `retryMs`) and joins. */
export async function seqJoin(s: TestServer, token: string, retryMs: number): Promise<SeqClient> {
  const c = hearingClient(s, token, { reconnection: true, reconnectionDelay: retryMs });
  const sc = new SeqClient(await connected(c));
  await sc.join();
  return sc;
}

/** The local TCP port of the client's websocket: what to block to cut this participant's signalling. */
export function localPort(c: HearingClient): number {
  const transport = (c.io as unknown as { engine: { transport: { ws?: { _socket?: { localPort?: number } } } } }).engine.transport;
  const port = transport.ws?._socket?.localPort;
  if (!port) throw new Error('no websocket port');
  return port;
}
