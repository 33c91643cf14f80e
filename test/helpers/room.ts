import type { Browser, BrowserContext, Page } from 'playwright-core';
import { englishContext } from './browser.js';
import type { DemoCase } from '../../server/demo.js';

/**
 * Drives a person from their mediation link into the hearing room in Chromium. RTCPeerConnections the page creates
 * are kept in `window.__pcs`, so a test can read WebRTC statistics without any hook in the app.
 */
export type DemoRole = keyof DemoCase['links'];

const CAPTURE_PCS = `(() => {
  const Orig = window.RTCPeerConnection;
  window.__pcs = [];
  window.RTCPeerConnection = function (...args) { const pc = new Orig(...args); window.__pcs.push(pc); return pc; };
  window.RTCPeerConnection.prototype = Orig.prototype;
  Object.setPrototypeOf(window.RTCPeerConnection, Orig);
})();`;

export interface RoomPerson { role: DemoRole; ctx: BrowserContext; page: Page; id: string }

/** A fresh browser context (a new person's browser) with the peer-connection capture installed. */
export async function newPersonPage(browser: Browser, role: DemoRole): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await englishContext(browser, { viewport: role === 'applicant' ? { width: 375, height: 740 } : { width: 1024, height: 720 } });
  await ctx.addInitScript({ content: CAPTURE_PCS });
  const page = await ctx.newPage();
  // ROOM_DEBUG=1: the client's media trace (client/src/room/debug.ts) goes to the test's output, tagged with the role.
  if (process.env.ROOM_DEBUG) {
    await ctx.addInitScript({ content: 'window.__concordDebug = true;' });
    page.on('console', (m) => {
      if (m.type() === 'debug' || m.type() === 'warning' || m.type() === 'error') console.log(`[${role}] ${m.text()}`);
    });
  }
  return { ctx, page };
}

/** Opens the link, passes the identity check and the pre-join page; returns the participant id. */
export async function enterRoom(page: Page, demo: DemoCase, role: DemoRole, password: string): Promise<string> {
  await page.goto(demo.links[role]);
  await page.getByTestId('join-form').waitFor();
  if (role === 'applicant' || role === 'respondent') {
    await page.getByTestId('join-name').fill(demo.identities[role].name);
    await page.getByTestId('join-id-number').fill(demo.identities[role].idNumber);
  } else {
    await page.getByTestId('join-username').fill(demo.staff[role === 'court' ? 'court' : role].username);
    await page.getByTestId('join-password').fill(password);
  }
  await submitAndEnter(page);
  return page.evaluate<string>(`JSON.parse(sessionStorage.getItem('concord.participant')).participant.id`);
}

/** Submits a filled identity form, then passes the waiting page (if any) and the pre-join check into the room. */
export async function submitAndEnter(page: Page): Promise<void> {
  await page.getByTestId('join-submit').click();
  // A hearing not started yet stops at the waiting page; a running one goes straight to the pre-join check.
  const next = page.getByTestId('prejoin').or(page.getByTestId('enter-hearing'));
  await next.first().waitFor();
  if (await page.getByTestId('enter-hearing').isVisible()) await page.getByTestId('enter-hearing').click();
  await page.getByTestId('prejoin').waitFor();
  await page.getByTestId('prejoin-accept').check();
  await page.getByTestId('prejoin-join').click();
}

export async function openRoom(browser: Browser, demo: DemoCase, role: DemoRole, password: string): Promise<RoomPerson> {
  const { ctx, page } = await newPersonPage(browser, role);
  const id = await enterRoom(page, demo, role, password);
  return { role, ctx, page, id };
}

/** Frames decoded so far per remote participant tile (own tile excluded). */
export async function framesByParticipant(page: Page): Promise<Record<string, number>> {
  return page.evaluate<Record<string, number>>(`(() => {
    const out = {};
    for (const tile of document.querySelectorAll('[data-testid="video-tile"]:not([data-self="true"])')) {
      const v = tile.querySelector('video');
      if (v && v.videoWidth > 0) out[tile.getAttribute('data-participant-id')] = v.getVideoPlaybackQuality().totalVideoFrames;
    }
    return out;
  })()`);
}

/** Inbound RTP per kind across the page's peer connections: packets and bytes received. */
export async function inbound(page: Page): Promise<{ audioPackets: number; videoPackets: number; audioStreams: number; videoStreams: number; bySsrc: Record<string, number> }> {
  return page.evaluate(`(async () => {
    const r = { audioPackets: 0, videoPackets: 0, audioStreams: 0, videoStreams: 0, bySsrc: {} };
    for (const pc of window.__pcs) {
      if (pc.connectionState === 'closed') continue;
      const stats = await pc.getStats();
      stats.forEach((s) => {
        if (s.type !== 'inbound-rtp') return;
        r.bySsrc[s.kind + ':' + s.ssrc + ':' + (s.trackIdentifier || '')] = s.packetsReceived;
        if (s.kind === 'audio') { r.audioPackets += s.packetsReceived; if (s.packetsReceived > 0) r.audioStreams++; }
        if (s.kind === 'video') { r.videoPackets += s.packetsReceived; if (s.packetsReceived > 0) r.videoStreams++; }
      });
    }
    return r;
  })()`);
}

/** Waits until every participant in `others` has a tile whose decoded frame count grows. */
export async function waitDecoding(page: Page, others: string[], timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  let last: Record<string, number> = {};
  while (Date.now() < end) {
    const now = await framesByParticipant(page);
    if (others.every((id) => (now[id] ?? 0) > 0 && (now[id] ?? 0) > (last[id] ?? 0) && last[id] !== undefined)) return;
    last = now;
    await page.waitForTimeout(700);
  }
  throw new Error(`not decoding video of all of ${others.join(', ')}: ${JSON.stringify(last)}`);
}

/** The local UDP ports of the page's selected ICE candidate pairs: what to block to cut this browser's media. */
export async function mediaPorts(page: Page): Promise<number[]> {
  return page.evaluate<number[]>(`(async () => {
    const ports = new Set();
    for (const pc of window.__pcs) {
      if (pc.connectionState === 'closed') continue;
      const stats = await pc.getStats();
      const byId = new Map(); stats.forEach((s) => byId.set(s.id, s));
      stats.forEach((s) => {
        if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') {
          const local = byId.get(s.localCandidateId);
          if (local && local.port) ports.add(local.port);
        }
      });
    }
    return [...ports];
  })()`);
}
