import { afterAll, beforeAll } from 'vitest';
import { until } from '../helpers/wait.js';
import type { ForwardingEntry, MediaEngine, MediaKind, MediaRouter, ProducerInfo } from '../../../server/media/engine.js';
import type { Bot } from '../helpers/bot.js';
import type { EngineCase } from './engines.js';

export interface ContractFixture {
  /** Set in the block's first beforeAll. */
  engine: MediaEngine;
  router: MediaRouter;
  /** Bots to close after the block. */
  bots: Bot[];
  /** The router's last `producersChanged` list. */
  producers: ProducerInfo[];
  /** Every `audioLevels` report, in order. */
  levels: Record<string, number>[];
}

/** One engine and one router for a describe block of one engine case; bots, router and engine closed after it. */
export function useEngineRouter(c: EngineCase, hearingId: string): ContractFixture {
  const f = { bots: [] as Bot[], producers: [] as ProducerInfo[], levels: [] as Record<string, number>[] } as ContractFixture;
  beforeAll(async () => {
    f.engine = await c.create();
    f.router = await f.engine.createRouter(hearingId);
    f.router.on('producersChanged', (p) => (f.producers = p));
    f.router.on('audioLevels', (l) => f.levels.push(l));
  });
  afterAll(async () => {
    await Promise.allSettled(f.bots.map((b) => b.close()));
    await f.router?.close().catch(() => undefined);
    await f.engine?.close();
  });
  return f;
}

/** Packets the SFU says it sent, summed per `from>to:kind`. */
export async function tableCounts(router: MediaRouter): Promise<Map<string, number>> {
  const rows: ForwardingEntry[] = await router.forwardingTable();
  const m = new Map<string, number>();
  for (const r of rows) {
    const key = `${r.fromParticipantId}>${r.toParticipantId}:${r.kind}`;
    m.set(key, (m.get(key) ?? 0) + r.packets);
  }
  return m;
}

/** Video packets the SFU sent from one participant to another. */
export async function sentTo(router: MediaRouter, to: string, from: string, kind: MediaKind = 'video'): Promise<number> {
  const rows = await router.forwardingTable();
  return rows.filter((r) => r.toParticipantId === to && r.fromParticipantId === from && r.kind === kind).reduce((n, r) => n + r.packets, 0);
}

/** The simulcast layer (RID) the SFU forwards from `from` to `to`, when it forwards one. */
export async function layerFor(router: MediaRouter, to: string, from?: string): Promise<string | undefined> {
  const rows = await router.forwardingTable();
  return rows.find((r) => r.toParticipantId === to && (!from || r.fromParticipantId === from) && r.kind === 'video' && r.layer !== undefined)?.layer;
}

export function grown(before: Map<string, number>, after: Map<string, number>, key: string): number {
  return (after.get(key) ?? 0) - (before.get(key) ?? 0);
}

/** Waits until `stalled()` names nothing (the keys that have not grown enough yet); fails naming them. */
export async function flows(what: string, stalled: () => string[] | Promise<string[]>, timeoutMs = 20_000): Promise<void> {
  let left: string[] = [];
  await until(what, async () => (left = await stalled()).length === 0, timeoutMs, 100).catch((e: Error) => {
    throw new Error(`${e.message}: not flowing ${left.join(', ')}`);
  });
}
