import { z } from 'zod';
import type { HearingRole, HearingStatus } from './domain.js';
import type { ErrorCode } from './errors.js';

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
/** The pre-join page's recording notice: accepted or refused, per participant (issue 6 builds recording consent on it). */
const consent = z.strictObject({ recording: z.enum(['accepted', 'refused']) });

export const Requests = {
  'hearing.join': z.strictObject({ consent: consent.optional() }),
  /** The participant's answer to the recording notice (also allowed from the lobby); audited as `hearing.consent`. */
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
  'chat.send': z.strictObject({ to: z.enum(['all', 'mediator']), text: z.string().trim().min(1).max(2000) }),
  'caucus.start': z.strictObject({ participantIds: z.array(pid).min(1).max(20) }),
  'caucus.end': z.strictObject({ caucusId: pid }),
  // Recording (issue 6): the clerk or mediator starts and stops it; each participant answers the notice for the
  // hearing, or for the caucus they are in ('hearing' or the caucus id); the mediator asks a caucus to be recorded.
  'recording.start': z.strictObject({}),
  'recording.stop': z.strictObject({}),
  'recording.consent': z.strictObject({ scope: z.union([z.literal('hearing'), pid]), accept: z.boolean() }),
  'recording.caucus': z.strictObject({ caucusId: pid }),
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
  /** The answer to the pre-join recording notice, null until given. */
  consent: RecordingConsent | null;
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
}
/** The answer to `hearing.join`: the snapshot, the chat this participant may read, and the ICE servers to use. */
export interface JoinResult extends HearingSnapshot {
  chat: ChatMessage[];
  iceServers: IceServer[];
}
/**
 * Recording as one participant sees it. `status` is for their own room: a caucus shows `off` unless the mediator asked
 * to record it. `ask` is the scope this participant must answer now ('hearing' or their caucus id), null when nothing
 * is asked; `consent` their answer for `scope`; `recordingMe` whether their media is being recorded right now.
 */
export interface RecordingState {
  status: 'off' | 'awaiting_consent' | 'recording';
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
  'chat.send': ChatMessage;
  'caucus.start': { caucusId: string };
  'caucus.end': null;
  'recording.start': { recordingId: string; status: RecordingState['status'] };
  'recording.stop': null;
  'recording.consent': null;
  'recording.caucus': null;
  'media.publish': { sdp: string };
  /**
   * `session`: the o= session id of the new receiving transport's offers (null when the SFU does not say). Offers of a
   * transport this subscription replaced may still arrive before this answer: the client drops those.
   */
  'media.subscribe': { session: string | null };
  'media.answer': null;
  'media.preferences': null;
}

export type ClientToServerEvents = {
  [N in RequestName]: (payload: RequestPayload<N>, ack: (res: Ack<Responses[N]>) => void) => void;
};

export interface ServerToClientEvents {
  'hearing.state': (s: HearingSnapshot) => void;
  'chat.message': (m: ChatMessage) => void;
  /** The chat this participant may read now, sent when they enter another room (admitted, caucus and back). */
  'chat.history': (h: { messages: ChatMessage[] }) => void;
  /** A new offer for the participant's receiving transport; answer with `media.answer`. */
  'media.offer': (o: { sdp: string }) => void;
  'media.levels': (levels: Record<string, number>) => void;
  /** The mediator muted this participant (audio or video). */
  'control.muted': (m: { kind: 'audio' | 'video' }) => void;
  'control.askUnmute': () => void;
  /** Removed, denied, hearing ended: the socket is closed after this. */
  'hearing.closed': (r: { reason: 'removed' | 'denied' | 'ended' | 'link_revoked'; message?: string }) => void;
  /** The media worker failed: tear down peer connections and publish/subscribe again. */
  'media.restart': () => void;
  /** Recording state as this participant sees it (their room); sent when it changes. */
  'recording.state': (s: RecordingState) => void;
}
