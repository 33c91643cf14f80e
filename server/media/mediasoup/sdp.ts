/**
 * The server-side SDP bridge (issue 13): the browser keeps speaking SDP to the hearing protocol, and the mediasoup
 * engine turns it into mediasoup parameters and back with mediasoup-client's own SDP modules, as mediasoup-client's
 * Chrome111 handler does in the browser: the client's offer gives RTP capabilities, DTLS parameters and, per m-line,
 * the sending RTP parameters to produce with (`ortc`, `commonUtils`, `unifiedPlanUtils`); `RemoteSdp` writes the
 * answer to it, and the offers of a receiving transport from its consumers. So one browser client (unchanged) serves
 * both engines and the hearing protocol stays engine-agnostic.
 */
import type { types } from 'mediasoup';
import { extractRtpCapabilities, getCname } from 'mediasoup-client/handlers/sdp/commonUtils';
import { getRtpEncodings } from 'mediasoup-client/handlers/sdp/unifiedPlanUtils';
import * as ortc from 'mediasoup-client/ortc';
import type { RtpCapabilities as ClientRtpCapabilities, RtpParameters as ClientRtpParameters } from 'mediasoup-client/types';
import * as sdpTransform from 'sdp-transform';
import { ValidationError } from '../../lib/errors.js';
import type { MediaKind } from '../engine.js';

export type SessionDescription = sdpTransform.SessionDescription;
export type MediaDescription = SessionDescription['media'][number];

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Cheap structural checks, then sdp-transform: bad input is a ValidationError, never a crash. */
export function parseSdp(sdp: unknown, type: 'offer' | 'answer'): SessionDescription {
  if (typeof sdp !== 'string') throw new ValidationError(`${type} SDP must be a string`);
  if (sdp.length > 256 * 1024) throw new ValidationError(`${type} SDP too large`);
  if (!/^v=0\r?\n/.test(sdp)) throw new ValidationError(`${type} SDP must start with v=0`);
  let parsed: SessionDescription;
  try {
    parsed = sdpTransform.parse(sdp);
  } catch (e) {
    throw new ValidationError(`invalid ${type} SDP: ${message(e)}`);
  }
  if (!Array.isArray(parsed.media) || parsed.media.length === 0) throw new ValidationError(`${type} SDP has no media section`);
  for (const m of parsed.media) {
    if (m.mid === undefined || m.mid === null || String(m.mid).length === 0) throw new ValidationError(`${type} SDP has a media section without a=mid`);
    if (m.port === 0) continue;
    if (!(m.iceUfrag ?? parsed.iceUfrag) || !(m.icePwd ?? parsed.icePwd)) throw new ValidationError(`${type} SDP has no ICE credentials`);
    if (!(m.fingerprint ?? parsed.fingerprint)) throw new ValidationError(`${type} SDP has no DTLS fingerprint`);
    if (!(m.setup ?? parsed.setup)) throw new ValidationError(`${type} SDP has no a=setup`);
  }
  return parsed;
}

/** The client's transport identity: a new ICE ufrag or certificate means a new peer connection. */
export function peerIdentity(sdp: SessionDescription): string {
  const m = sdp.media.find((x) => x.port !== 0) ?? sdp.media[0];
  const fp = m?.fingerprint ?? sdp.fingerprint;
  return `${m?.iceUfrag ?? sdp.iceUfrag ?? ''}/${fp?.hash ?? ''}`;
}

/** The a=setup of the client's description (session or first open section). */
export function setupOf(sdp: SessionDescription): string | undefined {
  return sdp.setup ?? sdp.media.find((m) => m.port !== 0)?.setup;
}

/** One m-line of a publishing offer, with what mediasoup needs to produce it and RemoteSdp to answer it. */
export interface OfferSection {
  mid: string;
  kind: MediaKind;
  /** The client sends on it (sendonly / sendrecv, port not 0). */
  sending: boolean;
  media: MediaDescription;
  /** RTP parameters in the client's numbering: what the producer is created with and the answer echoes. */
  sendParams: ClientRtpParameters;
  /** The same, with the router's feedback and extensions: what the answer offers back. */
  answerParams: ClientRtpParameters;
  /** Simulcast RIDs in the client's order (lowest first, like its sendEncodings), empty when not simulcast. */
  rids: string[];
}

/**
 * Reads a publishing offer against the router's capabilities. Throws ValidationError on anything unusable before
 * any state is touched (so a rejected first offer leaves nothing behind).
 */
/** What the client's offer and the router have in common (mediasoup-client's extended capabilities). */
export function extendedCapabilities(sdp: SessionDescription, routerCaps: types.RtpCapabilities): ReturnType<typeof ortc.getExtendedRtpCapabilities> {
  try {
    const local: ClientRtpCapabilities = extractRtpCapabilities({ sdpObject: sdp });
    ortc.validateAndNormalizeRtpCapabilities(local);
    const remote = structuredClone(routerCaps) as unknown as ClientRtpCapabilities;
    ortc.validateAndNormalizeRtpCapabilities(remote);
    return ortc.getExtendedRtpCapabilities(local, remote, false);
  } catch (e) {
    throw new ValidationError(`unusable offer: ${message(e)}`);
  }
}

export function readPublishOffer(sdp: SessionDescription, routerCaps: types.RtpCapabilities): OfferSection[] {
  const ext = extendedCapabilities(sdp, routerCaps);
  const out: OfferSection[] = [];
  for (const media of sdp.media) {
    if (media.type !== 'audio' && media.type !== 'video') throw new ValidationError(`unsupported media section ${media.type}`);
    const kind: MediaKind = media.type;
    const mid = String(media.mid);
    const direction = media.direction ?? 'sendrecv';
    const sending = media.port !== 0 && (direction === 'sendonly' || direction === 'sendrecv');
    const sendParams = ortc.getSendingRtpParameters(kind, ext);
    const answerParams = ortc.getSendingRemoteRtpParameters(kind, ext);
    if (sending && sendParams.codecs.length === 0) throw new ValidationError(`no codec of the ${kind} section ${mid} is supported`);
    sendParams.mid = mid;
    sendParams.rtcp = { ...sendParams.rtcp, cname: getCname({ offerMediaObject: media }) || `concord-${mid}` };
    const rids = simulcastRids(media);
    if (sending) {
      if (rids.length > 1) sendParams.encodings = rids.map((rid) => ({ rid }));
      else {
        try {
          sendParams.encodings = getRtpEncodings({ offerMediaObject: media, codecs: sendParams.codecs });
        } catch (e) {
          if (rids.length === 1) sendParams.encodings = [{ rid: rids[0]! }];
          else throw new ValidationError(`the ${kind} section ${mid} has neither a=ssrc nor a=rid: ${message(e)}`);
        }
      }
    }
    out.push({ mid, kind, sending, media, sendParams, answerParams, rids: rids.length > 1 ? rids : [] });
  }
  return out;
}

/** Send RIDs of a section, in the a=simulcast order (else a=rid order), paused ones included. */
function simulcastRids(media: MediaDescription): string[] {
  const send = (media.rids ?? []).filter((r) => r.direction === 'send').map((r) => String(r.id));
  const list = media.simulcast?.dir1 === 'send' ? media.simulcast.list1 : media.simulcast?.dir2 === 'send' ? media.simulcast.list2 : undefined;
  if (!list) return send;
  const order = list.split(';').flatMap((alt) => alt.split(',')).map((s) => s.replace(/^~/, ''));
  return order.filter((rid) => send.length === 0 || send.includes(rid));
}

/**
 * JSEP wants one o= session id and an increasing version per session (RFC 8829 5.2.2); clients use a changed id to
 * tell a new transport's offers from a replaced one's. Also strips msid and SSRCs from inactive sections, so a freed
 * m-line names nobody.
 */
export class SdpOrigin {
  readonly sessionId = String(Math.floor(Math.random() * 2 ** 52));
  private version = 0;

  apply(sdp: string): string {
    const parsed = sdpTransform.parse(sdp);
    parsed.origin = { ...parsed.origin!, username: '-', sessionId: this.sessionId, sessionVersion: this.version++ };
    for (const m of parsed.media) {
      if (m.direction !== 'inactive') continue;
      delete m.msid;
      delete m.ssrcs;
      delete m.ssrcGroups;
    }
    return sdpTransform.write(parsed);
  }
}
