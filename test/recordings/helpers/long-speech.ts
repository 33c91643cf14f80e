import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATA } from './speech.js';

/**
 * A long synthetic English track for the windowed transcriber: the pocketsphinx test speech of Debian's
 * pocketsphinx-testdata ("go forward ten meters", "go somewhere and do something", "he was not an ill disposed young
 * man") with silences between, repeated to the length asked for, as a 16 kHz mono 16-bit WAV written by ffmpeg. The
 * gap after each repetition cycles through several lengths so the windows (cut at silences, up to 30 s) fall at
 * different places in it; `anchors` says where each anchor word starts on the track.
 */
export interface LongSpeech {
  wav: string;
  durationMs: number;
  /** Where each placed anchor word starts (ms on the track). */
  anchors: { word: string; atMs: number }[];
  units: number;
}

const RATE = 16_000;
const CLIP_A = `${DATA}/goforward.raw`;
const CLIP_B = `${DATA}/something.raw`;
const CLIP_C = `${DATA}/librivox/sense_and_sensibility_01_austen_64kb-0880.wav`;
/** Where the anchor words start inside their clip (s): measured with pocketsphinx on the clips (helpers/speech.ts). */
const IN_CLIP = { go: 0.47, forward: 0.65, somewhere: 0.644, young: 2.065 };
/** Silence between the three sentences, and the cycle of gaps after each repetition (s). */
const INNER_GAP = 1.5;
const GAPS = [2.0, 3.7, 6.1, 2.9];

const rawSeconds = (path: string) => statSync(path).size / 2 / RATE;

function unit(dir: string, gap: number): { path: string; ms: number } {
  const out = join(dir, `unit-${gap.toFixed(1)}.wav`);
  const sil = (d: number) => ['-f', 'lavfi', '-i', `anullsrc=r=${RATE}:cl=mono:d=${d}`];
  const raw = (p: string) => ['-f', 's16le', '-ar', String(RATE), '-ac', '1', '-i', p];
  if (!existsSync(out)) {
    execFileSync('ffmpeg', [
      '-hide_banner', '-loglevel', 'error', '-y', ...raw(CLIP_A), ...sil(INNER_GAP), ...raw(CLIP_B), ...sil(INNER_GAP), '-i', CLIP_C, ...sil(gap),
      '-filter_complex', '[0][1][2][3][4][5]concat=n=6:v=0:a=1', '-ar', String(RATE), '-ac', '1', '-c:a', 'pcm_s16le', out,
    ]);
  }
  // The unit's exact length in samples (its stream's time base is 1/16000), as ffprobe reads the file.
  const probe = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=duration_ts', '-of', 'csv=p=0', out], { encoding: 'utf8' });
  return { path: out, ms: (Number(probe.trim()) / RATE) * 1000 };
}

export function buildLongSpeech(dir: string, minutes: number): LongSpeech {
  mkdirSync(dir, { recursive: true });
  const units = GAPS.map((g) => unit(dir, g));
  const a = rawSeconds(CLIP_A) * 1000;
  const b = rawSeconds(CLIP_B) * 1000;
  const target = minutes * 60_000;
  const list: string[] = [];
  const anchors: LongSpeech['anchors'] = [];
  let at = 0;
  for (let i = 0; at < target; i++) {
    const u = units[i % units.length]!;
    const bStart = at + a + INNER_GAP * 1000;
    const cStart = bStart + b + INNER_GAP * 1000;
    anchors.push(
      { word: 'go', atMs: at + IN_CLIP.go * 1000 }, { word: 'forward', atMs: at + IN_CLIP.forward * 1000 },
      { word: 'somewhere', atMs: bStart + IN_CLIP.somewhere * 1000 }, { word: 'young', atMs: cStart + IN_CLIP.young * 1000 },
    );
    list.push(`file '${u.path}'`);
    at += u.ms;
  }
  const wav = join(dir, `long-${minutes}min.wav`);
  const listPath = join(dir, `long-${minutes}min.txt`);
  writeFileSync(listPath, list.join('\n') + '\n');
  if (!existsSync(wav)) {
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'concat', '-safe', '0', '-i', listPath, '-c:a', 'pcm_s16le', '-ar', String(RATE), '-ac', '1', wav]);
  }
  return { wav, durationMs: at, anchors, units: list.length };
}
