import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  EnergyVad, PocketsphinxEngine, SherpaOnnxEngine, SileroVad, SpeechEngines, TranscriptionError, planWindows, speechEngines, spokenLanguage, wavInfo,
  type EngineSettings,
} from '../../recordings/transcribe/index.js';
import { joinWords } from '../../recordings/transcribe/engine.js';
import { tokensToWords } from '../../recordings/transcribe/sherpa.js';
import { draftRecordLines } from '../../server/recordings/record-draft.js';
import { caseRecordLanguage, caseSpokenLanguage } from '../../server/recordings/languages.js';
import { trackResults } from '../../server/recordings/transcription.js';

/**
 * Issue 17, transcripts per language: the engine switch per spoken language, the clear "no model" answer, the
 * windows (at most 30 s, cut at silences, never overlapping) and the energy VAD on real audio written by ffmpeg.
 */
const base: EngineSettings = { transcribeEngine: 'pocketsphinx', sherpaModelDir: undefined, pocketsphinx: 'pocketsphinx_continuous' };

describe('speech engine per language', () => {
  it('en goes to pocketsphinx; cmn and yue to sherpa-onnx (SenseVoice) when its model is configured', () => {
    const withModel = new SpeechEngines({ ...base, sherpaModelDir: '/opt/models/sense-voice' });
    const en = withModel.forLanguage('en');
    expect(en.ok && en.engine).toBeInstanceOf(PocketsphinxEngine);
    for (const tag of ['cmn', 'zh-CN', 'yue', 'yue-HK', 'zh-HK']) {
      const c = withModel.forLanguage(tag);
      expect(c.ok && c.engine, tag).toBeInstanceOf(SherpaOnnxEngine);
    }
    expect(withModel.forLanguage('zh-CN').language).toBe('cmn');
    expect(withModel.forLanguage('zh-HK').language).toBe('yue');
    // The same engine object for the same language (the model is named once).
    const a = withModel.forLanguage('cmn');
    const b = withModel.forLanguage('zh');
    expect(a.ok && b.ok && a.engine === b.engine).toBe(true);
    // CONCORD_TRANSCRIBE_ENGINE=sherpa-onnx: SenseVoice takes English as well.
    const sherpaEn = new SpeechEngines({ ...base, transcribeEngine: 'sherpa-onnx', sherpaModelDir: '/opt/models/sense-voice' }).forLanguage('en-GB');
    expect(sherpaEn.ok && sherpaEn.engine).toBeInstanceOf(SherpaOnnxEngine);
    expect(speechEngines({ ...base, transcribeEngine: 'none' })).toBeNull();
  });

  it('without a model: a clear "no model for <language>" answer, not an engine that would fail or return nothing', () => {
    const engines = new SpeechEngines(base);
    const cmn = engines.forLanguage('cmn');
    expect(cmn).toEqual({ ok: false, language: 'cmn', reason: expect.stringMatching(/^no model for cmn: set CONCORD_SHERPA_MODEL_DIR/) });
    const yue = engines.forLanguage('yue-HK');
    expect(yue.ok).toBe(false);
    expect(!yue.ok && yue.reason).toMatch(/^no model for yue/);
    // Portuguese: SenseVoice does not speak it, so even with a model there is none.
    const pt = new SpeechEngines({ ...base, sherpaModelDir: '/opt/models/sense-voice' }).forLanguage('pt-MO');
    expect(pt).toEqual({ ok: false, language: 'pt', reason: 'no model for pt: no speech engine here transcribes it' });
  });

  it('a configured but missing model answers with its own error before any decoding (sherpa-onnx, Silero VAD)', async () => {
    const c = new SpeechEngines({ ...base, sherpaModelDir: '/nonexistent/sense-voice' }).forLanguage('cmn');
    expect(c.ok).toBe(true);
    await expect(c.ok ? c.engine.check() : Promise.resolve()).rejects.toThrow(/\/nonexistent\/sense-voice does not exist/);
    const vad = new SpeechEngines({ ...base, vadModel: '/nonexistent/silero_vad.onnx' }).vad();
    expect(vad).toBeInstanceOf(SileroVad);
    await expect((vad as SileroVad).check()).rejects.toThrow(TranscriptionError);
    expect(new SpeechEngines(base).vad()).toBeInstanceOf(EnergyVad);
  });

  it('language tags, the case defaults by site, Chinese text without spaces, SenseVoice tokens as words', () => {
    expect(['cmn', 'zh', 'zh-Hans-CN', 'yue', 'zh-yue', 'zh-MO', 'en-US', 'pt-PT', 'PT'].map(spokenLanguage)).toEqual(['cmn', 'cmn', 'cmn', 'yue', 'yue', 'yue', 'en', 'pt', 'pt']);
    expect(['guangzhou', 'shenzhen', 'zhuhai', 'hong_kong', 'macau'].map(caseSpokenLanguage)).toEqual(['cmn', 'cmn', 'cmn', 'yue', 'yue']);
    expect(['guangzhou', 'hong_kong', 'macau'].map(caseRecordLanguage)).toEqual(['zh-Hans', 'zh-Hant', 'zh-Hant']);
    expect(joinWords(['我', '们', '同意', 'OK', '了'])).toBe('我们同意 OK 了');
    expect(joinWords(['go', 'forward'])).toBe('go forward');
    const words = tokensToWords(['<|zh|>', '我', '们', '▁he', 'llo', '▁world'], [0, 0.1, 0.3, 0.5, 0.6, 0.9]);
    expect(words.map((w) => [w.word, w.startMs])).toEqual([['我', 100], ['们', 300], ['hello', 500], ['world', 900]]);
  });
});

describe('decode windows', () => {
  it('at most 30 s, cut in the silences, padded where there is room, never overlapping, silence left out', () => {
    const regions = [
      { startMs: 1000, endMs: 4000 }, { startMs: 5000, endMs: 12_000 }, { startMs: 14_000, endMs: 29_000 },
      { startMs: 31_000, endMs: 33_000 },
      // A long pause, then someone speaking 75 s without a pause the detector sees.
      { startMs: 120_000, endMs: 195_000 },
    ];
    const w = planWindows(regions, 200_000);
    for (const x of w) expect(x.endMs - x.startMs).toBeLessThanOrEqual(30_000);
    for (let i = 1; i < w.length; i++) expect(w[i]!.startMs).toBeGreaterThanOrEqual(w[i - 1]!.endMs);
    // The first three regions share a window (29.25 s with context); the fourth starts the next, in the silence.
    expect(w[0]).toEqual({ startMs: 750, endMs: 29_250 });
    expect(w[1]).toEqual({ startMs: 30_750, endMs: 33_250 });
    // Nothing between 33.25 s and 119.75 s is decoded; the long region is covered without a gap.
    expect(w[2]!.startMs).toBe(119_750);
    expect(w[w.length - 1]!.endMs).toBe(195_250);
    for (let i = 3; i < w.length; i++) expect(w[i]!.startMs).toBe(w[i - 1]!.endMs);
    // Every speech millisecond is inside a window.
    for (const r of regions) for (let t = r.startMs; t < r.endMs; t += 250) expect(w.some((x) => x.startMs <= t && t < x.endMs), `${t}`).toBe(true);
    expect(planWindows([], 60_000)).toEqual([]);
  });

  it('the energy VAD finds tone bursts written by ffmpeg, streaming the file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vad-'));
    const wav = path.join(dir, 'bursts.wav');
    const sil = (d: number) => ['-f', 'lavfi', '-i', `anullsrc=r=16000:cl=mono:d=${d}`];
    const tone = (d: number) => ['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=16000:duration=${d}`];
    // 2 s silence, 1.5 s tone, 0.2 s silence (inside the hangover), 1 s tone, 3 s silence, 2 s tone, 1 s silence.
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...sil(2), ...tone(1.5), ...sil(0.2), ...tone(1), ...sil(3), ...tone(2), ...sil(1),
      '-filter_complex', '[0][1][2][3][4][5][6]concat=n=7:v=0:a=1', '-ac', '1', '-ar', '16000', '-c:a', 'pcm_s16le', wav]);
    const info = await wavInfo(wav);
    expect(info.sampleRate).toBe(16_000);
    expect(Math.abs(info.durationMs - 10_700)).toBeLessThan(50);
    const regions = await new EnergyVad().detect(wav, info);
    expect(regions.length).toBe(2);
    const near = (a: number, b: number) => Math.abs(a - b) <= 60;
    expect(near(regions[0]!.startMs, 2000) && near(regions[0]!.endMs, 4700), JSON.stringify(regions)).toBe(true);
    expect(near(regions[1]!.startMs, 7700) && near(regions[1]!.endMs, 9700), JSON.stringify(regions)).toBe(true);
    // Not a WAV at all: a clear error.
    writeFileSync(path.join(dir, 'x.wav'), 'not a wav');
    await expect(wavInfo(path.join(dir, 'x.wav'))).rejects.toThrow(/not a RIFF\/WAVE file/);
  });
});

/**
 * Silero through sherpa-onnx, on real speech: only where a model file is named (none ships; e.g. `silero_vad.onnx` v4
 * or v5). Speech is placed at 2 s and at 8.3 s; the regions must cover both and nothing in the long silence between.
 */
describe.skipIf(!process.env.CONCORD_TEST_VAD_MODEL)('Silero VAD (CONCORD_TEST_VAD_MODEL)', () => {
  it('finds the placed speech, streaming the file in a child process', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'silero-'));
    const wav = path.join(dir, 'speech.wav');
    const sil = (d: number) => ['-f', 'lavfi', '-i', `anullsrc=r=16000:cl=mono:d=${d}`];
    const raw = ['-f', 's16le', '-ar', '16000', '-ac', '1', '-i', '/usr/share/pocketsphinx/test/data/goforward.raw'];
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...sil(2), ...raw, ...sil(3.5), ...raw, ...sil(2),
      '-filter_complex', '[0][1][2][3][4]concat=n=5:v=0:a=1', '-ac', '1', '-ar', '16000', '-c:a', 'pcm_s16le', wav]);
    const vad = new SileroVad(process.env.CONCORD_TEST_VAD_MODEL!);
    const regions = await vad.detect(wav, await wavInfo(wav));
    expect(regions.length, JSON.stringify(regions)).toBeGreaterThanOrEqual(2);
    const covered = (t: number) => regions.some((r) => r.startMs <= t && t <= r.endMs);
    // "forward" of each placement (0.65 s into the clip); nothing in the middle of the 3.5 s silence.
    expect(covered(2650) && covered(2000 + 2786 + 3500 + 650), JSON.stringify(regions)).toBe(true);
    expect(covered(2000 + 2786 + 1750), JSON.stringify(regions)).toBe(false);
  });
});

describe('the hearing record drafted from the timeline', () => {
  const segments = [
    { speaker: '陈大文', role: 'respondent', language: 'yue', startMs: 5000, text: '我同意' },
    { speaker: 'Ana Costa', role: 'interpreter', language: 'pt', startMs: 6200, text: 'Eu concordo' },
    { speaker: '张三', role: 'applicant', language: 'cmn', startMs: 1000, text: '工资没有发' },
    { speaker: 'X', role: 'applicant', language: 'en', startMs: 7000, text: '   ' },
  ];

  it('in the case language: who, role and spoken language in its words, what was said as transcribed, in time order', () => {
    expect(draftRecordLines(segments, 'zh-Hans')).toEqual([
      { text: '申请人 张三（普通话）：工资没有发', atMs: 1000 },
      { text: '被申请人 陈大文（粤语）：我同意', atMs: 5000 },
      { text: '翻译 Ana Costa（葡萄牙语）：Eu concordo', atMs: 6200 },
    ]);
    expect(draftRecordLines(segments, 'zh-Hant').map((l) => l.text)).toEqual([
      // Names and what was said stay as they are; the labels are the record's language.
      '申請人 张三（普通話）：工资没有发', '被申請人 陈大文（粵語）：我同意', '傳譯員 Ana Costa（葡萄牙語）：Eu concordo']);
    expect(draftRecordLines(segments, 'pt')[1]!.text).toBe('Requerido 陈大文 (cantonês): 我同意');
    expect(draftRecordLines(segments, 'en')[2]!.text).toBe('Interpreter Ana Costa (Portuguese): Eu concordo');
  });

  it('stored per-track results are read defensively (older transcripts have none)', () => {
    expect(trackResults(null)).toEqual([]);
    expect(trackResults('not json')).toEqual([]);
    expect(trackResults('[{"trackId":1}]')).toEqual([]);
    const ok = { trackId: 't', participantId: 'p', speaker: 's', role: 'applicant', language: 'yue', languageFrom: 'case', engine: null, status: 'no_model', error: 'no model for yue', windows: 0, longestWindowMs: 0, vad: null };
    expect(trackResults(JSON.stringify([ok]))).toEqual([ok]);
  });
});
