import { z } from 'zod';
import { INTERPRETATION_MODES, LISTENING_CHANNELS } from './domain.js';
import type { HearingRole, HearingStatus, InterpretationMode, ListeningChannel, SpokenLanguage } from './domain.js';
import type { ErrorCode } from './errors.js';
import { CaptionsSet, type CaptionText, type CaptionsState } from './captions.js';

/**
 * The live-hearing protocol over socket.io (namespace `/hearing`). The handshake carries
 * `auth: { token: <participant session token>, protocol: PROTOCOL_VERSION }` and must come from an allowed Origin.
 * Every client request is an event with one payload and an acknowledgement callback answered with `Ack<T>`.
 * Payloads are validated with the schemas below (strict: unknown fields are refused) before anything else.
 */
export const HEARING_NAMESPACE = '/hearing';
export const MAX_MESSAGE_BYTES = 64 * 1024;

export type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: ErrorCode; message: string; details?: unknown } };

const pid = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/);
const sdp = z.string().min(10).max(MAX_MESSAGE_BYTES);
const trackSource = z.enum(['microphone', 'camera', 'screen']);
/**
 * The pre-join page's "I have read the rules and the recording notice", per participant (audited as `hearing.consent`).
 * It is NOT consent to be recorded (issue 12): that is asked in the room when recording starts (`recording.consent`).
 */
const consent = z.strictObject({ recording: z.enum(['accepted', 'refused']) });
/**
 * The sequence envelope of the participant's outbox: `epoch` names one incarnation of the participant in the live
 * hearing (a new one after the reconnection grace ran out, or in a new live hearing), `seq` counts its state events
 * from 1. The last argument of every sequenced server event; the client acknowledges with `outbox.ack` and sends the
 * last one it applied as `since` with `hearing.join` after a reconnect.
 */
export const Delivery = z.strictObject({
  epoch: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/),
  seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});
export type Delivery = z.infer<typeof Delivery>;

export const Requests = {
  /** `since`: the last sequenced event the client applied; what followed it is replayed before the answer, if still held. */
  'hearing.join': z.strictObject({ consent: consent.optional(), since: Delivery.optional() }),
  /** The last sequenced event the client applied: the server forgets everything up to it. */
  'outbox.ack': Delivery,
  /** The participant read the rules and the recording notice (also allowed from the lobby); not recording consent. */
  'consent.set': consent,
  'hearing.leave': z.strictObject({}),
  'hearing.lock': z.strictObject({ locked: z.boolean() }),
  'hearing.end': z.strictObject({}),
  'lobby.admit': z.strictObject({ participantId: pid }),
  'lobby.deny': z.strictObject({ participantId: pid, reason: z.string().trim().max(500).optional() }),
  'lobby.sendBack': z.strictObject({ participantId: pid }),
  'participant.mute': z.strictObject({ participantId: pid, kind: z.enum(['audio', 'video']) }),
  'participant.askUnmute': z.strictObject({ participantId: pid }),
  'participant.remove': z.strictObject({ participantId: pid, reason: z.string().trim().max(500).optional() }),
  'self.update': z.strictObject({
    audioMuted: z.boolean().optional(),
    videoMuted: z.boolean().optional(),
    handRaised: z.boolean().optional(),
    screenSharing: z.boolean().optional(),
    /** The client's own view of its connection, for the quality indicator others see. */
    quality: z.enum(['good', 'fair', 'poor', 'audio_only']).optional(),
  }),
  // Interpreter channels (issue 17): a listener picks `floor` or a language one of the hearing's interpreters speaks
  // into (the SFU then forwards that interpreter's audio to them); the mediator, or the interpreter for themselves,
  // switches an interpreter's mode.
  'interpretation.listen': z.strictObject({ channel: z.enum(LISTENING_CHANNELS) }),
  'interpretation.mode': z.strictObject({ participantId: pid, mode: z.enum(INTERPRETATION_MODES) }),
  'chat.send': z.strictObject({ to: z.enum(['all', 'mediator']), text: z.string().trim().min(1).max(2000) }),
  'caucus.start': z.strictObject({ participantIds: z.array(pid).min(1).max(20) }),
  'caucus.end': z.strictObject({ caucusId: pid }),
  // Recording (issue 6): the clerk or mediator starts and stops it; each participant answers the notice for the
  // hearing, or for the caucus they are in ('hearing' or the caucus id); the mediator asks a caucus to be recorded.
  /** `onRefusal`: the hearing's rule for refusals while this recording runs (default `continue`). */
  'recording.start': z.strictObject({ onRefusal: z.enum(['continue', 'pause_recording']).optional() }),
  'recording.stop': z.strictObject({}),
  'recording.consent': z.strictObject({ scope: z.union([z.literal('hearing'), pid]), accept: z.boolean() }),
  'recording.caucus': z.strictObject({ caucusId: pid }),
  /** Live captions (issue 17.4) on or off for oneself: captions of the room one is in, per speaker. */
  'captions.set': CaptionsSet,
  'media.publish': z.strictObject({ sdp, sources: z.record(z.string().max(64), trackSource) }),
  'media.subscribe': z.strictObject({}),
  'media.answer': z.strictObject({ sdp }),
  'media.preferences': z.strictObject({
    maxHeight: z.number().int().min(90).max(2160).optional(),
    maxBitrate: z.number().int().min(16_000).max(20_000_000).optional(),
    audioOnly: z.boolean().optional(),
    /** Rendered height (device pixels) of each publisher's tile: the simulcast layer is chosen per tile. */
    tiles: z.record(pid, z.number().int().min(0).max(4320)).refine((r) => Object.keys(r).length <= 50, 'too many tiles').optional(),
  }),
  // The pre-join test call (issue 16.5): allowed before `hearing.join`. The camera and microphone go to a router of
  // their own and come back to the same person; nobody in the hearing sees or hears it.
  /** Places the test call's router; the answer says how long it may last and which ICE servers to use. */
  'testCall.start': z.strictObject({}),
  /** The sending connection's offer -> the SFU's answer. */
  'testCall.publish': z.strictObject({ sdp, sources: z.record(z.string().max(64), trackSource) }),
  /** Opens the receiving side; answered with its offer (null: the call ended before there was one). */
  'testCall.receive': z.strictObject({}),
  'testCall.answer': z.strictObject({ sdp }),
  /** Ends the test call now (also ended by the time limit and by the socket's disconnect). */
  'testCall.stop': z.strictObject({}),
} as const;
export type RequestName = keyof typeof Requests;
export type RequestPayload<N extends RequestName> = z.infer<(typeof Requests)[N]>;

export type ParticipantPresence = 'lobby' | 'joined' | 'disconnected' | 'left';
export interface ParticipantState {
  id: string;
  role: HearingRole;
  displayName: string;
  presence: ParticipantPresence;
  /** `joint` or a caucus id; null while in the lobby. */
  roomId: string | null;
  audioMuted: boolean;
  videoMuted: boolean;
  handRaised: boolean;
  screenSharing: boolean;
  quality: 'good' | 'fair' | 'poor' | 'audio_only' | 'unknown';
  /** Muted by the mediator: may not unmute that kind until asked (survives a reload). */
  forcedMuted: { audio: boolean; video: boolean };
  /** The pre-join page's "rules and recording notice read", null until given. Not consent to be recorded. */
  consent: RecordingConsent | null;
  /** Spoken language (from the schedule), null when not given. */
  language: SpokenLanguage | null;
  /** The channel this participant listens to (`interpretation.listen`). */
  channel: ListeningChannel;
  /** An interpreter's work: language pair, mode, and the participants of the party they serve; null for others. */
  interpreting: InterpretingState | null;
}
export interface InterpretingState {
  from: SpokenLanguage;
  /** The channel they speak into in simultaneous mode. */
  to: SpokenLanguage;
  mode: InterpretationMode;
  /** Participant ids of the party served (whispered mode: only they hear the interpreter). */
  serves: string[];
}
export interface RecordingConsent {
  recording: 'accepted' | 'refused';
}
/** A published track and what it is: how subscribers tell a screen share from a camera (msid track id = `id`). */
export interface ProducerSummary {
  id: string;
  participantId: string;
  kind: 'audio' | 'video';
  source: 'microphone' | 'camera' | 'screen';
}
/** STUN/TURN servers for the client's peer connections (CONCORD_ICE_SERVERS). */
export interface IceServer {
  urls: string | readonly string[];
  username?: string;
  credential?: string;
}
export interface CaucusState {
  id: string;
  /** Everyone sees that a caucus runs and since when; only its members and the mediator see who is in it. */
  memberIds: string[] | null;
  startedAt: string;
}
export interface HearingSnapshot {
  hearingId: string;
  caseNumber: string;
  status: HearingStatus;
  locked: boolean;
  selfId: string;
  participants: ParticipantState[];
  caucuses: CaucusState[];
  /** Tracks published by the people in the viewer's own room (and the viewer's own). */
  producers: ProducerSummary[];
  /** The language channels of this hearing (one per interpreter's `to` language); `floor` is always there too. */
  channels: SpokenLanguage[];
}
/** The answer to `hearing.join`: the snapshot, the chat this participant may read, and the ICE servers to use. */
export interface JoinResult extends HearingSnapshot {
  chat: ChatMessage[];
  iceServers: IceServer[];
  /**
   * Where the participant's outbox stands: the snapshot is as of `seq` (events up to it are in it). `replayed` is how
   * many events after `since` were sent again just before this answer; null when `since` was missing or could not be
   * served (another epoch, trimmed, ahead of the server), and this answer is the full state instead.
   */
  outbox: Delivery & { replayed: number | null };
}
/** What a refusal in the joint session does: the refuser is left out (`continue`), or nobody is recorded meanwhile. */
export type RecordingOnRefusal = 'continue' | 'pause_recording';
/**
 * Recording as one participant sees it. `status` is for their own room: a caucus shows `off` unless the mediator asked
 * to record it; `paused` while someone present refuses and `onRefusal` is `pause_recording`. `ask` is the scope this
 * participant must answer now ('hearing' or their caucus id), null when nothing is asked; `consent` their answer for
 * `scope`; `recordingMe` whether their media is being recorded right now; `notRecorded` the people in their room who
 * are absent from the recording (refused, or not answered yet), empty while recording is off.
 */
export interface RecordingState {
  status: 'off' | 'awaiting_consent' | 'recording' | 'paused';
  onRefusal: RecordingOnRefusal;
  notRecorded: string[];
  since: string | null;
  scope: string;
  private: boolean;
  consent: 'accepted' | 'refused' | null;
  ask: string | null;
  recordingMe: boolean;
}

export interface ChatMessage {
  id: string;
  fromId: string;
  fromName: string;
  to: 'all' | 'mediator';
  text: string;
  at: string;
}

export interface Responses {
  'hearing.join': JoinResult;
  'outbox.ack': null;
  'consent.set': null;
  'hearing.leave': null;
  'hearing.lock': null;
  'hearing.end': null;
  'lobby.admit': null;
  'lobby.deny': null;
  'lobby.sendBack': null;
  'participant.mute': null;
  'participant.askUnmute': null;
  'participant.remove': null;
  'self.update': null;
  'interpretation.listen': null;
  'interpretation.mode': null;
  'chat.send': ChatMessage;
  'caucus.start': { caucusId: string };
  'caucus.end': null;
  'recording.start': { recordingId: string; status: RecordingState['status'] };
  'recording.stop': null;
  'recording.consent': null;
  'recording.caucus': null;
  'captions.set': CaptionsState;
  'media.publish': { sdp: string };
  /**
   * `session`: the o= session id of the new receiving transport's offers (null when the SFU does not say). Offers of a
   * transport this subscription replaced may still arrive before this answer: the client drops those.
   */
  'media.subscribe': { session: string | null };
  'media.answer': null;
  'media.preferences': null;
  /** `limitMs`: the server closes the call's router this long after the start, whatever the client does. */
  'testCall.start': { id: string; limitMs: number; iceServers: IceServer[] };
  'testCall.publish': { sdp: string };
  'testCall.receive': { sdp: string | null };
  'testCall.answer': null;
  'testCall.stop': null;
}

export type ClientToServerEvents = {
  [N in RequestName]: (payload: RequestPayload<N>, ack: (res: Ack<Responses[N]>) => void) => void;
};

/**
 * What the server sends, by event: the arguments before the envelope. Every event changes what the participant sees
 * and goes through their outbox (sequenced, kept until acknowledged, replayed after a reconnect), except the
 * `TransientEvent`s: audio levels (superseded ten times a second) and the closing notice (the participant is gone).
 */
export interface ServerEventArgs {
  'hearing.state': [s: HearingSnapshot];
  'chat.message': [m: ChatMessage];
  /** The chat this participant may read now, sent when they enter another room (admitted, caucus and back). */
  'chat.history': [h: { messages: ChatMessage[] }];
  /** A new offer for the participant's receiving transport; answer with `media.answer`. */
  'media.offer': [o: { sdp: string }];
  'media.levels': [levels: Record<string, number>];
  /** The mediator muted this participant (audio or video). */
  'control.muted': [m: { kind: 'audio' | 'video' }];
  'control.askUnmute': [];
  /** Removed, denied, hearing ended: the socket is closed after this. */
  'hearing.closed': [r: { reason: 'removed' | 'denied' | 'ended' | 'link_revoked'; message?: string }];
  /** The media worker failed: tear down peer connections and publish/subscribe again. */
  'media.restart': [];
  /** Recording state as this participant sees it (their room); sent when it changes. */
  'recording.state': [s: RecordingState];
  /** Live captions state for this participant (their room's speakers), when it changes; see protocol/captions.ts. */
  'captions.state': [s: CaptionsState];
  /** A caption of someone speaking in this participant's room (only while they have captions on). */
  'captions.text': [c: CaptionText];
}
export type ServerEventName = keyof ServerEventArgs;
export type TransientEvent = 'media.levels' | 'hearing.closed';
export type SequencedEvent = Exclude<ServerEventName, TransientEvent>;

/** On the wire: a sequenced event carries its `Delivery` as the last argument. */
export type ServerToClientEvents = {
  [E in ServerEventName]: (...args: E extends TransientEvent ? ServerEventArgs[E] : [...ServerEventArgs[E], Delivery]) => void;
};
