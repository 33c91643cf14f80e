/**
 * `npm run bench:rec`: what recording costs, and how fast transcription runs.
 * 1. One hearing of N werift bots (real VP8 pattern + Opus speech, through the real gateway and a media worker):
 *    CPU of the media worker + this process (gateway, recording service, bots) over the same window, first not
 *    recorded, then recorded (plus the recorders' ffmpeg processes). The difference per recorded stream is the cost.
 * 2. The speech engine's real-time factor on the test speech (processing time / audio duration), and the WER.
 * Figures go to docs/BENCHMARKS.md ("Recordings").
 */
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PocketsphinxEngine } from '../recordings/transcribe/pocketsphinx.js';
import { wordErrorRate } from '../recordings/transcribe/wer.js';
import { run } from '../recordings/media.js';
import { procCpuMs, startBenchServer } from './hearing-server.js';
import { ClientPool, must, setupHearing } from '../test/helpers/hearing.js';
import { HearingBot } from '../test/recordings/helpers/bot.js';
import { REFERENCE, oggOpusPackets, speechOgg, testPatternIvf } from '../test/recordings/helpers/speech.js';

const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? 15_000);

const selfCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'concord-bench-rec-'));
  const env = {
    CONCORD_HOST: '127.0.0.1', CONCORD_PORT: '0', CONCORD_DATA_DIR: dir, CONCORD_LOG_LEVEL: 'silent', CONCORD_DEMO: 'false',
    CONCORD_SECRET: 'bench-secret-bench-secret-bench-secret-01', CONCORD_MEDIA_WORKERS: '1', CONCORD_TRANSCRIBE_ENGINE: 'none',
  };
  const { running, s } = await startBenchServer(env);
  const f = await setupHearing(s, 1);
  const pool = new ClientPool(s);
  const roles = ['mediator', 'clerk', 'applicant', 'respondent'] as const;
  const bots: HearingBot[] = [];
  const fixtures = path.join(dir, 'fixtures');
  const packets = oggOpusPackets(speechOgg(fixtures));
  const ivf = testPatternIvf(fixtures);
  for (const role of roles) {
    const b = await HearingBot.join(pool, f.participants[role].token, f.participants[role].id);
    bots.push(b);
    if (role === 'applicant' || role === 'respondent') await must(bots[0]!.c, 'lobby.admit', { participantId: f.participants[role].id });
  }
  for (const b of bots) await b.publish(ivf, packets);
  const loop = setInterval(() => {
    for (const b of bots) if (!b.speech!.playing) b.speech!.play();
  }, 500);
  await sleep(3000);
  const worker = running.mediaEngine.stats().workers.map((w) => w.pid);

  const measure = async (extraPids: () => number[]) => {
    const w0 = worker.reduce((a, p) => a + procCpuMs(p), 0);
    const s0 = selfCpuMs();
    const t0 = performance.now();
    await sleep(WINDOW_MS);
    const wall = performance.now() - t0;
    const w1 = worker.reduce((a, p) => a + procCpuMs(p), 0);
    const s1 = selfCpuMs();
    const rec = extraPids().reduce((a, p) => a + procCpuMs(p), 0);
    return { wall, worker: (w1 - w0) / wall, self: (s1 - s0) / wall, recorders: rec / wall };
  };

  const plain = await measure(() => []);
  const { recordingId } = await must(bots[1]!.c, 'recording.start', {});
  for (const b of bots) await must(b.c, 'recording.consent', { scope: 'hearing', accept: true });
  while (running.services.recordings.service.recorders().length < bots.length * 2) await sleep(100);
  const pids = () => running.services.recordings.service.recorders().map((r) => r.pid!).filter(Boolean);
  const streams = pids().length;
  const recorded = await measure(pids);
  await must(bots[1]!.c, 'recording.stop', {}).catch(() => undefined);
  clearInterval(loop);
  const t0 = performance.now();
  await running.services.recordings.jobs.idle();
  const composeMs = performance.now() - t0;
  const rec = await running.services.recordings.service.recording(recordingId);
  const durMs = Date.parse(rec.stopped_at ?? new Date().toISOString()) - Date.parse(rec.started_at!);

  // Transcription real-time factor on the test speech, and its word error rate.
  const wav = path.join(fixtures, 'speech16.wav');
  await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-i', speechOgg(fixtures), '-ac', '1', '-ar', '16000', '-c:a', 'pcm_s16le', wav]);
  const audioSec = (readFileSync(wav).length - 44) / 32000;
  const engine = new PocketsphinxEngine();
  const st0 = performance.now();
  const segs = await engine.transcribe(wav);
  const sttMs = performance.now() - st0;
  const wer = wordErrorRate(REFERENCE, segs.map((x) => x.text).join(' '));

  for (const b of bots) await b.close();
  pool.closeAll();
  await running.close();
  rmSync(dir, { recursive: true, force: true });

  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  const total = (m: typeof plain) => m.worker + m.self + m.recorders;
  const perStream = (total(recorded) - total(plain)) / streams;
  console.log(`machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? '?'}, node ${process.version}`);
  console.log(`hearing: ${bots.length} bots (VP8 ~250 kbit/s 15 fps + Opus), ${streams} recorded streams, window ${(WINDOW_MS / 1000).toFixed(0)} s each`);
  console.log(`not recorded: worker ${pct(plain.worker)} + gateway/bots ${pct(plain.self)} = ${pct(total(plain))} of a core`);
  console.log(`recorded:     worker ${pct(recorded.worker)} + gateway/bots ${pct(recorded.self)} + ffmpeg recorders ${pct(recorded.recorders)} = ${pct(total(recorded))} of a core`);
  console.log(`recording cost: ${pct(perStream)} of a core per recorded stream (audio and video alike; ffmpeg alone ${pct(recorded.recorders / streams)})`);
  console.log(`composition + jobs after stop: ${(composeMs / 1000).toFixed(1)} s for ${(durMs / 1000).toFixed(1)} s of hearing (${(composeMs / durMs).toFixed(2)}x real time)`);
  console.log(`transcription (pocketsphinx 0.8, en-us): ${(sttMs / 1000).toFixed(2)} s for ${audioSec.toFixed(1)} s of speech: real-time factor ${(sttMs / 1000 / audioSec).toFixed(3)}; WER ${wer.toFixed(2)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
