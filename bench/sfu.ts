/**
 * SFU benchmark: rooms of 4 bots (werift peers, synthetic ~1 Mbit/s VP8 in ~1100-byte RTP packets + 50 pkt/s
 * Opus-sized audio), added until the media worker uses ~80% of a core or a bound is hit; then the same bots
 * against a naive werift forwarder (RTCPeerConnection ontrack -> sendRtp per subscriber) behind the same IPC.
 *
 *   npx tsx bench/sfu.ts [--max-rooms N] [--seconds S]
 *
 * The bots run in this process on the same two cores (they send through the SFU's byte-level sender and count
 * received SRTP packets by SSRC without decrypting, to stay cheap); their CPU is printed beside the worker's.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MediaRouter } from '../server/media/engine.js';
import { WorkerPoolEngine } from '../server/media/worker/pool.js';
import { Bot } from '../test/media/helpers/bot.js';
import { fmt, machine } from './lib.js';

const ROOM_SIZE = 4;
const VIDEO_KBPS = 1000;
const TARGET_CPU = 0.8;
const WARMUP_MS = 1200;
const WINDOW_MS = 2200;

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const MAX_ROOMS = arg('max-rooms', 40);
const TOTAL_S = arg('seconds', 160);
const started = Date.now();
const deadline = (share: number) => started + TOTAL_S * 1000 * share;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TICK = 1_000_000 / 100; // /proc stat clock ticks (USER_HZ 100 on Linux)

function procCpuMicros(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK; // utime, stime
}
const selfCpu = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

interface Room {
  router: MediaRouter;
  bots: Bot[];
}

/**
 * One clock for all bots: every 5 ms, send whatever frames are due (catching up after a late tick), so the offered
 * load stays at the nominal rate even when this process is short of CPU, and the loss figure means loss.
 */
class Pacer {
  private readonly due = new Map<Bot, { video: number; audio: number }>();
  private readonly timer: NodeJS.Timeout;
  constructor(private readonly fps = 30) {
    this.timer = setInterval(() => this.tick(), 5);
  }
  add(b: Bot): void {
    const now = performance.now();
    this.due.set(b, { video: now + Math.random() * 33, audio: now + Math.random() * 20 });
  }
  remove(b: Bot): void {
    this.due.delete(b);
  }
  private tick(): void {
    const now = performance.now();
    for (const [b, d] of this.due) {
      for (let n = 0; d.video <= now && n < 10; n++, d.video += 1000 / this.fps) b.sendVideo();
      for (let n = 0; d.audio <= now && n < 10; n++, d.audio += 20) b.sendAudio();
      if (d.video < now - 300) d.video = now; // hopelessly behind: skip rather than burst
      if (d.audio < now - 300) d.audio = now;
    }
  }
  stop(): void {
    clearInterval(this.timer);
  }
}
const pacer = new Pacer();

interface Step {
  rooms: number;
  consumers: number;
  workerCpu: number;
  botsCpu: number;
  receivedPerSec: number;
  forwardedPerSec: number;
  usPerForwarded: number;
  usPerReceived: number;
  loss: number;
}

let roomSeq = 0;
async function addRoom(engine: WorkerPoolEngine): Promise<Room> {
  const router = await engine.createRouter(`bench-${roomSeq++}`);
  const bots = Array.from({ length: ROOM_SIZE }, (_, i) => new Bot(`r${roomSeq}-p${i}`, { fastSend: true, leanReceive: true, videoKbps: VIDEO_KBPS }));
  await Promise.all(bots.map((b) => b.publish(router)));
  for (const b of bots) pacer.add(b);
  await Promise.all(bots.map((b) => b.subscribe(router)));
  return { router, bots };
}

async function totals(rooms: Room[], pid: number) {
  // Bot counters and CPU first, in one synchronous pass (the same instant), then the IPC round trips.
  let received = 0;
  let sent = 0;
  for (const r of rooms) {
    for (const b of r.bots) {
      for (const x of b.received.values()) received += x.packets;
      sent += (b.sent.audio + b.sent.video) * (ROOM_SIZE - 1);
    }
  }
  const at = performance.now();
  const worker = procCpuMicros(pid);
  const self = selfCpu();
  let forwarded = 0;
  for (const r of rooms) for (const row of await r.router.forwardingTable()) forwarded += row.packets;
  return { forwarded, received, sent, worker, self, at };
}

async function run(label: string, engine: WorkerPoolEngine, share: number): Promise<Step[]> {
  await engine.ready();
  const pid = engine.stats().workers[0]!.pid;
  const rooms: Room[] = [];
  const steps: Step[] = [];
  console.log(`\n## ${label} (worker pid ${pid})`);
  console.log('rooms  consumers  worker-cpu  bots-cpu  recv-pkt/s  fwd-pkt/s  us/fwd-pkt  us/recv-pkt  loss');
  try {
    while (rooms.length < MAX_ROOMS && Date.now() < deadline(share)) {
      const add = rooms.length < 2 ? 1 : 2;
      for (let i = 0; i < add; i++) rooms.push(await addRoom(engine));
      await sleep(WARMUP_MS);
      const a = await totals(rooms, pid);
      await sleep(WINDOW_MS);
      const b = await totals(rooms, pid);
      const wall = (b.at - a.at) * 1000;
      const fwd = b.forwarded - a.forwarded;
      const workerMicros = b.worker - a.worker;
      const recvBySfu = rooms.length * ROOM_SIZE * (VIDEO_KBPS * 1000 / 8 / 1100 + 50) * (wall / 1e6); // approx packets in
      const step: Step = {
        rooms: rooms.length,
        consumers: rooms.length * ROOM_SIZE * (ROOM_SIZE - 1) * 2,
        workerCpu: workerMicros / wall,
        botsCpu: (b.self - a.self) / wall,
        receivedPerSec: ((b.received - a.received) / wall) * 1e6,
        forwardedPerSec: (fwd / wall) * 1e6,
        usPerForwarded: fwd > 0 ? workerMicros / fwd : NaN,
        usPerReceived: recvBySfu > 0 ? workerMicros / recvBySfu : NaN,
        loss: b.sent - a.sent > 0 ? 1 - (b.received - a.received) / (b.sent - a.sent) : NaN,
      };
      steps.push(step);
      console.log(
        [
          String(step.rooms).padStart(5),
          String(step.consumers).padStart(10),
          `${fmt(step.workerCpu * 100)}%`.padStart(11),
          `${fmt(step.botsCpu * 100)}%`.padStart(9),
          fmt(step.receivedPerSec, 0).padStart(11),
          fmt(step.forwardedPerSec, 0).padStart(10),
          fmt(step.usPerForwarded).padStart(11),
          fmt(step.usPerReceived).padStart(12),
          `${fmt(Math.max(0, step.loss) * 100, 2)}%`.padStart(6),
        ].join(' '),
      );
      if (step.workerCpu >= TARGET_CPU) break;
      if (step.botsCpu >= 0.95) {
        console.log('(stopped: the bots saturate their core)');
        break;
      }
    }
    // Whole-run delivery: stop the senders, let the last packets land, compare what the worker sent with what arrived.
    for (const r of rooms) for (const b of r.bots) pacer.remove(b);
    await sleep(400);
    const end = await totals(rooms, pid);
    if (end.forwarded > 0) {
      console.log(`whole run: ${end.forwarded} packets forwarded, ${end.received} received by the bots (${fmt((1 - end.received / end.forwarded) * 100, 3)}% lost between worker and bots)`);
    }
  } finally {
    for (const r of rooms) for (const b of r.bots) pacer.remove(b);
    await Promise.allSettled(rooms.flatMap((r) => r.bots.map((b) => b.close())));
    await Promise.allSettled(rooms.map((r) => r.router.close()));
  }
  return steps;
}

async function main(): Promise<void> {
  console.log('# SFU benchmark');
  console.log(`machine: ${machine()}`);
  console.log(`load average at start: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (shared machine: other processes compete for the same cores)`);
  console.log(`rooms of ${ROOM_SIZE} bots, each sending synthetic VP8 ~${VIDEO_KBPS} kbit/s (~1100-byte packets, 30 fps) + Opus-sized audio (50 pkt/s)`);
  console.log('bots run in this process on the same 2 cores as the media worker: "bots-cpu" is their share of a core');
  console.log(`one media worker process; rooms added until it uses ${TARGET_CPU * 100}% of a core, ${MAX_ROOMS} rooms, or the time bound`);

  const sfu = new WorkerPoolEngine({ workers: 1 });
  const sfuSteps = await run('Concord SFU (byte-level forwarding)', sfu, 0.62).finally(() => sfu.close());

  const here = path.dirname(fileURLToPath(import.meta.url));
  const naive = new WorkerPoolEngine({ workers: 1, entry: path.join(here, 'sfu-naive-worker.ts') });
  const naiveSteps = await run('naive werift forwarder (ontrack -> sendRtp)', naive, 0.97).finally(() => naive.close());

  console.log('\n## summary');
  const show = (name: string, st: Step | undefined) => {
    if (!st) return;
    const perConsumer = st.forwardedPerSec / st.consumers; // packets per second one consumer carries
    const perCore = 1e6 / st.usPerForwarded; // forwarded packets one fully used core would carry at this cost
    console.log(
      `${name}: at ${st.rooms} rooms (${st.consumers} consumers, ${fmt(st.forwardedPerSec, 0)} pkt/s) the worker used ${fmt(st.workerCpu * 100)}% of a core: ` +
        `${fmt(st.usPerForwarded)} us CPU per forwarded packet -> ~${fmt(perCore, 0)} pkt/s or ~${fmt(perCore / perConsumer, 0)} consumers (${fmt(perCore / perConsumer / ((ROOM_SIZE - 1) * 2) / ROOM_SIZE, 1)} rooms of ${ROOM_SIZE}) per core; window loss ${fmt(Math.max(0, st.loss) * 100, 2)}%`,
    );
  };
  show('SFU  ', sfuSteps.at(-1));
  show('naive', naiveSteps.at(-1));
  const ratios: number[] = [];
  for (const s of sfuSteps) {
    const n = naiveSteps.find((x) => x.rooms === s.rooms);
    if (n) ratios.push(n.usPerForwarded / s.usPerForwarded);
  }
  if (ratios.length) {
    const sorted = [...ratios].sort((a, b) => a - b);
    console.log(`naive/SFU CPU per forwarded packet at equal room counts: ${ratios.map((r) => fmt(r, 2)).join(', ')} (median ${fmt(sorted[Math.floor(sorted.length / 2)]!, 2)}x)`);
  }
  console.log(`total time ${fmt((Date.now() - started) / 1000)} s`);
}

main().then(
  () => {
    pacer.stop();
    process.exit(0);
  },
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
