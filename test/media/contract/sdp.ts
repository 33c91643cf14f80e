import { RTCPeerConnection } from 'werift';
import { LOOPBACK } from '../helpers/bot.js';
import { until } from '../helpers/wait.js';

/**
 * Reading offers the way a browser does, without depending on an engine's line layout: sections, their direction,
 * their msid (publisher participant id and producer id), and the o= session id.
 */
export interface Section {
  mid: string | undefined;
  kind: string;
  /** sendonly / inactive / ... ('sendrecv' when the section says nothing). */
  direction: string;
  /** From `a=msid:<participant> <producer>`, on sections that carry a track. */
  participant: string | undefined;
  producer: string | undefined;
}

export function sections(sdp: string): Section[] {
  return sdp.split(/\r?\nm=/).slice(1).map((sec) => {
    const line = (re: RegExp) => re.exec(sec);
    const dir = line(/\r?\na=(sendonly|recvonly|inactive|sendrecv)\b/)?.[1] ?? 'sendrecv';
    const msid = line(/\r?\na=msid:(\S+) (\S+)/);
    return { mid: line(/\r?\na=mid:(\S+)/)?.[1], kind: sec.split(' ')[0]!, direction: dir, participant: msid?.[1], producer: msid?.[2] };
  });
}

/** The sections that carry media towards the receiver now. */
export const live = (sdp: string): Section[] => sections(sdp).filter((s) => s.direction === 'sendonly' || s.direction === 'sendrecv');

export const origin = (sdp: string): { session: string; version: number } => {
  const o = sdp.split(/\r?\n/).find((l) => l.startsWith('o='))!.split(' ');
  return { session: o[1]!, version: Number(o[2]) };
};

/** host and port of every a=candidate line. */
export function candidates(sdp: string): { address: string; port: number }[] {
  return sdp
    .split(/\r?\n/)
    .filter((l) => l.startsWith('a=candidate:'))
    .map((l) => {
      const f = l.split(' ');
      return { address: f[4]!, port: Number(f[5]) };
    });
}

/** A valid publishing offer (audio + video) from a throwaway client that is closed before anyone answers it. */
export async function throwawayOffer(kinds: ('audio' | 'video')[] = ['audio', 'video']): Promise<{ sdp: string; sources: Record<string, 'microphone' | 'camera'> }> {
  const pc = new RTCPeerConnection({ ...LOOPBACK });
  for (const k of kinds) pc.addTransceiver(k, { direction: 'sendonly' });
  await pc.setLocalDescription(await pc.createOffer());
  await until('gathering', () => pc.iceGatheringState === 'complete', 5000, 10);
  const sources: Record<string, 'microphone' | 'camera'> = {};
  for (const t of pc.getTransceivers()) sources[t.mid!] = t.kind === 'audio' ? 'microphone' : 'camera';
  const sdp = pc.localDescription!.sdp;
  await pc.close();
  return { sdp, sources };
}
