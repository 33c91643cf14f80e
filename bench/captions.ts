/**
 * `npm run bench:captions` (issue 17.4): what live captions cost and how late they come.
 * One hearing through the real gateway and a media worker: a viewer (the mediator, a socket client) with captions on,
 * and werift bots speaking the pocketsphinx test speech (Opus) in a loop. Measured first with 1 captioned speaker (the
 * others muted), then with N:
 * - CPU per captioned speaker: the decoder processes (ffmpeg + recogniser) from /proc over a window;
 * - latency: for every recognised word, from the moment its end was played into the bot's peer connection (the bot's
 *   play start + the word's end in the speech file, timed by pocketsphinx on the file itself) to the arrival of the
 *   final caption holding it at the viewer's socket; median and p90, against the target of under 2 s at the median.
 * Env: BENCH_WINDOW_MS (default 30000), BENCH_SPEAKERS (N, default 3). Figures go to docs/BENCHMARKS.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run } from '../recordings/media.js';
import type { CaptionText } from '../signaling/protocol/captions.js';
import { procCpuMs, startBenchServer } from './hearing-server.js';
import { ClientPool, must, setupHearing, type FixtureRole } from '../test/helpers/hearing.js';
import { HearingBot } from '../test/recordings/helpers/bot.js';
import { oggOpusPackets, speechOgg, testPatternIvf } from '../test/recordings/helpers/speech.js';

const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? 30_000);
const N = Math.min(4, Math.max(2, Number(process.env.BENCH_SPEAKERS ?? 3)));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quantile = (xs: number[], q: number) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

/** Word end times (s) in the speech file, as pocketsphinx reads the file itself. */
async function wordTimeline(wav: string): Promise<{ word: string; end: number }[]> {
  const out = await run('pocketsphinx_continuous', ['-infile', wav, '-time', 'yes', '-logfn', '/dev/null']);
  const words: { word: string; end: number }[] = [];
  for (const line of out.split('\n')) {
    const m = /^(\S+) (\d+\.\d+) (\d+\.\d+) ([\d.]+)$/.exec(line.trim());
    if (!m || m[1]!.startsWith('<') || m[1]!.startsWith('[')) continue;
    words.push({ word: m[1]!.replace(/\(\d+\)$/, ''), end: Number(m[3]) });
  }
  return words;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'concord-bench-captions-'));
  const env = {
    CONCORD_HOST: '127.0.0.1', CONCORD_PORT: '0', CONCORD_DATA_DIR: dir, CONCORD_LOG_LEVEL: 'silent', CONCORD_DEMO: 'false',
    CONCORD_SECRET: 'bench-secret-bench-secret-bench-secret-01', CONCORD_MEDIA_WORKERS: '1', CONCORD_TRANSCRIBE_ENGINE: 'none',
    CONCORD_CAPTIONS_MAX_DECODERS: String(N),
  };
  const { running, s } = await startBenchServer(env);
  const f = await setupHearing(s, 1);
  const pool = new ClientPool(s);
  const fixtures = path.join(dir, 'fixtures');
  const ogg = speechOgg(fixtures);
  const packets = oggOpusPackets(ogg);
  const ivf = testPatternIvf(fixtures);
  const wav = path.join(fixtures, 'speech16.wav');
  await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-i', ogg, '-ac', '1', '-ar', '16000', '-c:a', 'pcm_s16le', wav]);
  const timeline = await wordTimeline(wav);

  const viewer = await HearingBot.join(pool, f.participants.mediator.token, f.participants.mediator.id);
  const roles: FixtureRole[] = (['respondent', 'applicant', 'clerk', 'arbitrator'] as FixtureRole[]).slice(0, N);
  const speakers: HearingBot[] = [];
  for (const role of roles) {
    const b = await HearingBot.join(pool, f.participants[role].token, f.participants[role].id);
    if (role === 'applicant' || role === 'respondent' || role === 'arbitrator') await must(viewer.c, 'lobby.admit', { participantId: f.participants[role].id }).catch(() => undefined);
    speakers.push(b);
  }
  for (const b of speakers) await b.publish(ivf, packets);
  const byId = new Map(speakers.map((b) => [b.id, b]));
  // Each play's start, per speaker: a caption is matched to the play it came from.
  const plays = new Map<string, number[]>(speakers.map((b) => [b.id, []]));
  const loop = setInterval(() => {
    for (const b of speakers) {
      if (!b.speech!.playing) b.speech!.play();
      const started = b.speech!.playStartedAt;
      const list = plays.get(b.id)!;
      if (started !== null && list[list.length - 1] !== started) list.push(started);
    }
  }, 100);

  let latencies: number[] = [];
  let lastWord: number[] = [];
  viewer.c.on('captions.text', (c: CaptionText) => {
    if (!c.final) return;
    const at = Date.now();
    const starts = (plays.get(c.speakerId) ?? []).filter((p) => p <= at);
    if (!byId.has(c.speakerId) || starts.length === 0) return;
    let latest = -Infinity;
    for (const w of c.text.split(/\s+/)) {
      // The latest play of this word that had ended before the caption came.
      let best = -Infinity;
      for (const p of starts) for (const t of timeline) if (t.word === w && p + t.end * 1000 <= at) best = Math.max(best, p + t.end * 1000);
      if (best > -Infinity && at - best < 15_000) {
        latencies.push(at - best);
        latest = Math.max(latest, best);
      }
    }
    if (latest > -Infinity) lastWord.push(at - latest);
  });

  const decoderPids = () => running.captions.decoders().flatMap((d) => d.pids());
  const measure = async (expect: number) => {
    const until = Date.now() + 60_000;
    while (running.captions.decoders().length !== expect && Date.now() < until) await sleep(200);
    await sleep(3000);
    latencies = [];
    lastWord = [];
    const pids = decoderPids();
    const ffmpegPids = running.captions.decoders().map((d) => d.pids()[0]!);
    const fed = () => running.captions.decoders().reduce((a, d) => a + d.audio.fedMs, 0);
    const dropped = () => running.captions.decoders().reduce((a, d) => a + d.audio.droppedMs, 0);
    const a0 = fed();
    const d0 = dropped();
    const c0 = pids.map(procCpuMs);
    const f0 = ffmpegPids.map(procCpuMs);
    const t0 = performance.now();
    await sleep(WINDOW_MS);
    const wall = performance.now() - t0;
    const cpu = pids.map(procCpuMs).reduce((a, v, i) => a + v - c0[i]!, 0) / wall;
    const ff = ffmpegPids.map(procCpuMs).reduce((a, v, i) => a + v - f0[i]!, 0) / wall;
    const audioMs = fed() - a0;
    // Real-time factor of the recogniser: its CPU time per second of audio it was given (holds on a starved machine too).
    const rtf = ((cpu - ff) * wall) / Math.max(1, audioMs);
    return { decoders: running.captions.decoders().length, cpu, ffmpeg: ff, rtf, droppedMs: dropped() - d0, lat: [...latencies], last: [...lastWord] };
  };

  await must(viewer.c, 'captions.set', { on: true });
  for (const b of speakers.slice(1)) await must(b.c, 'self.update', { audioMuted: true });
  const one = await measure(1);
  for (const b of speakers.slice(1)) await must(b.c, 'self.update', { audioMuted: false });
  const many = await measure(N);
  clearInterval(loop);

  for (const b of [...speakers, viewer]) await b.close();
  pool.closeAll();
  await running.close();
  rmSync(dir, { recursive: true, force: true });

  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  const sec = (v: number) => `${(v / 1000).toFixed(2)} s`;
  console.log(`machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? '?'}, node ${process.version}, load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log(`speech: the pocketsphinx test speech (13.8 s, 3 utterances) looped per speaker; window ${(WINDOW_MS / 1000).toFixed(0)} s`);
  for (const [label, m] of [['1 speaker', one], [`${N} speakers`, many]] as const) {
    console.log(`${label}: ${m.decoders} decoders, CPU ${pct(m.cpu)} of a core in all = ${pct(m.cpu / Math.max(1, m.decoders))} per captioned speaker (ffmpeg ${pct(m.ffmpeg / Math.max(1, m.decoders))}, recogniser ${pct((m.cpu - m.ffmpeg) / Math.max(1, m.decoders))}); recogniser real-time factor ${m.rtf.toFixed(2)}; audio dropped behind a starved recogniser ${(m.droppedMs / 1000).toFixed(1)} s`);
    console.log(`  latency per word (played -> final caption at the viewer's socket): median ${sec(quantile(m.lat, 0.5))}, p90 ${sec(quantile(m.lat, 0.9))} over ${m.lat.length} words; utterance end -> caption: median ${sec(quantile(m.last, 0.5))}, p90 ${sec(quantile(m.last, 0.9))} (${m.last.length} captions); target: median < 2 s -> ${quantile(m.lat, 0.5) < 2000 ? 'met' : 'NOT met'}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
