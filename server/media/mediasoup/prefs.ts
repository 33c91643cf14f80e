import type { ReceivePreferences } from '../engine.js';
import { chooseLayer } from './codecs.js';
import type { PublishedProducer } from './publisher.js';

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
