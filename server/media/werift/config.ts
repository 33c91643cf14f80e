import {
  RTCRtpCodecParameters,
  useAudioLevelIndication,
  useFIR,
  useNACK,
  usePLI,
  useREMB,
  useRepairedRtpStreamId,
  useSdesMid,
  useSdesRTPStreamId,
  type RTCPeerConnection,
  type RTCPeerConnectionConfig,
} from 'werift';
import { ValidationError } from '../../lib/errors.js';

/** Where the SFU listens and what it tells clients. */
export interface NetworkOptions {
  /** Address the UDP sockets bind to (default 127.0.0.1). */
  listenIp: string;
  /** Address written into candidates when it differs from the bound one (public IP behind 1:1 NAT). */
  announcedIp?: string;
  /** Inclusive UDP port range for ICE sockets. */
  portRange?: [number, number];
}

export const OPUS_PT = 111;
export const VP8_PT = 96;
export const VP8_RTX_PT = 97;
export const H264_PT = 102;
export const H264_RTX_PT = 103;

const videoFeedback = () => [useNACK(), usePLI(), useFIR(), useREMB()];

/**
 * Codecs the SFU accepts and forwards. H.264 is constrained baseline, packetization-mode 1 (what browsers send by
 * default). transport-cc is deliberately absent: with it negotiated Chromium's send estimate collapsed on werift.
 */
export function sfuCodecs(): { audio: RTCRtpCodecParameters[]; video: RTCRtpCodecParameters[] } {
  return {
    audio: [
      new RTCRtpCodecParameters({
        mimeType: 'audio/opus',
        clockRate: 48000,
        channels: 2,
        payloadType: OPUS_PT,
        parameters: 'minptime=10;useinbandfec=1',
        rtcpFeedback: [],
      }),
    ],
    video: [
      new RTCRtpCodecParameters({ mimeType: 'video/VP8', clockRate: 90000, payloadType: VP8_PT, rtcpFeedback: videoFeedback() }),
      new RTCRtpCodecParameters({ mimeType: 'video/rtx', clockRate: 90000, payloadType: VP8_RTX_PT, parameters: `apt=${VP8_PT}` }),
      new RTCRtpCodecParameters({
        mimeType: 'video/H264',
        clockRate: 90000,
        payloadType: H264_PT,
        parameters: 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
        rtcpFeedback: videoFeedback(),
      }),
      new RTCRtpCodecParameters({ mimeType: 'video/rtx', clockRate: 90000, payloadType: H264_RTX_PT, parameters: `apt=${H264_PT}` }),
    ],
  };
}

function iceOptions(net: NetworkOptions): RTCPeerConnectionConfig {
  return {
    iceServers: [],
    iceInterfaceAddresses: { udp4: net.listenIp },
    iceAdditionalHostAddresses: [net.listenIp],
    iceUseIpv6: false,
    iceUseTcp: false,
    ...(net.portRange ? { icePortRange: net.portRange } : {}),
  };
}

/** The publishing transport: receives audio level (RFC 6464) and simulcast RIDs, nothing else. */
export function publisherConfig(net: NetworkOptions): RTCPeerConnectionConfig {
  return {
    ...iceOptions(net),
    codecs: sfuCodecs(),
    headerExtensions: {
      audio: [useSdesMid(), useAudioLevelIndication()],
      video: [useSdesMid(), useSdesRTPStreamId(), useRepairedRtpStreamId()],
    },
  };
}

/** The subscribing transport: no header extensions at all, the forwarder writes bare 12-byte RTP headers. */
export function subscriberConfig(net: NetworkOptions): RTCPeerConnectionConfig {
  return { ...iceOptions(net), codecs: sfuCodecs(), headerExtensions: { audio: [], video: [] } };
}

export async function iceGatheringComplete(pc: RTCPeerConnection, timeoutMs = 5000): Promise<void> {
  if (pc.iceGatheringState === 'complete') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.unSubscribe();
      reject(new Error('ICE gathering timed out'));
    }, timeoutMs);
    const sub = pc.iceGatheringStateChange.subscribe((state) => {
      if (state === 'complete') {
        clearTimeout(timer);
        sub.unSubscribe();
        resolve();
      }
    });
  });
}

/**
 * Keeps only the candidates on the bound address (werift also advertises other interfaces' addresses although it
 * binds only to `iceInterfaceAddresses`, and remote ICE then fails) and rewrites them to the announced address.
 */
export function filterCandidates(sdp: string, net: NetworkOptions): string {
  const lines = sdp.split('\r\n');
  const out: string[] = [];
  for (const line of lines) {
    if (line.startsWith('a=candidate:')) {
      const parts = line.split(' ');
      // a=candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type> ...
      if (parts[4] !== net.listenIp) continue;
      if (net.announcedIp && net.announcedIp !== net.listenIp) parts[4] = net.announcedIp;
      out.push(parts.join(' '));
    } else {
      out.push(line);
    }
  }
  return out.join('\r\n');
}

/**
 * werift draws a new o= session id for every description; JSEP wants the same id and an increasing version
 * within one session (RFC 8829 5.2.2), and clients use a changed id to detect a new session.
 */
export class SdpOrigin {
  readonly sessionId = String(Math.floor(Math.random() * 2 ** 52));
  private version = 0;

  apply(sdp: string): string {
    const v = this.version++;
    return sdp.replace(/^o=(\S+) \S+ \S+ /m, (_m, user: string) => `o=${user} ${this.sessionId} ${v} `);
  }
}

/** Cheap structural checks before werift sees a client's SDP: bad input must be an error, not a crash. */
export function checkSdp(sdp: unknown, type: 'offer' | 'answer'): string {
  if (typeof sdp !== 'string') throw new ValidationError(`${type} SDP must be a string`);
  if (sdp.length > 256 * 1024) throw new ValidationError(`${type} SDP too large`);
  if (!/^v=0\r?\n/.test(sdp)) throw new ValidationError(`${type} SDP must start with v=0`);
  if (!/\r?\nm=(audio|video) /.test(sdp) && type === 'offer') throw new ValidationError(`${type} SDP has no audio or video section`);
  if (/\r?\nm=(audio|video) [1-9]/.test(sdp)) {
    if (!/a=ice-ufrag:/.test(sdp)) throw new ValidationError(`${type} SDP has no ICE credentials`);
    if (!/a=fingerprint:/.test(sdp)) throw new ValidationError(`${type} SDP has no DTLS fingerprint`);
  }
  return sdp.includes('\r\n') ? sdp : sdp.replace(/\n/g, '\r\n');
}
