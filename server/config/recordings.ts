import path from 'node:path';
import { z } from 'zod';
import { SITES, type Site } from '../../signaling/protocol/domain.js';

/**
 * Recording configuration (issue 6), read from the same cleaned environment as the rest of the config:
 * - CONCORD_RECORDINGS_ROOT: default storage root (default <CONCORD_DATA_DIR>/recordings);
 * - CONCORD_RECORDINGS_ROOT_<SITE> (GUANGZHOU, SHENZHEN, ZHUHAI, HONG_KONG, MACAU): the root for cases of that home
 *   site (recordings stay at the case's home site); absolute paths;
 * - CONCORD_RECORDINGS_SEGMENT_SECONDS: segment length, 2..60 (default 5): what a recorder crash can lose at most;
 * - CONCORD_TRANSCRIBE_ENGINE: pocketsphinx (default), sherpa-onnx or none;
 * - CONCORD_SHERPA_MODEL_DIR: a sherpa-onnx SenseVoice model directory (required for sherpa-onnx; with pocketsphinx,
 *   it transcribes the Mandarin (cmn) and Cantonese (yue) tracks);
 * - CONCORD_VAD_MODEL: sherpa-onnx's Silero VAD model file (`silero_vad.onnx`) that cuts tracks into decode windows
 *   (default: the energy detector, no model);
 * - CONCORD_TRANSCRIBE_LANGUAGE: the spoken language of a track whose channel and participant name none (cmn, yue, en,
 *   pt...); default: the case's home site (yue in Hong Kong and Macau, cmn on the mainland sites);
 * - CONCORD_FFMPEG, CONCORD_FFPROBE, CONCORD_POCKETSPHINX: program paths (default from PATH).
 */
export interface RecordingsConfig {
  readonly root: string;
  readonly siteRoots: Readonly<Record<Site, string>>;
  readonly segmentSeconds: number;
  readonly transcribeEngine: 'pocketsphinx' | 'sherpa-onnx' | 'none';
  readonly sherpaModelDir: string | undefined;
  readonly vadModel: string | undefined;
  readonly transcribeLanguage: string | undefined;
  readonly ffmpeg: string;
  readonly ffprobe: string;
  readonly pocketsphinx: string;
}

const absolute = z.string().refine((v) => path.isAbsolute(v), 'must be an absolute path');
const siteVar = (s: Site) => `CONCORD_RECORDINGS_ROOT_${s.toUpperCase()}`;

const schema = z.object({
  CONCORD_RECORDINGS_ROOT: absolute.optional(),
  ...Object.fromEntries(SITES.map((s) => [siteVar(s), absolute.optional()])),
  CONCORD_RECORDINGS_SEGMENT_SECONDS: z.coerce.number().int().min(2).max(60).default(5),
  CONCORD_TRANSCRIBE_ENGINE: z.enum(['pocketsphinx', 'sherpa-onnx', 'none']).default('pocketsphinx'),
  CONCORD_SHERPA_MODEL_DIR: absolute.optional(),
  CONCORD_VAD_MODEL: absolute.optional(),
  CONCORD_TRANSCRIBE_LANGUAGE: z.string().trim().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a language tag such as cmn, yue, en or pt').optional(),
  CONCORD_FFMPEG: z.string().min(1).default('ffmpeg'),
  CONCORD_FFPROBE: z.string().min(1).default('ffprobe'),
  CONCORD_POCKETSPHINX: z.string().min(1).default('pocketsphinx_continuous'),
});

/** Returns the config or a list of `VAR: message` problems (the caller throws ConfigError with them). */
export function recordingsConfig(env: Record<string, string>, dataDir: string): RecordingsConfig | string[] {
  const parsed = schema.safeParse(env);
  if (!parsed.success) return parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
  const e = parsed.data as z.infer<typeof schema> & Record<string, string | undefined>;
  if (e.CONCORD_TRANSCRIBE_ENGINE === 'sherpa-onnx' && !e.CONCORD_SHERPA_MODEL_DIR) {
    return ['  CONCORD_SHERPA_MODEL_DIR: required when CONCORD_TRANSCRIBE_ENGINE is sherpa-onnx'];
  }
  const root = e.CONCORD_RECORDINGS_ROOT ?? path.join(dataDir, 'recordings');
  const siteRoots = Object.fromEntries(SITES.map((s) => [s, e[siteVar(s)] ?? root])) as Record<Site, string>;
  return Object.freeze({
    root,
    siteRoots: Object.freeze(siteRoots),
    segmentSeconds: e.CONCORD_RECORDINGS_SEGMENT_SECONDS,
    transcribeEngine: e.CONCORD_TRANSCRIBE_ENGINE,
    sherpaModelDir: e.CONCORD_SHERPA_MODEL_DIR,
    vadModel: e.CONCORD_VAD_MODEL,
    transcribeLanguage: e.CONCORD_TRANSCRIBE_LANGUAGE,
    ffmpeg: e.CONCORD_FFMPEG,
    ffprobe: e.CONCORD_FFPROBE,
    pocketsphinx: e.CONCORD_POCKETSPHINX,
  });
}
