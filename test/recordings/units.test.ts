import { createSocket } from 'node:dgram';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config/index.js';
import { SherpaOnnxEngine, TranscriptionError, speechEngine, toWebVtt, wordErrorRate } from '../../recordings/transcribe/index.js';
import { segmentWords } from '../../recordings/transcribe/engine.js';
import { TrackRecorder, parseSegmentList, trackSdp, type FinishedSegment } from '../../recordings/segmenter.js';
import { gridFor } from '../../recordings/composer.js';

describe('recordings units', () => {
  it('sherpa-onnx: a missing, empty or incomplete model directory is a clear error', async () => {
    await expect(new SherpaOnnxEngine(undefined).check()).rejects.toThrow(/no model directory configured/);
    await expect(new SherpaOnnxEngine('/nonexistent/model').check()).rejects.toThrow(/\/nonexistent\/model does not exist/);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sherpa-'));
    await expect(new SherpaOnnxEngine(dir).check()).rejects.toThrow(/has no model.onnx or model.int8.onnx/);
    writeFileSync(path.join(dir, 'model.onnx'), 'not a model');
    await expect(new SherpaOnnxEngine(dir).check()).rejects.toThrow(/has no tokens.txt/);
    writeFileSync(path.join(dir, 'tokens.txt'), 'a 0\n');
    // Both files there but the model is garbage: transcription refuses with the engine's reason, named as such.
    const wav = path.join(dir, 'x.wav');
    const header = Buffer.alloc(44);
    header.write('RIFF', 0); header.writeUInt32LE(36 + 3200, 4); header.write('WAVEfmt ', 8); header.writeUInt32LE(16, 16);
    header.writeUInt16LE(1, 20); header.writeUInt16LE(1, 22); header.writeUInt32LE(16000, 24); header.writeUInt32LE(32000, 28);
    header.writeUInt16LE(2, 32); header.writeUInt16LE(16, 34); header.write('data', 36); header.writeUInt32LE(3200, 40);
    writeFileSync(wav, Buffer.concat([header, Buffer.alloc(3200)]));
    const err = await new SherpaOnnxEngine(dir).transcribe(wav).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TranscriptionError);
    expect((err as Error).message).toMatch(/^sherpa-onnx: /);
  });

  it('config: recording roots must be absolute, sherpa needs a model directory, per-site roots apply', () => {
    const base = { CONCORD_DATA_DIR: '/tmp/x' };
    expect(() => loadConfig({ ...base, CONCORD_RECORDINGS_ROOT: 'relative/path' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, CONCORD_RECORDINGS_ROOT_HONG_KONG: 'hk' })).toThrow(/CONCORD_RECORDINGS_ROOT_HONG_KONG/);
    expect(() => loadConfig({ ...base, CONCORD_TRANSCRIBE_ENGINE: 'sherpa-onnx' })).toThrow(/CONCORD_SHERPA_MODEL_DIR/);
    expect(() => loadConfig({ ...base, CONCORD_RECORDINGS_SEGMENT_SECONDS: '1' })).toThrow(/CONCORD_RECORDINGS_SEGMENT_SECONDS/);
    const c = loadConfig({ ...base, CONCORD_RECORDINGS_ROOT_MACAU: '/srv/macau' });
    expect(c.recordings.root).toBe('/tmp/x/recordings');
    expect(c.recordings.siteRoots.macau).toBe('/srv/macau');
    expect(c.recordings.siteRoots.guangzhou).toBe('/tmp/x/recordings');
    expect(speechEngine(c.recordings)?.name).toBe('pocketsphinx');
    expect(speechEngine({ ...c.recordings, transcribeEngine: 'none' })).toBeNull();
  });

  it('word error rate, utterances, WebVTT, segment lists, SDP, grid', () => {
    expect(wordErrorRate('go forward ten meters', 'go forward ten meters')).toBe(0);
    expect(wordErrorRate('go forward ten meters', 'to go forward meters')).toBe(0.5);
    const segs = segmentWords([{ word: 'go', startMs: 0, endMs: 200 }, { word: 'on', startMs: 250, endMs: 400 }, { word: 'next', startMs: 2000, endMs: 2300 }]);
    expect(segs.map((x) => x.text)).toEqual(['go on', 'next']);
    const vtt = toWebVtt([{ startMs: 61_500, endMs: 62_000, speaker: 'A <b>', text: 'x --> y' }]);
    expect(vtt).toBe('WEBVTT\n\n1\n00:01:01.500 --> 00:01:02.000\n<v A &lt;b&gt;>x → y\n');
    expect(parseSegmentList('t-audio-00000.webm,0.000000,5.000000\nt-audio-00001.webm,5.000000,7.5\n', '/d')).toEqual([
      { index: 0, file: 't-audio-00000.webm', path: '/d/t-audio-00000.webm', start: 0, end: 5 },
      { index: 1, file: 't-audio-00001.webm', path: '/d/t-audio-00001.webm', start: 5, end: 7.5 },
    ]);
    expect(trackSdp('audio', 'opus', 48000, 2, 40000, 111)).toContain('m=audio 40000 RTP/AVP 111\r\na=rtpmap:111 opus/48000/2');
    expect(trackSdp('video', 'vp8', 90000, undefined, 40002, 96)).toContain('a=rtpmap:96 VP8/90000');
    expect(gridFor(1)).toEqual({ cols: 1, rows: 1 });
    expect(gridFor(3)).toEqual({ cols: 2, rows: 2 });
    expect(gridFor(5)).toEqual({ cols: 3, rows: 2 });
  });

  it('an idle recorder outlives a 2 s stall of the event loop that sends its keep-alives, and stops cleanly', { timeout: 90_000 }, async () => {
    // A muted participant or one in a caucus sends no RTP: only the keep-alives hold ffmpeg's input open. A loaded
    // machine stalls the event loop; a recorder ending on its own then counts as a crash (partial, restarted).
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rec-stall-'));
    const r = new TrackRecorder({ dir, stem: 't-audio', kind: 'audio', producer: { codec: 'opus', clockRate: 48000, channels: 2 }, segmentSeconds: 2 });
    const segments: FinishedSegment[] = [];
    r.on('segment', (x: FinishedSegment) => segments.push(x));
    await r.start();
    const t = r.target();
    const sock = createSocket('udp4');
    let seq = 0;
    const rtp = setInterval(() => {
      const b = Buffer.from([0x80, t.payloadType, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xf8, 0xff, 0xfe]);
      b.writeUInt16BE(seq, 2);
      b.writeUInt32BE((seq++ * 960) >>> 0, 4);
      b.writeUInt32BE(t.ssrc, 8);
      sock.send(b, t.port, '127.0.0.1');
    }, 20);
    // Media until the first 2 s segment has closed (however long a loaded machine takes to get there), so the stop
    // below has a second, open segment to close.
    const firstClosed = Date.now() + 20_000;
    while (segments.length === 0 && Date.now() < firstClosed) await new Promise((res) => setTimeout(res, 100));
    expect(segments.length).toBe(1);
    clearInterval(rtp);
    await new Promise((res) => setTimeout(res, 300));
    const until = Date.now() + 2000;
    while (Date.now() < until) {
      /* the stall */
    }
    await new Promise((res) => setTimeout(res, 1500));
    expect(r.exited).toBeNull();
    await r.stop();
    sock.close();
    expect(r.exited?.signal).toBeNull();
    // The last segment was closed and listed: the stop was clean. (How much media it holds depends on how often a
    // loaded machine let the 20 ms timer fire, so its place is asserted, not its length.)
    expect(segments.length).toBe(2);
    const last = segments.at(-1)!;
    expect(last.end).toBeGreaterThan(last.start);
    expect(last.start).toBeGreaterThanOrEqual(segments[0]!.end - 0.1);
  });
});
