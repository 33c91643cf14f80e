import type { types } from 'mediasoup';
import * as ortc from 'mediasoup-client/ortc';
import { extendedCapabilities, type SessionDescription } from './sdp.js';

/**
 * What a client can receive, read from its own publishing offer (as mediasoup-client's Device reads its browser's
 * sample offer): for each kind the offer has, the codecs (RTX only where offered), feedback and header extensions it
 * shares with the router; for a kind it lacks (a phone without a camera), the router's own. Its consumers are created
 * with these, so the worker writes no header extension and runs no congestion controller the client never offered (a
 * Chromium offers transport-cc and gets the bandwidth estimator; a peer without it gets the layer it asks for). A
 * client that subscribes before it publishes gets the router's capabilities, as before.
 */
export function receiveCapabilities(sdp: SessionDescription, routerCaps: types.RtpCapabilities): types.RtpCapabilities {
  const recv = ortc.getRecvRtpCapabilities(extendedCapabilities(sdp, routerCaps)) as unknown as types.RtpCapabilities;
  const described = new Set<string>(sdp.media.filter((m) => m.port !== 0).map((m) => m.type));
  const routerCodecs = routerCaps.codecs ?? [];
  const routerExts = routerCaps.headerExtensions ?? [];
  // mediasoup matches a consumer's header extensions by URI and id, whatever their kind: a URI the described kinds
  // have (transport-cc, mid) follows what the client said; only URIs of the other kind alone come from the router.
  const describedUris = new Set(routerExts.filter((e) => e.kind !== undefined && described.has(e.kind)).map((e) => e.uri));
  return {
    codecs: [...(recv.codecs ?? []).filter((c) => described.has(c.kind)), ...routerCodecs.filter((c) => !described.has(c.kind))],
    headerExtensions: [
      ...(recv.headerExtensions ?? []).filter((e) => e.kind !== undefined && described.has(e.kind)),
      ...routerExts.filter((e) => e.kind !== undefined && !described.has(e.kind) && !describedUris.has(e.uri)),
    ],
  };
}
