import path from 'node:path';
import { z } from 'zod';

/**
 * Live captions (issue 17.4), read from the same cleaned environment as the rest of the config:
 * - CONCORD_CAPTIONS: on (default) or off (no decoder ever runs; the room's toggle says captions are unavailable);
 * - CONCORD_CAPTIONS_MAX_DECODERS: hard cap on caption decoders running at once on this node, 1..64 (default 4: each
 *   is an ffmpeg and a recogniser process, a fraction of a core; see docs/BENCHMARKS.md). Speakers beyond it show
 *   `limit` to the viewers until a slot frees;
 * - CONCORD_CAPTIONS_LANGUAGE: the language speakers are captioned in when nothing more is known about them (default en);
 * - CONCORD_CAPTIONS_SHERPA_MODEL_DIR: a sherpa-onnx streaming transducer directory (e.g. the streaming Zipformer for
 *   Chinese: encoder*.onnx, decoder*.onnx, joiner*.onnx, tokens.txt). When set, it captions the languages of
 *   CONCORD_CAPTIONS_SHERPA_LANGUAGES (default zh,zh-Hans,zh-Hant,yue) instead of pocketsphinx, which is English only;
 *   without it those languages show `no_model`. No model ships with Concord.
 * Programs (ffmpeg, pocketsphinx_continuous) come from the recordings config (CONCORD_FFMPEG, CONCORD_POCKETSPHINX).
 */
export interface CaptionsConfig {
  readonly enabled: boolean;
  readonly maxDecoders: number;
  readonly language: string;
  readonly sherpaModelDir: string | undefined;
  readonly sherpaLanguages: readonly string[];
}

const lang = z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a language tag such as en or zh-Hant');

const schema = z.object({
  CONCORD_CAPTIONS: z.enum(['on', 'off']).default('on'),
  CONCORD_CAPTIONS_MAX_DECODERS: z.coerce.number().int().min(1).max(64).default(4),
  CONCORD_CAPTIONS_LANGUAGE: lang.default('en'),
  CONCORD_CAPTIONS_SHERPA_MODEL_DIR: z.string().refine((v) => path.isAbsolute(v), 'must be an absolute path').optional(),
  CONCORD_CAPTIONS_SHERPA_LANGUAGES: z.string().default('zh,zh-Hans,zh-Hant,yue')
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(lang).min(1)),
});

/** Returns the config or a list of `VAR: message` problems (the caller throws ConfigError with them). */
export function captionsConfig(env: Record<string, string>): CaptionsConfig | string[] {
  const parsed = schema.safeParse(env);
  if (!parsed.success) return parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
  const e = parsed.data;
  return Object.freeze({
    enabled: e.CONCORD_CAPTIONS === 'on',
    maxDecoders: e.CONCORD_CAPTIONS_MAX_DECODERS,
    language: e.CONCORD_CAPTIONS_LANGUAGE,
    sherpaModelDir: e.CONCORD_CAPTIONS_SHERPA_MODEL_DIR,
    sherpaLanguages: Object.freeze([...e.CONCORD_CAPTIONS_SHERPA_LANGUAGES]),
  });
}
