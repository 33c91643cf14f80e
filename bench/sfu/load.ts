import { Bot } from '../../test/media/helpers/bot.js';
import type { BenchRouter } from './targets.js';

/**
 * The bench's load: rooms of 4 video-only bots (werift peers in this process), each publishing synthetic VP8 at
 * ~1 Mbit/s and subscribing to the 3 others, so each publisher is watched by 3 subscribers. The bots send through
 * the SFU's byte-level sender and count received SRTP packets by SSRC without decrypting, to stay cheap.
 */
export const ROOM_SIZE = 4;
export const FANOUT = ROOM_SIZE - 1;
export const VIDEO_KBPS = 1000;

/**
 * One clock for all bots: every 5 ms, send whatever frames are due (catching up after a late tick), so the offered
 * load stays at the nominal rate even when this process is short of CPU, and the loss figure means loss.
 */
export class Pacer {
  private readonly due = new Map<Bot, number>();
  private readonly timer: NodeJS.Timeout;
  constructor(private readonly fps = 30) {
    this.timer = setInterval(() => this.tick(), 5);
  }
  add(b: Bot): void {
    this.due.set(b, performance.now() + Math.random() * (1000 / this.fps));
  }
  remove(b: Bot): void {
    this.due.delete(b);
  }
  private tick(): void {
    const now = performance.now();
    for (const [b, due] of this.due) {
      let d = due;
      for (let n = 0; d <= now && n < 10; n++, d += 1000 / this.fps) b.sendVideo();
      this.due.set(b, d < now - 300 ? now : d); // hopelessly behind: skip rather than burst
    }
  }
  stop(): void {
    clearInterval(this.timer);
  }
}

export interface Room {
  router: BenchRouter;
  bots: Bot[];
}

/** A room: its bots publish (and start sending), then all subscribe to the others. */
export async function openRoom(router: BenchRouter, name: string, srtpProfiles: number[], pacer: Pacer): Promise<Room> {
  const bots = Array.from(
    { length: ROOM_SIZE },
    (_, i) => new Bot(`${name}-p${i}`, { fastSend: true, leanReceive: true, videoKbps: VIDEO_KBPS, srtpProfiles }),
  );
  const room = { router, bots };
  try {
    await Promise.all(bots.map((b) => b.publish(router, { video: true })));
    for (const b of bots) pacer.add(b);
    await Promise.all(bots.map((b) => b.subscribe(router)));
  } catch (e) {
    await closeRooms([room], pacer);
    throw e;
  }
  return room;
}

export async function closeRooms(rooms: Room[], pacer: Pacer): Promise<void> {
  for (const r of rooms) for (const b of r.bots) pacer.remove(b);
  await Promise.allSettled(rooms.flatMap((r) => r.bots.map((b) => b.close())));
  await Promise.allSettled(rooms.map((r) => r.router.close()));
}

/** Counters of the whole load at one instant (the SFU's own count comes a few ms later, over its IPC). */
export interface Counters {
  at: number;
  sent: number;
  received: number;
  forwarded: number;
}

export function botCounters(rooms: Room[]): { sent: number; received: number; unsent: number } {
  let sent = 0;
  let received = 0;
  let unsent = 0;
  for (const r of rooms) {
    for (const b of r.bots) {
      sent += b.sent.video;
      unsent += b.unsent;
      for (const x of b.received.values()) received += x.packets;
    }
  }
  return { sent, received, unsent };
}

export async function forwarded(rooms: Room[]): Promise<number> {
  const counts = await Promise.all(rooms.map((r) => r.router.forwarded()));
  return counts.reduce((n, c) => n + c, 0);
}

/** The SRTP suites the bots' DTLS transports negotiated, publishing and subscribing (read from werift's stats). */
export async function negotiatedSuites(rooms: Room[]): Promise<string> {
  const seen = new Set<string>();
  for (const r of rooms) {
    for (const b of r.bots) {
      const c = await b.srtpCiphers();
      seen.add(`${c.publish ?? '?'}/${c.subscribe ?? '?'}`);
    }
  }
  const all = [...seen];
  const [pub, sub] = all[0]?.split('/') ?? [];
  return all.length === 1 && pub === sub ? pub! : `mixed (publish/subscribe: ${all.join(', ')})`;
}

/** Subscribers not yet receiving from all of the room's other publishers (a fresh subscriber waits for a keyframe). */
export function starved(rooms: Room[]): number {
  let n = 0;
  for (const r of rooms) {
    for (const b of r.bots) {
      const flowing = [...b.received.values()].filter((x) => x.packets > 0).length;
      if (flowing < FANOUT) n++;
    }
  }
  return n;
}
