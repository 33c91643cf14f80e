import type { types } from 'mediasoup';
import type { DtlsParameters, IceCandidate, IceParameters } from 'mediasoup-client/types';

/** Where the engine listens and what it tells clients. */
export interface NetworkOptions {
  /** Address the UDP sockets bind to (default 127.0.0.1). */
  listenIp: string;
  /** Address written into candidates when it differs from the bound one (public IP behind 1:1 NAT). */
  announcedIp?: string;
  /** Inclusive UDP port range for the transports. */
  portRange?: [number, number];
}

/** One WebRTC transport, UDP only, on the configured address and port range. */
export function createTransport(router: types.Router, net: NetworkOptions, appData: Record<string, unknown>): Promise<types.WebRtcTransport> {
  return router.createWebRtcTransport({
    listenInfos: [
      {
        protocol: 'udp',
        ip: net.listenIp,
        ...(net.announcedIp && net.announcedIp !== net.listenIp ? { announcedAddress: net.announcedIp } : {}),
        ...(net.portRange ? { portRange: { min: net.portRange[0], max: net.portRange[1] } } : {}),
      },
    ],
    enableUdp: true,
    enableTcp: false,
    appData,
  });
}

/** The transport's ICE and DTLS parameters as RemoteSdp takes them (copies: RemoteSdp changes the DTLS role). */
export function transportSdpParams(t: types.WebRtcTransport): { iceParameters: IceParameters; iceCandidates: IceCandidate[]; dtlsParameters: DtlsParameters } {
  return structuredClone({
    iceParameters: t.iceParameters as IceParameters,
    iceCandidates: t.iceCandidates as unknown as IceCandidate[],
    dtlsParameters: t.dtlsParameters as DtlsParameters,
  });
}
