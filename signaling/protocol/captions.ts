import { z } from 'zod';

/**
 * Live captions (issue 17.4): what the hearing sends about them. The schemas type the server's events and let a
 * client check what it receives; the one request, `captions.set`, is in hearing.ts's `Requests`.
 *
 * A caption is only ever sent to participants who are in the room the speaker spoke in (the joint session, or the
 * caucus both are in) and who turned captions on; a caucus one is not in is never captioned for one.
 */
const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/);

/** One caption line: a partial (`final: false`) is replaced by later text of the same `utteranceId`; a final ends it. */
export const CaptionText = z.strictObject({
  speakerId: id,
  speakerName: z.string().max(200),
  /** Counts per speaker and room: a later partial or the final of the same utterance replaces an earlier line. */
  utteranceId: z.string().min(1).max(200),
  text: z.string().max(2000),
  final: z.boolean(),
  /** Which recogniser produced it ('pocketsphinx', 'sherpa-onnx'). */
  engine: z.string().max(40),
  /** When the server received the text (ISO 8601). */
  at: z.string().max(40),
});
export type CaptionText = z.infer<typeof CaptionText>;

/**
 * Per speaker in the viewer's room, while the viewer has captions on:
 * - `live`: a decoder runs; `starting`: it is being started;
 * - `limit`: this server already runs its maximum number of decoders (CONCORD_CAPTIONS_MAX_DECODERS);
 * - `no_model`: no recogniser for the speaker's language is configured (e.g. Chinese without a streaming model);
 * - `failed`: the decoder could not start or died (retried);
 * - `muted`: the speaker's microphone is off (nothing to decode).
 */
export const CaptionSpeakerStatus = z.enum(['live', 'starting', 'limit', 'no_model', 'failed', 'muted']);
export type CaptionSpeakerStatus = z.infer<typeof CaptionSpeakerStatus>;

export const CaptionsState = z.strictObject({
  /** Whether this participant has captions on. */
  on: z.boolean(),
  /** False when this server has no caption engine (CONCORD_CAPTIONS=off): the toggle says so. */
  available: z.boolean(),
  speakers: z.array(z.strictObject({ participantId: id, status: CaptionSpeakerStatus, language: z.string().max(20) })).max(100),
});
export type CaptionsState = z.infer<typeof CaptionsState>;

/** The request body of `captions.set`: the viewer's own choice; it names nobody else. */
export const CaptionsSet = z.strictObject({ on: z.boolean() });
