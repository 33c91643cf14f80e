import type { Browser, CDPSession } from 'playwright-core';

/** The weak phone network: 150 ms round trip, 1.6 Mbit/s down, 0.75 Mbit/s up; and a 4x slower CPU. */
export const WEAK_PHONE = { latencyMs: 150, downBytesPerS: 200_000, upBytesPerS: 93_750, cpuSlowdown: 4 } as const;

export interface ResourceLoad {
  url: string;
  /** Bytes on the wire: headers and the (encoded) body, CDP's encodedDataLength. */
  bytes: number;
  encoding: string;
}

export interface JoinPageLoad {
  /** From navigation start to the first frame after the identity-check form is in the page (ms, page clock). */
  formMs: number;
  /** Bytes of everything that finished loading by then (resource timing transferSize, document included). */
  bytesToForm: number;
  /** Bytes of everything the page loaded until the network was quiet (CDP, including the prefetch of the next page). */
  bytesTotal: number;
  resources: ResourceLoad[];
}

/**
 * Marks the moment the identity-check form is on screen: the animation frame after `join-form` enters the page, with the
 * bytes transferred so far. An init script, since the page's CSP forbids the string evaluation of waitForFunction.
 */
const FORM_PROBE = `(() => {
  const seen = () => document.querySelector('[data-testid="join-form"]');
  const mark = () => requestAnimationFrame(() => {
    const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
    window.__joinForm = { ms: performance.now(), bytes: entries.reduce((n, e) => n + (e.transferSize || 0), 0) };
  });
  const obs = new MutationObserver(() => { if (seen()) { obs.disconnect(); mark(); } });
  obs.observe(document, { subtree: true, childList: true });
})();`;

async function throttle(cdp: CDPSession): Promise<void> {
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: WEAK_PHONE.latencyMs,
    downloadThroughput: WEAK_PHONE.downBytesPerS,
    uploadThroughput: WEAK_PHONE.upBytesPerS,
  });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: WEAK_PHONE.cpuSlowdown });
}

/**
 * Opens a join link in a new browser context (a cold cache: nothing cached, nothing stored) on a phone-sized screen,
 * optionally on the weak phone network, and measures the page's weight and the time to its identity-check form.
 */
export async function loadJoinPage(browser: Browser, link: string, opts: { weakPhone?: boolean; timeoutMs?: number } = {}): Promise<JoinPageLoad> {
  const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
  try {
    await ctx.addInitScript({ content: FORM_PROBE });
    const page = await ctx.newPage();
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Network.enable');
    if (opts.weakPhone) await throttle(cdp);
    const inFlight = new Set<string>();
    const responses = new Map<string, { url: string; encoding: string }>();
    const resources: ResourceLoad[] = [];
    let lastActivity = Date.now();
    const settle = (id: string) => {
      inFlight.delete(id);
      lastActivity = Date.now();
    };
    cdp.on('Network.requestWillBeSent', (e) => {
      inFlight.add(e.requestId);
      lastActivity = Date.now();
    });
    cdp.on('Network.responseReceived', (e) => {
      const headers = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
      responses.set(e.requestId, { url: e.response.url, encoding: headers['content-encoding'] ?? 'identity' });
    });
    cdp.on('Network.loadingFinished', (e) => {
      const r = responses.get(e.requestId);
      if (r) resources.push({ ...r, bytes: e.encodedDataLength });
      settle(e.requestId);
    });
    cdp.on('Network.loadingFailed', (e) => settle(e.requestId));
    const timeoutMs = opts.timeoutMs ?? 30_000;
    const t0 = Date.now();
    await page.goto(link, { waitUntil: 'commit' });
    let form: { ms: number; bytes: number } | null = null;
    while (!form) {
      if (Date.now() - t0 > timeoutMs) throw new Error(`no identity-check form within ${timeoutMs} ms`);
      await page.waitForTimeout(50);
      form = await page.evaluate<{ ms: number; bytes: number } | null>('window.__joinForm || null');
    }
    // Then until the network has been quiet for a second (the next page's chunk is fetched while the person types).
    while (Date.now() - lastActivity < 1000 || inFlight.size > 0) {
      if (Date.now() - t0 > timeoutMs) break;
      await page.waitForTimeout(100);
    }
    return { formMs: form.ms, bytesToForm: form.bytes, bytesTotal: resources.reduce((n, r) => n + r.bytes, 0), resources };
  } finally {
    await ctx.close();
  }
}
