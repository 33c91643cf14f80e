import type { Delivery, SequencedEvent, ServerEventArgs } from '../../signaling/protocol/hearing.js';
import { InvalidStateError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import type { ParticipantConnection } from './types.js';

/** What one participant's outbox holds at most; older entries are dropped and a reconnect then gets a snapshot. */
export const OUTBOX_MAX_ENTRIES = 500;
export const OUTBOX_MAX_BYTES = 2 * 1024 * 1024;

/**
 * Events of which only the newest one matters: a newer one replaces the older in the outbox (the seq stays with the
 * newer one, so the order of what is replayed is kept). A snapshot and a recording state are the whole state; an older
 * offer is either answered already (the SFU offers once at a time) or belongs to a transport a re-subscription replaced.
 */
const LATEST_ONLY: ReadonlySet<SequencedEvent> = new Set(['hearing.state', 'recording.state', 'captions.state', 'media.offer']);

interface Entry {
  seq: number;
  event: SequencedEvent;
  args: unknown[];
  bytes: number;
}

/** Sends a sequenced event with its envelope as the last argument (the wire shape of `ServerToClientEvents`). */
export function sendTagged(conn: ParticipantConnection, event: SequencedEvent, args: readonly unknown[], d: Delivery): void {
  (conn.send as (e: SequencedEvent, ...a: unknown[]) => void)(event, ...args, d);
}

/**
 * One participant's outbox (issue 11): every state event the hearing sends them gets the next seq of this incarnation
 * (`epoch`) and is kept until the client acknowledges it, so what was sent into a dead or missing connection is sent
 * again when they are back. It lives with the LiveParticipant, through the reconnection grace period.
 */
export class Outbox {
  readonly epoch = newId('ob');
  private seq = 0;
  private entries: Entry[] = [];
  private bytes = 0;
  /** Everything up to here is gone (acknowledged or dropped for room): a `since` below it gets a snapshot. */
  private floor = 0;

  get head(): number {
    return this.seq;
  }

  /** Numbers and keeps one event; returns its envelope. */
  push<E extends SequencedEvent>(event: E, args: ServerEventArgs[E]): Delivery {
    const seq = ++this.seq;
    if (LATEST_ONLY.has(event)) this.remove((e) => e.event === event);
    const bytes = JSON.stringify(args).length;
    this.entries.push({ seq, event, args, bytes });
    this.bytes += bytes;
    while (this.entries.length > OUTBOX_MAX_ENTRIES || (this.bytes > OUTBOX_MAX_BYTES && this.entries.length > 1)) {
      const dropped = this.entries.shift()!;
      this.bytes -= dropped.bytes;
      this.floor = dropped.seq;
    }
    return { epoch: this.epoch, seq };
  }

  /** The client applied everything up to `d.seq`: forget it. Another epoch, or a seq never sent, is refused. */
  ack(d: Delivery): void {
    this.check(d);
    if (d.seq <= this.floor) return;
    this.remove((e) => e.seq <= d.seq);
    this.floor = d.seq;
  }

  /**
   * Sends again what followed `since` (in order, with the original envelopes) and returns how many; null when it
   * cannot: no `since`, another epoch, a seq never sent, or entries after it already dropped. The caller then answers
   * with the full state. 'acked': everything not acknowledged (a connection socket.io recovered, which sends no since).
   */
  replay(conn: ParticipantConnection, since: Delivery | 'acked' | undefined): number | null {
    if (since === undefined) return null;
    let from = this.floor;
    if (since !== 'acked') {
      if (since.epoch !== this.epoch || since.seq > this.seq || since.seq < this.floor) return null;
      from = since.seq;
    }
    const todo = this.entries.filter((e) => e.seq > from);
    for (const e of todo) sendTagged(conn, e.event, e.args, { epoch: this.epoch, seq: e.seq });
    return todo.length;
  }

  private check(d: Delivery): void {
    if (d.epoch !== this.epoch) throw new InvalidStateError('not the current outbox of this participant: join again');
    if (d.seq > this.seq) throw new InvalidStateError(`acknowledges seq ${d.seq}, but only ${this.seq} were sent`);
  }

  private remove(pred: (e: Entry) => boolean): void {
    const keep: Entry[] = [];
    for (const e of this.entries) {
      if (pred(e)) this.bytes -= e.bytes;
      else keep.push(e);
    }
    this.entries = keep;
  }
}
