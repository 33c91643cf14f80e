/**
 * The link-quality thresholds, without DOM types (the room's indicator in quality.ts and the pre-join test call's
 * verdict in echo.ts both classify with them).
 */
export type LinkQuality = 'good' | 'fair' | 'poor';

/** One 2-second window, in the units the thresholds use. */
export interface QualityInput {
  /** Packet loss in percent (worst of up- and downlink), null when unknown. */
  lossPct: number | null;
  rttMs: number | null;
  /** Our uplink estimate in kbit/s, null when unknown. */
  availableOutKbps: number | null;
  /** Whether we are sending video (the uplink estimate matters more then). */
  sendingVideo: boolean;
}

export function classifyQuality(q: QualityInput): LinkQuality {
  const loss = q.lossPct ?? 0;
  const rtt = q.rttMs ?? 0;
  const up = q.availableOutKbps;
  // The uplink estimate only counts when it is really low: without congestion feedback from the SFU the browser keeps
  // its start value (about 300 kbit/s) however good the link is.
  if (loss >= 10 || rtt >= 800 || (up !== null && up < (q.sendingVideo ? 100 : 30))) return 'poor';
  if (loss >= 3 || rtt >= 350 || (up !== null && up < (q.sendingVideo ? 150 : 40))) return 'fair';
  return 'good';
}

