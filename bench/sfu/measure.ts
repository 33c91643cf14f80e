import os from 'node:os';
import { until } from '../../test/media/helpers/wait.js';
import { FANOUT, ROOM_SIZE, botCounters, closeRooms, forwarded, negotiatedSuites, openRoom, starved, type Pacer, type Room } from './load.js';
import { cpuMicros, pin, rssBytes, sumOver } from './proc.js';
import type { Target } from './targets.js';

/**
 * One target under the fixed loads: start it, pin its forwarding process(es) to the SFU core, note the idle RSS, then
 * grow to each load (publishers x 3), let it settle, and measure over a window: the SFU's CPU per forwarded packet,
 * what that means in one-Mbit consumers per core at 80 %, loss from publishers to subscribers, RSS per consumer.
 */
export interface Figures {
  target: Target['key'];
  label: string;
  publishers: number;
  consumers: number;
  /** Share of one core used by the SFU process(es) during the window. */
  sfuCpu: number;
  /** Share of one core used by this process (the bots) during the window. */
  botsCpu: number;
  forwardedPerSec: number;
  usPerPacket: number;
  consumersPerCoreAt80: number;
  /** 1 - received by subscribers / (sent by publishers x 3), window plus drain. */
  loss: number;
  rssMB: number;
  idleRssMB: number;
  rssPerConsumerMB: number;
  suite: string;
  /** Rooms opened again because a subscriber never received (set-up failures, not forwarding loss). */
  setupRetries: number;
}

export interface MeasureOptions {
  loads: number[];
  sfuCore: number;
  /** This process (the bots) during the windows; during set-up it may use every core (DTLS in werift is slow). */
  botsCore: number;
  warmupMs: number;
  windowMs: number;
  log: (line: string) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MB = 2 ** 20;
const MAX_RETRIES = 12;
const selfCpu = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

/**
 * Everything at one instant: the SFU's forwarded count comes over its IPC (or mediasoup's channel), which takes a
 * while under load, so the clocks and counters read here are the means of their values before and after it.
 */
async function snapshot(rooms: Room[], pids: number[]) {
  const read = () => ({ at: performance.now(), cpu: sumOver(pids, cpuMicros), self: selfCpu(), ...botCounters(rooms) });
  const x = read();
  const fwd = await forwarded(rooms);
  const y = read();
  const mid = (k: 'at' | 'cpu' | 'self' | 'sent' | 'received' | 'unsent') => (x[k] + y[k]) / 2;
  return { at: mid('at'), cpu: mid('cpu'), self: mid('self'), sent: mid('sent'), received: mid('received'), unsent: mid('unsent'), forwarded: fwd };
}

export async function measureTarget(t: Target, pacer: Pacer, o: MeasureOptions): Promise<Figures[]> {
  const sfu = await t.start();
  const rooms: Room[] = [];
  const out: Figures[] = [];
  const pids = () => {
    const p = sfu.pids();
    if (p.length === 0) throw new Error(`${t.label}: no live forwarding process`);
    return p;
  };
  const pinAll = () => pids().forEach((p) => pin(p, o.sfuCore) || o.log(`could not pin pid ${p} (taskset)`));
  try {
    pinAll();
    await sleep(1000);
    const idleRss = sumOver(pids(), rssBytes);
    o.log(`${t.label}: pid(s) ${pids().join(',')} on core ${o.sfuCore}, idle RSS ${(idleRss / MB).toFixed(1)} MB`);
    let suite = '';
    let retries = 0;
    for (const publishers of o.loads) {
      const t0 = Date.now();
      pin(process.pid, `0-${os.cpus().length - 1}`);
      // The running rooms pause while new ones are set up: werift's handshakes are slow and time out on a busy process.
      for (const r of rooms) for (const bot of r.bots) pacer.remove(bot);
      while (rooms.length * ROOM_SIZE < publishers) {
        let room: Room | null = null;
        try {
          room = await openRoom(await sfu.router(`${t.key}-${rooms.length}-${retries}`), `${t.key}${rooms.length}r${retries}`, t.srtpProfiles, pacer);
          // Every subscriber receiving from all 3 before the clock starts: the window measures steady forwarding, not
          // set-up. A room that does not get there (a DTLS handshake one side never completed) is opened again.
          const r = room;
          await until('every subscriber receiving', () => starved([r]) === 0, 10_000, 100);
          rooms.push(room);
          for (const bot of room.bots) pacer.remove(bot);
        } catch (e) {
          const why = room ? `${starved([room])} subscriber(s) not receiving from all ${FANOUT} publishers after 10 s` : String(e);
          o.log(`  room ${rooms.length}: ${why}; opened again`);
          if (room) await closeRooms([room], pacer);
          if (++retries > MAX_RETRIES) throw new Error(`${t.label}: rooms keep failing to set up`);
        }
      }
      suite ||= await negotiatedSuites(rooms);
      o.log(`  ${publishers}x${FANOUT}: ${rooms.length} rooms up and flowing in ${((Date.now() - t0) / 1000).toFixed(1)} s, SRTP ${suite}`);
      for (const r of rooms) for (const bot of r.bots) pacer.add(bot);
      pinAll();
      pin(process.pid, o.botsCore);
      await sleep(o.warmupMs);

      const p = pids();
      const a = await snapshot(rooms, p);
      await sleep(o.windowMs);
      const b = await snapshot(rooms, p);
      const rss = sumOver(p, rssBytes);
      // Loss: stop the senders, let the last packets land, compare what arrived with what was sent since `a`.
      for (const r of rooms) for (const bot of r.bots) pacer.remove(bot);
      await sleep(600);
      const c = botCounters(rooms);
      for (const r of rooms) for (const bot of r.bots) pacer.add(bot);

      const wallUs = (b.at - a.at) * 1000;
      const fwd = b.forwarded - a.forwarded;
      const cpu = b.cpu - a.cpu;
      const consumers = rooms.length * ROOM_SIZE * FANOUT;
      const usPerPacket = fwd > 0 ? cpu / fwd : NaN;
      const forwardedPerSec = (fwd / wallUs) * 1e6;
      const expected = (c.sent - a.sent) * FANOUT;
      const unsent = c.unsent - a.unsent;
      if (unsent > 0) o.log(`  ${publishers}x${FANOUT}: the bots could not send ${unsent} packets (their ICE/DTLS gone: a starved bot process), left out of the loss`);
      out.push({
        target: t.key,
        label: t.label,
        publishers: rooms.length * ROOM_SIZE,
        consumers,
        sfuCpu: cpu / wallUs,
        botsCpu: (b.self - a.self) / wallUs,
        forwardedPerSec,
        usPerPacket,
        consumersPerCoreAt80: (0.8 * 1e6) / usPerPacket / (forwardedPerSec / consumers),
        loss: expected > 0 ? 1 - (c.received - a.received) / expected : NaN,
        rssMB: rss / MB,
        idleRssMB: idleRss / MB,
        rssPerConsumerMB: (rss - idleRss) / MB / consumers,
        suite,
        setupRetries: retries,
      });
    }
  } finally {
    await closeRooms(rooms, pacer);
    await sfu.close();
  }
  return out;
}
