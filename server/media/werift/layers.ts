/** One received encoding of a producer: the only one, or a simulcast layer identified by its RID. */
export interface Layer {
  /** '' when the producer is not simulcast. */
  readonly rid: string;
  /** Position in the publisher's a=simulcast list: the fallback quality order. */
  readonly order: number;
  ssrc: number;
  lastPacketAt: number;
  /** Payload bytes since the last tick, and the bit rate measured over the last tick. */
  windowBytes: number;
  bitrate: number;
  /** From the last VP8 keyframe; 0 when unknown. */
  width: number;
  height: number;
  lastKeyframeAt: number;
  lastKeyframeRequestAt: number;
  /** The publisher's last sender report for this layer (NTP and RTP time of the same instant). */
  sr: { ntp: bigint; rtp: number } | null;
  /** werift NACK generator of this layer (simulcast layers each need their own sequence tracking). */
  nack?: { addPacket(p: { header: { sequenceNumber: number; ssrc: number } }): void; close(): void };
}

export function newLayer(rid: string, order: number): Layer {
  return {
    rid,
    order,
    ssrc: 0,
    lastPacketAt: 0,
    windowBytes: 0,
    bitrate: 0,
    width: 0,
    height: 0,
    lastKeyframeAt: 0,
    lastKeyframeRequestAt: 0,
    sr: null,
  };
}

export interface LayerPreferences {
  maxHeight?: number;
  maxBitrate?: number;
}

/** A layer that sent nothing for this long is not offered to subscribers (the publisher dropped it). */
export const LAYER_INACTIVE_MS = 2000;

/** Active layers from lowest to highest quality: by frame height when known, then bit rate, then RID order. */
export function rankLayers(layers: readonly Layer[], now: number): Layer[] {
  const active = layers.filter((l) => l.lastPacketAt > 0 && now - l.lastPacketAt < LAYER_INACTIVE_MS);
  return active.sort((a, b) => {
    if (a.height && b.height && a.height !== b.height) return a.height - b.height;
    if (a.bitrate && b.bitrate && Math.abs(a.bitrate - b.bitrate) > 0.1 * Math.max(a.bitrate, b.bitrate)) return a.bitrate - b.bitrate;
    return a.order - b.order;
  });
}

/** The best layer that fits the subscriber's preferences; the lowest one when none fits. */
export function selectLayer(ranked: readonly Layer[], prefs: LayerPreferences): Layer | null {
  let chosen: Layer | null = ranked[0] ?? null;
  for (const l of ranked) {
    const heightOk = !prefs.maxHeight || !l.height || l.height <= prefs.maxHeight;
    const rateOk = !prefs.maxBitrate || l.bitrate <= prefs.maxBitrate;
    if (heightOk && rateOk) chosen = l;
  }
  return chosen;
}
