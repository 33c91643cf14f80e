import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { captionsConfig } from '../../server/config/captions.js';
import { chooseCaptionEngine, sherpaCommand, streamingModelFiles } from '../../recordings/captions/engines.js';
import { CaptionDecoder } from '../../recordings/captions/decoder.js';
import { CaptionService } from '../../server/recordings/captions.js';
import { captionLanguage } from '../../server/hearings/captions.js';
import type { CaptionSpec } from '../../server/hearings/caption-backend.js';
import { createLogger } from '../../server/lib/logger.js';

const tmp = mkdtempSync(join(tmpdir(), 'concord-captions-units-'));
const engines = { pocketsphinx: 'pocketsphinx_continuous', sherpaLanguages: ['zh', 'zh-Hans', 'zh-Hant', 'yue'] };

/** A directory laid out like a sherpa-onnx streaming Zipformer release, with files that are not models. */
function fakeStreamingModel(name: string, files = ['encoder-epoch-99-avg-1.int8.onnx', 'encoder-epoch-99-avg-1.onnx', 'decoder-epoch-99-avg-1.onnx', 'joiner-epoch-99-avg-1.onnx', 'tokens.txt']): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  for (const f of files) writeFileSync(join(dir, f), 'not a model');
  return dir;
}

const spec = (participantId: string, language: string): CaptionSpec => ({
  hearingId: 'h1', participantId, roomId: 'joint', language,
  producer: { id: `prd-${participantId}`, participantId, kind: 'audio', source: 'microphone', layers: [], codec: 'opus', clockRate: 48000, channels: 2 },
});

describe('caption engine choice (issue 17.4)', () => {
  it('English goes to pocketsphinx; Chinese needs the configured streaming model, and says so without one', () => {
    expect(chooseCaptionEngine('en', { ...engines, sherpaModelDir: undefined })).toEqual({ kind: 'pocketsphinx', bin: 'pocketsphinx_continuous' });
    expect(chooseCaptionEngine('en-GB', { ...engines, sherpaModelDir: undefined }).kind).toBe('pocketsphinx');
    const none = chooseCaptionEngine('zh', { ...engines, sherpaModelDir: undefined });
    expect(none).toMatchObject({ kind: 'none' });
    expect(none.kind === 'none' && none.message).toMatch(/CONCORD_CAPTIONS_SHERPA_MODEL_DIR/);
    expect(chooseCaptionEngine('pt', { ...engines, sherpaModelDir: undefined }).kind).toBe('none');

    const dir = fakeStreamingModel('zipformer');
    const zh = chooseCaptionEngine('zh-Hant-HK', { ...engines, sherpaModelDir: dir });
    expect(zh.kind).toBe('sherpa-onnx');
    // The int8 encoder is preferred, as in the sherpa-onnx releases.
    expect(zh.kind === 'sherpa-onnx' && zh.files.encoder).toBe(join(dir, 'encoder-epoch-99-avg-1.int8.onnx'));
    // English stays on pocketsphinx when a Chinese model is configured.
    expect(chooseCaptionEngine('en', { ...engines, sherpaModelDir: dir }).kind).toBe('pocketsphinx');
  });

  it('names what is missing from a model directory', () => {
    expect(streamingModelFiles(join(tmp, 'nowhere'))).toMatch(/does not exist/);
    const partial = fakeStreamingModel('partial', ['encoder.onnx', 'decoder.onnx']);
    expect(streamingModelFiles(partial)).toMatch(/missing joiner\*\.onnx, tokens\.txt/);
    expect(chooseCaptionEngine('zh', { ...engines, sherpaModelDir: partial })).toMatchObject({ kind: 'none' });
  });

  it('reads its configuration, refusing bad values', () => {
    const d = captionsConfig({});
    expect(d).toMatchObject({ enabled: true, maxDecoders: 4, language: 'en', sherpaModelDir: undefined, sherpaLanguages: ['zh', 'zh-Hans', 'zh-Hant', 'yue'] });
    expect(captionsConfig({ CONCORD_CAPTIONS: 'off', CONCORD_CAPTIONS_MAX_DECODERS: '2', CONCORD_CAPTIONS_SHERPA_LANGUAGES: 'zh, yue' }))
      .toMatchObject({ enabled: false, maxDecoders: 2, sherpaLanguages: ['zh', 'yue'] });
    expect(captionsConfig({ CONCORD_CAPTIONS_MAX_DECODERS: '0' })).toEqual([expect.stringContaining('CONCORD_CAPTIONS_MAX_DECODERS')]);
    expect(captionsConfig({ CONCORD_CAPTIONS_SHERPA_MODEL_DIR: 'relative/dir' })).toEqual([expect.stringContaining('absolute')]);
    expect(captionsConfig({ CONCORD_CAPTIONS_LANGUAGE: 'english!' })).toEqual([expect.stringContaining('CONCORD_CAPTIONS_LANGUAGE')]);
  });
});

describe('caption service: the node cap and the clear states (real ffmpeg and recognisers)', { timeout: 60_000 }, () => {
  const log = createLogger('silent');
  const opened: { close(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const o of opened) await o.close().catch(() => undefined);
  });

  it('runs at most maxDecoders at once, and a slot frees when one closes', async () => {
    const svc = new CaptionService({ enabled: true, maxDecoders: 1, language: 'en', ffmpeg: 'ffmpeg', ...engines, sherpaModelDir: undefined, log });
    const a = await svc.open(spec('a', 'en'), () => undefined);
    expect(a.ok).toBe(true);
    if (!a.ok) return;
    opened.push(a.stream);
    expect(a.stream.engine).toBe('pocketsphinx');
    expect(a.stream.target()).toMatchObject({ host: '127.0.0.1', payloadType: 111 });
    const b = await svc.open(spec('b', 'en'), () => undefined);
    expect(b).toMatchObject({ ok: false, reason: 'limit' });
    expect(svc.decoders()).toHaveLength(1);
    await a.stream.close();
    expect(svc.decoders()).toHaveLength(0);
    const c = await svc.open(spec('c', 'en'), () => undefined);
    expect(c.ok).toBe(true);
    if (c.ok) opened.push(c.stream);
    await svc.close();
    expect(svc.decoders()).toHaveLength(0);
  });

  it('Chinese without a model is `no_model` and starts nothing; off means off', async () => {
    const svc = new CaptionService({ enabled: true, maxDecoders: 2, language: 'en', ffmpeg: 'ffmpeg', ...engines, sherpaModelDir: undefined, log });
    const r = await svc.open(spec('z', 'zh-Hans'), () => undefined);
    expect(r).toMatchObject({ ok: false, reason: 'no_model' });
    expect(!r.ok && r.message).toMatch(/CONCORD_CAPTIONS_SHERPA_MODEL_DIR/);
    expect(svc.decoders()).toHaveLength(0);
    const off = new CaptionService({ enabled: false, maxDecoders: 2, language: 'en', ffmpeg: 'ffmpeg', ...engines, sherpaModelDir: undefined, log });
    expect(off.available).toBe(false);
    expect((await off.open(spec('e', 'en'), () => undefined)).ok).toBe(false);
  });

  it('a configured model that cannot be loaded fails with the reason, never taking the server down', async () => {
    const files = streamingModelFiles(fakeStreamingModel('broken'));
    if (typeof files === 'string') throw new Error(files);
    let why = '';
    const d = new CaptionDecoder({
      ffmpeg: 'ffmpeg', recognizer: sherpaCommand(files), onText: () => undefined, onFailed: (w) => (why = w),
      producer: spec('x', 'zh').producer,
    });
    opened.push(d);
    await d.start().catch(() => undefined);
    await expect.poll(() => d.failed, { timeout: 30_000 }).toBe(true);
    expect(why).toMatch(/sherpa-onnx/);
    expect(why).toMatch(/cannot be loaded|does not load|exited/);
    await d.close();
  });
});

describe('the language a speaker is captioned in', () => {
  const engineFor = (s: Parameters<typeof captionLanguage>[0]) => chooseCaptionEngine(captionLanguage(s, 'en'), { ...engines, sherpaModelDir: undefined }).kind;

  it('is the interpreter channel language, else the participant own spoken language, else the default', () => {
    expect(captionLanguage({ interpreting: { to: 'pt' }, language: 'cmn' }, 'en')).toBe('pt');
    expect(captionLanguage({ interpreting: null, language: 'cmn' }, 'en')).toBe('zh-Hans');
    expect(captionLanguage({ interpreting: null, language: 'yue' }, 'en')).toBe('yue');
    expect(captionLanguage({ interpreting: null, language: null }, 'en')).toBe('en');
  });

  it('so a Mandarin speaker goes to the streaming model (none configured here: no captions, said why) and English to pocketsphinx', () => {
    expect(engineFor({ interpreting: null, language: 'en' })).toBe('pocketsphinx');
    expect(engineFor({ interpreting: null, language: 'cmn' })).toBe('none');
    expect(engineFor({ interpreting: { to: 'en' }, language: 'pt' })).toBe('pocketsphinx');
  });
});
