/** The live hearing room: what the signalling gateway and the wiring use. */
export { HearingRegistry, DEFAULT_GRACE_MS, type HearingRegistryOptions } from './registry.js';
export { LiveHearing, type HearingServices } from './hearing.js';
export { LiveParticipant, type MediaKind } from './participant.js';
export { Room, JOINT_ROOM, type RoomKind } from './room.js';
export { mayControl, mayDo, entersDirectly, type HearingControl } from './permissions.js';
export type { SelfUpdate } from './controls.js';
export { HearingRecording, type RecordingBackend, type TrackHandle, type TrackSpec } from './recording.js';
export type { ClosedNotice, ParticipantConnection, ParticipantIdentity, ResumePoint, RosterEntry } from './types.js';
export { TestCalls, TEST_CALL_MS, echoIdOf, type TestCallOptions } from './test-call.js';
export { HearingCaptions, type CaptionBackend, type CaptionOpen, type CaptionResult, type CaptionSpec, type CaptionStream } from './captions.js';
