import type { ForwardingEntry } from '../engine.js';
import type { PublishedProducer } from './publisher.js';
import { sentCounters, type MsConsumer } from './subscriber.js';

/** Counters of one (producer, subscriber) pair, kept across consumers (a caucus and back, a restarted subscription). */
interface Row {
  published: PublishedProducer;
  to: string;
  packets: number;
  bytes: number;
}

const pairKey = (producerId: string, to: string) => `${producerId}>${to}`;

/**
 * The forwarding table from mediasoup's own counters: each live consumer's outbound-rtp packet and byte counts
 * (what the worker really sent), plus the totals of the pair's closed consumers.
 */
export class ForwardingRows {
  private readonly rows = new Map<string, Row>();

  /** A consumer stopped after sending this much. */
  retired(published: PublishedProducer, to: string, packets: number, bytes: number): void {
    const k = pairKey(published.producer.id, to);
    let r = this.rows.get(k);
    if (!r) this.rows.set(k, (r = { published, to, packets: 0, bytes: 0 }));
    r.packets += packets;
    r.bytes += bytes;
  }

  dropProducers(ids: Set<string>): void {
    for (const [k, row] of this.rows) if (ids.has(row.published.producer.id)) this.rows.delete(k);
  }

  dropSubscriber(to: string): void {
    for (const [k, row] of this.rows) if (row.to === to) this.rows.delete(k);
  }

  clear(): void {
    this.rows.clear();
  }

  async build(live: { to: string; consumers: Iterable<MsConsumer> }[]): Promise<ForwardingEntry[]> {
    const out = new Map<string, ForwardingEntry>();
    const entry = (published: PublishedProducer, to: string): ForwardingEntry => {
      const k = pairKey(published.producer.id, to);
      let e = out.get(k);
      if (!e) {
        const base = this.rows.get(k);
        e = {
          producerId: published.producer.id,
          fromParticipantId: published.info.participantId,
          toParticipantId: to,
          kind: published.info.kind,
          packets: base?.packets ?? 0,
          bytes: base?.bytes ?? 0,
        };
        out.set(k, e);
      }
      return e;
    };
    for (const row of this.rows.values()) entry(row.published, row.to);
    const reads: Promise<void>[] = [];
    for (const { to, consumers } of live) {
      for (const c of consumers) {
        const e = entry(c.published, to);
        reads.push(
          sentCounters(c.consumer).then(
            ({ packets, bytes }) => {
              e.packets += packets;
              e.bytes += bytes;
              const layer = c.consumer.currentLayers?.spatialLayer;
              if (c.published.info.layers.length > 1 && layer !== undefined) e.layer = c.published.info.layers[layer];
            },
            () => undefined,
          ),
        );
      }
    }
    await Promise.all(reads);
    return [...out.values()];
  }
}
