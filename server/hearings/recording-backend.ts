import type { HearingRole } from '../../signaling/protocol/domain.js';
import type { MediaKind, RecordableProducer, RecordingTapStats, RecordingTarget } from '../media/engine.js';

/**
 * What the live hearing needs from the recording service (server/recordings implements it): the case file rows,
 * the audit entries, and one recorder per track. Kept here as an interface so this layer knows no storage.
 */
export interface RecordingBackend {
  begin(h: { caseId: string; hearingId: string }, by: { participantId: string; role: HearingRole }): Promise<{ recordingId: string }>;
  /** `at`: when the answer reached the server; `withdrawn`: a refusal after an agreement in the same recording. */
  consent(h: { caseId: string; hearingId: string }, p: { participantId: string; displayName: string }, scope: string, decision: 'accepted' | 'refused', o: { at: Date; withdrawn: boolean }): Promise<void>;
  started(recordingId: string, at: Date): Promise<void>;
  openTrack(recordingId: string, t: TrackSpec): Promise<TrackHandle>;
  /** `at`: when the stop was asked for (the recording's end on its timeline; closing the recorders takes a moment). */
  stop(recordingId: string, by: string | null, at: Date): Promise<void>;
}

export interface TrackSpec {
  participantId: string;
  displayName: string;
  role: HearingRole;
  kind: MediaKind;
  roomId: string;
  private: boolean;
  producer: RecordableProducer;
  /**
   * The spoken language of this track when the hearing knows it (issue 17): an interpreter's channel language, or the
   * participant's own. Left out, the transcript takes the participant's language, else the case's default.
   */
  language?: string;
}

export interface TrackHandle {
  target(): RecordingTarget;
  /** The recorder died on its own (killed, crashed): the track is partial and a new one should take over. */
  readonly failed: boolean;
  close(stats: RecordingTapStats | null, reason: string): Promise<void>;
}
