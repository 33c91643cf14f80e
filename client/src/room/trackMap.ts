import type { ParticipantState, ProducerSummary } from '../../../signaling/protocol/hearing.js';

/**
 * Whose is an incoming track? The one place that decides it.
 *
 * The SFU's offer for our receiving connection names the publisher in each m-section's msid: `a=msid:<participantId>
 * <producerId>` (so `stream.id === participantId` in the browser). We read it from the SDP per mid, which also works
 * when the server reuses a transceiver for another producer. When an m-section carries no usable msid we fall back to
 * transceiver (mid) order against the snapshot's participant order: a guess, which is why the server's msid matters.
 *
 * Camera and screen of the same participant are both video and the protocol does not say which producer is which
 * source: while the participant shares their screen (`screenSharing`), the video track that appeared later is the
 * screen; when they do not, any video is the camera.
 */
export interface MsidInfo {
  mid: string;
  kind: 'audio' | 'video';
  /** The stream id (the publisher's participant id), or null when the section has no msid. */
  streamId: string | null;
  /** The msid's track id (the server's producer id). */
  trackId: string | null;
  /** Whether the server sends on this section (sendonly / sendrecv). */
  active: boolean;
}

/** m-sections of an SDP offer from the SFU: mid, kind, msid and whether they send. */
export function parseMsids(sdp: string): MsidInfo[] {
  const out: MsidInfo[] = [];
  const sections = sdp.split(/\r?\nm=/).slice(1);
  for (const raw of sections) {
    const kind = raw.startsWith('audio') ? 'audio' : raw.startsWith('video') ? 'video' : null;
    if (!kind) continue;
    const lines = raw.split(/\r?\n/);
    const port = Number(lines[0]?.split(' ')[1] ?? '0');
    const mid = lines.find((l) => l.startsWith('a=mid:'))?.slice(6).trim();
    if (!mid) continue;
    const msid = lines.find((l) => l.startsWith('a=msid:'))?.slice(7).trim().split(/\s+/);
    const dir = lines.find((l) => /^a=(sendonly|sendrecv|recvonly|inactive)$/.test(l.trim()))?.trim().slice(2) ?? 'sendrecv';
    const streamId = msid?.[0] && msid[0] !== '-' ? msid[0] : null;
    out.push({ mid, kind, streamId, trackId: msid?.[1] ?? null, active: port !== 0 && (dir === 'sendonly' || dir === 'sendrecv') });
  }
  return out;
}

/**
 * The browser's MediaStreamTrack; where there is no DOM (the Node tests of this mapping), any object with an id.
 * Keeps this module free of DOM types so it type-checks in both tsconfigs.
 */
export type Track = typeof globalThis extends { MediaStreamTrack: { prototype: infer P } } ? P : { readonly id: string };

export interface IncomingTrack {
  mid: string;
  kind: 'audio' | 'video';
  track: Track;
  streamId: string | null;
  trackId: string | null;
  /** Order in which this (mid, producer) first appeared: later = newer. */
  seq: number;
}

export interface RemoteMedia {
  audio: Track[];
  camera: Track | null;
  screen: Track | null;
}

const midOrder = (a: IncomingTrack, b: IncomingTrack) => Number(a.mid) - Number(b.mid) || a.mid.localeCompare(b.mid);

/**
 * Incoming tracks -> participant id -> audio / camera / screen. `participants` are the ones we can receive from
 * (others in our room), in snapshot order.
 */
export function mapTracks(
  tracks: IncomingTrack[],
  participants: ParticipantState[],
  selfId: string | null,
  producers: readonly ProducerSummary[] = [],
): Map<string, RemoteMedia> {
  const sourceOf = new Map(producers.map((p) => [p.id, p.source]));
  const known = new Set(participants.map((p) => p.id));
  const byPid = new Map<string, IncomingTrack[]>();
  const unnamed: IncomingTrack[] = [];
  for (const t of tracks) {
    if (t.streamId && t.streamId !== selfId && known.has(t.streamId)) {
      const list = byPid.get(t.streamId) ?? [];
      list.push(t);
      byPid.set(t.streamId, list);
    } else if (!t.streamId || !known.has(t.streamId)) {
      unnamed.push(t);
    }
  }
  // Fallback: hand unnamed tracks out in mid order, one audio and one video per participant not yet served.
  if (unnamed.length) {
    unnamed.sort(midOrder);
    const waiting = participants.filter((p) => p.id !== selfId && !byPid.has(p.id));
    for (const kind of ['audio', 'video'] as const) {
      const pool = unnamed.filter((t) => t.kind === kind);
      for (const p of waiting) {
        const t = pool.shift();
        if (!t) break;
        const list = byPid.get(p.id) ?? [];
        list.push(t);
        byPid.set(p.id, list);
      }
    }
  }
  const byId = new Map(participants.map((p) => [p.id, p]));
  const result = new Map<string, RemoteMedia>();
  for (const [pid, list] of byPid) {
    const videos = list.filter((t) => t.kind === 'video').sort((a, b) => a.seq - b.seq);
    const media: RemoteMedia = { audio: list.filter((t) => t.kind === 'audio').map((t) => t.track), camera: null, screen: null };
    const p = byId.get(pid);
    // The server says which producer is which (msid track id = producer id): no guessing.
    const known = videos.filter((t) => t.trackId && sourceOf.has(t.trackId));
    if (known.length === videos.length && videos.length > 0) {
      const cams = known.filter((t) => sourceOf.get(t.trackId!) !== 'screen');
      const screens = known.filter((t) => sourceOf.get(t.trackId!) === 'screen');
      media.camera = cams.length ? cams[cams.length - 1]!.track : null;
      media.screen = screens.length ? screens[screens.length - 1]!.track : null;
    } else if (p?.screenSharing && videos.length >= 2) {
      // Camera first, screen later (the screen's section is negotiated after the camera's).
      media.camera = videos[0]!.track;
      media.screen = videos[videos.length - 1]!.track;
    } else if (p?.screenSharing && p.videoMuted && videos.length === 1) {
      // Sharing with the camera off (or without one): the one video is the screen.
      media.screen = videos[0]!.track;
    } else if (videos.length) {
      // Not sharing: a second video section is a stale screen the server has not dropped yet; show the camera only.
      media.camera = videos[0]!.track;
    }
    result.set(pid, media);
  }
  return result;
}
