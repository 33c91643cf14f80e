import type { ReceivePreferences } from '../engine.js';
import { chooseLayer } from './codecs.js';
import type { PublishedProducer } from './publisher.js';

const ID_RE = /^[\w.:@-]{1,128}$/;
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined);

/** A client's receive preferences, cleaned: positive numbers only, at most 100 tiles with valid ids. */
export function cleanPreferences(prefs: ReceivePreferences | undefined): ReceivePreferences {
  let tiles: Record<string, number> | undefined;
  if (prefs?.tiles && typeof prefs.tiles === 'object') {
    tiles = {};
    for (const [id, h] of Object.entries(prefs.tiles).slice(0, 100)) {
      const v = num(h);
      if (v !== undefined && ID_RE.test(id)) tiles[id] = v;
    }
  }
  const maxHeight = num(prefs?.maxHeight);
  const maxBitrate = num(prefs?.maxBitrate);
  return { audioOnly: prefs?.audioOnly === true, ...(maxHeight ? { maxHeight } : {}), ...(maxBitrate ? { maxBitrate } : {}), ...(tiles ? { tiles } : {}) };
}

/** Spatial layer of `published` for a subscriber with `prefs`: the tile's height caps maxHeight (codecs.ts). */
export async function layerFor(prefs: ReceivePreferences, published: PublishedProducer): Promise<number> {
  const n = published.info.layers.length;
  if (n < 2) return 0;
  const tile = prefs.tiles?.[published.info.participantId];
  const maxHeight = tile ? Math.min(prefs.maxHeight ?? tile, tile) : prefs.maxHeight;
  let bitrates: (number | undefined)[] = [];
  if (prefs.maxBitrate) {
    const stats = await published.producer.getStats().catch(() => []);
    bitrates = published.info.layers.map((rid) => stats.find((s) => s.rid === rid)?.bitrate);
  }
  return chooseLayer(n, { maxHeight, maxBitrate: prefs.maxBitrate }, bitrates);
}
