// Type-only: a value import of hearing.ts would bundle its zod schemas into the browser client.
import type { Delivery } from '../../../signaling/protocol/hearing.js';

/** The envelope of a sequenced server event (its last argument), or null when it has none or a malformed one. */
export function deliveryOf(args: readonly unknown[]): Delivery | null {
  const d = args[args.length - 1];
  if (!d || typeof d !== 'object') return null;
  const { epoch, seq } = d as { epoch?: unknown; seq?: unknown };
  return typeof epoch === 'string' && epoch.length > 0 && Number.isSafeInteger(seq) && (seq as number) >= 0 ? { epoch, seq: seq as number } : null;
}

/**
 * The client's side of the participant's outbox: which sequenced events were applied (epoch and last seq), so a replay
 * after a reconnect applies each event once; when to acknowledge (debounced, so the server can forget them); and what to
 * send as `since` with `hearing.join`. An event of another epoch starts over (the server has a new incarnation of us).
 * Pure logic, so tests run it outside a browser.
 */
export class Inbox {
  private epoch: string | null = null;
  private last = 0;
  /** Seq of the newest `hearing.state` applied: an older snapshot (a join answer that crossed it) must not replace it. */
  private stateSeq = 0;
  private acked = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly sendAck: (d: Delivery) => void,
    private readonly ackDelayMs = 300,
  ) {}

  /** Whether to apply an event with these arguments: false for one already applied. `snapshot` for `hearing.state`. */
  accept(args: readonly unknown[], snapshot = false): boolean {
    const d = deliveryOf(args);
    if (!d) return true;
    if (d.epoch !== this.epoch) this.restart(d.epoch);
    else if (d.seq <= this.last) return false;
    this.last = d.seq;
    if (snapshot) this.stateSeq = d.seq;
    this.scheduleAck();
    return true;
  }

  /**
   * A `hearing.join` answer as of `outbox`: adopts its epoch (a new one starts over) and seq. Returns whether its
   * snapshot is current, i.e. no newer `hearing.state` was applied while the answer was on its way.
   */
  joined(outbox: unknown): boolean {
    const d = deliveryOf([outbox]);
    if (!d) return true;
    if (d.epoch !== this.epoch) this.restart(d.epoch);
    const current = d.seq >= this.stateSeq;
    if (d.seq > this.last) this.last = d.seq;
    this.scheduleAck();
    return current;
  }

  /** What to send with `hearing.join` after a reconnect; undefined before anything was applied. */
  since(): Delivery | undefined {
    return this.epoch === null ? undefined : { epoch: this.epoch, seq: this.last };
  }

  /** Sends the pending acknowledgement now (after a reconnect, so the server trims at once). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.epoch === null || this.last <= this.acked) return;
    this.acked = this.last;
    this.sendAck({ epoch: this.epoch, seq: this.last });
  }

  /** The acknowledgement was lost (not connected, no answer): the next flush sends it again. */
  unacked(d: Delivery): void {
    if (d.epoch === this.epoch) this.acked = Math.min(this.acked, d.seq - 1);
  }

  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private restart(epoch: string): void {
    this.epoch = epoch;
    this.last = 0;
    this.stateSeq = 0;
    this.acked = 0;
  }

  private scheduleAck(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => this.flush(), this.ackDelayMs);
  }
}
