/**
 * The media engine interface: what the hearing layer needs from an SFU, in the style of mediasoup's object model
 * (router per hearing, a publishing and a subscribing transport per participant, one consumer per forwarded track).
 * The werift engine implements it in worker processes; a mediasoup engine can implement it where its worker installs.
 *
 * Isolation rule (private caucus): every participant is in exactly one room of its router at a time; the router forwards
 * a producer's packets to a subscriber only when both are in the same room. Moving someone between rooms changes the
 * forwarding table inside the engine, not just what a page shows.
 *
 * Interpreter channels narrow it (`setAudience`): a producer's audio goes to a subscriber only when both are in the
 * same room AND the producer's audience includes the subscriber (the subscriber's channel, or its id by name).
 */
/** The channel everyone follows unless told otherwise (the room's own audio): the protocol's one name for it. */
export { FLOOR_CHANNEL } from '../../signaling/protocol/domain.js';

export type MediaKind = 'audio' | 'video';
export type TrackSource = 'microphone' | 'camera' | 'screen';

export interface ProducerInfo {
  id: string;
  participantId: string;
  kind: MediaKind;
  source: TrackSource;
  /** Simulcast layers received (by RID), empty when not simulcast. */
  layers: string[];
}

/** One row of the forwarding table: the packets that really went from a producer to a subscriber. */
export interface ForwardingEntry {
  producerId: string;
  fromParticipantId: string;
  toParticipantId: string;
  kind: MediaKind;
  packets: number;
  bytes: number;
  /** The simulcast layer currently forwarded, when the producer sends simulcast. */
  layer?: string;
}

/**
 * What a subscriber wants to receive: the simulcast layer is the best one within `maxHeight` / `maxBitrate`, and
 * within the height of the tile each publisher is shown at (`tiles`, by publisher participant id) when given.
 */
export interface ReceivePreferences {
  maxHeight?: number;
  maxBitrate?: number;
  audioOnly?: boolean;
  tiles?: Record<string, number>;
}

/**
 * Interpreter channels, as the engine sees them: which channel a participant listens to, and who hears its audio.
 * The engine knows no languages: channels are opaque ids (the hearing layer uses spoken-language codes).
 */
export interface Audience {
  /** The channel this participant follows: `floor` (the default) or a language channel. */
  channel: string;
  /**
   * Who receives this participant's AUDIO, within its room: `null` = everyone (the default; a consecutive
   * interpreter); otherwise only subscribers on one of `channels` (simultaneous) plus the `participants` named
   * (whispered: the served party). Video is not narrowed.
   */
  heardBy: { channels: string[]; participants: string[] } | null;
}

export interface SubscribeResult {
  /** The o= session id every offer of this receiving transport carries. */
  session: string;
}

export interface RouterEvents {
  /** The subscriber transport needs a new offer (tracks added or removed); the client answers with `answerSubscriber`. */
  subscriberOffer: (participantId: string, sdp: string) => void;
  /** A producer appeared or went away (the hearing layer tells clients who publishes what). */
  producersChanged: (producers: ProducerInfo[]) => void;
  /** Audio level per participant, 0 (silent) .. 127 (loud), about every 300 ms: active-speaker indicator. */
  audioLevels: (levels: Record<string, number>) => void;
  /** The worker carrying this router died; the hearing must be re-placed and clients told to reconnect. */
  failed: (reason: string) => void;
}

export interface MediaRouter {
  readonly id: string;
  readonly hearingId: string;
  readonly closed: boolean;
  /** Client's offer for its sending transport -> answer. Non-trickle: the answer carries all candidates. */
  publish(participantId: string, offerSdp: string, sources: Record<string, TrackSource>): Promise<{ answerSdp: string }>;
  /**
   * Opens (or restarts) the participant's receiving transport; offers arrive through `subscriberOffer`, the first one
   * as soon as there is something to receive (none while nobody else publishes in the room). Engines that can say
   * so resolve with the o= session id of the new transport's offers, so the client can drop a replaced one's.
   */
  subscribe(participantId: string): Promise<SubscribeResult | void>;
  answerSubscriber(participantId: string, answerSdp: string): Promise<void>;
  /** Puts a participant in a room (joint session `joint`, or a caucus id); forwarding follows at once. */
  setRoom(participantId: string, roomId: string): Promise<void>;
  /** Stops forwarding one kind from a participant (mute by the mediator, audio-only mode for weak links). */
  setForwarding(participantId: string, kind: MediaKind, enabled: boolean): Promise<void>;
  /** Interpreter channels: the participant's channel and its audio's audience; forwarding follows at once. */
  setAudience(participantId: string, audience: Audience): Promise<void>;
  /** Preferred receive size and bandwidth, to pick the simulcast layer for this subscriber. */
  setReceivePreferences(participantId: string, prefs: ReceivePreferences): Promise<void>;
  removeParticipant(participantId: string): Promise<void>;
  forwardingTable(): Promise<ForwardingEntry[]>;
  on<E extends keyof RouterEvents>(event: E, listener: RouterEvents[E]): void;
  off<E extends keyof RouterEvents>(event: E, listener: RouterEvents[E]): void;
  /** The producers now received, with their codecs (recording). */
  recordableProducers(): Promise<RecordableProducer[]>;
  /**
   * Starts copying a participant's microphone (audio) or camera (video) to `target`, now and across later producer
   * changes; a muted (setForwarding false) track is not copied. Returns the producer tapped now, or null when the
   * participant publishes no such track yet (the tap waits for it).
   */
  startRecordingTap(participantId: string, kind: MediaKind, target: RecordingTarget): Promise<RecordableProducer | null>;
  /**
   * Stops the tap (also after the participant left the router) and returns what it copied; null when there was none.
   * `purpose` names which of the participant's taps in that room (default 'recording'; see RecordingTarget.purpose).
   */
  stopRecordingTap(participantId: string, kind: MediaKind, room?: string, purpose?: TapPurpose): Promise<RecordingTapStats | null>;
  /** Closes every transport; safe to call twice. */
  close(): Promise<void>;
}

/**
 * Recording tap (recordings/): where the decrypted RTP of one participant's track is copied, as plain RTP over UDP on
 * this host (the recorder, e.g. ffmpeg, listens there). The engine rewrites SSRC and payload type to these values and
 * keeps sequence numbers and timestamps continuous when the participant's producer is replaced (republish, layer).
 */
export interface RecordingTarget {
  host: string;
  port: number;
  payloadType: number;
  ssrc: number;
  /** Ask the publisher for a keyframe this often (video), so a segmenter can cut a file; default 4000 ms. */
  keyframeIntervalMs?: number;
  /**
   * Copy only while the participant is in this room (`joint` or a caucus id), checked per packet like forwarding:
   * a move into a caucus stops the copy before the move returns. Also part of the tap's identity (one tap per room).
   */
  room?: string;
  /**
   * What the copy is for: 'recording' (default) or 'captions' (live captions decode the same microphone). Part of the
   * tap's identity with the room, so a recording and a caption decoder of one speaker run side by side and stop apart.
   */
  purpose?: TapPurpose;
}

export type TapPurpose = 'recording' | 'captions';

/** What a tap really copied; times are the engine host's `Date.now()`. */
export interface RecordingTapStats {
  packets: number;
  bytes: number;
  firstPacketAt: number | null;
  lastPacketAt: number | null;
}

/** A producer as the recorder needs it: the codec decides the SDP the recorder is given. */
export interface RecordableProducer extends ProducerInfo {
  /** Lower-case codec name: 'opus', 'vp8', 'h264', 'vp9'. */
  codec: string;
  clockRate: number;
  channels?: number;
}

export interface MediaEngineStats {
  workers: { pid: number; routers: number; alive: boolean }[];
}

export interface MediaEngine {
  readonly closed: boolean;
  /** Places the hearing's router on the least loaded live worker. */
  createRouter(hearingId: string): Promise<MediaRouter>;
  stats(): MediaEngineStats;
  close(): Promise<void>;
}
