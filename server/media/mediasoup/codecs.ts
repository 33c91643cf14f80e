import type { types } from 'mediasoup';

/**
 * What a mediasoup router of Concord accepts and forwards: Opus, VP8 and H.264 (constrained baseline,
 * packetization-mode 1, what browsers send by default), RTX for both video codecs (mediasoup adds it itself).
 * Unlike the werift engine, transport-cc is left in: mediasoup runs its own send-side estimator on it.
 */
export const MEDIA_CODECS: types.RouterRtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2, parameters: { useinbandfec: 1, minptime: 10 } },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 },
  },
];

/** Audio level observer period, like the werift engine's reports. */
export const AUDIO_LEVEL_INTERVAL_MS = 300;

/**
 * Which simulcast layer a subscriber gets, from its limits. mediasoup does not look into frames, so the height of a
 * layer is nominal: the client's ladder (client/src/room/rtc.ts SIMULCAST) halves the size per layer below the top
 * (scaleResolutionDownBy 4, 2, 1), and a camera is taken as 720 px high at the top. A tile gets the smallest layer
 * at least as tall as it is shown (no upscaling; LiveKit's rule), else the top one; a bitrate limit gets the best
 * layer whose measured bitrate fits, else the lowest. The tighter of the two wins.
 */
export const NOMINAL_TOP_HEIGHT = 720;

export function layerHeights(layers: number): number[] {
  return Array.from({ length: layers }, (_, i) => NOMINAL_TOP_HEIGHT / 2 ** (layers - 1 - i));
}

export interface LayerLimits {
  maxHeight?: number | undefined;
  maxBitrate?: number | undefined;
}

/** Spatial layer index (0 = lowest) for `layers` simulcast encodings; `bitrates[i]` in bit/s when measured. */
export function chooseLayer(layers: number, limits: LayerLimits, bitrates: (number | undefined)[] = []): number {
  let byHeight = layers - 1;
  if (limits.maxHeight) {
    const heights = layerHeights(layers);
    const fit = heights.findIndex((h) => h >= limits.maxHeight!);
    byHeight = fit < 0 ? layers - 1 : fit;
  }
  let byRate = layers - 1;
  if (limits.maxBitrate) {
    byRate = 0;
    for (let i = layers - 1; i >= 0; i--) {
      const b = bitrates[i];
      if (b !== undefined && b > 0 && b <= limits.maxBitrate) {
        byRate = i;
        break;
      }
    }
  }
  return Math.max(0, Math.min(byHeight, byRate));
}

/** dBov (-127 silent .. 0 full scale) -> 0 (silent) .. 127 (loud), the engine interface's scale. */
export function levelFromDbov(volume: number): number {
  if (!Number.isFinite(volume)) return 0;
  return Math.max(0, Math.min(127, Math.round(127 + volume)));
}
