import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CLIENT_DIR } from '../../server/wiring.js';
import { createDemoCase } from '../../server/demo.js';
import { launchChromium } from '../helpers/browser.js';
import { loadJoinPage } from '../helpers/page-weight.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** The budget for the join page's first load on a phone (issue 16, 7). */
const JOIN_BUDGET_BYTES = 60_000;

interface RawResponse { status: number; headers: http.IncomingHttpHeaders; body: Buffer }

/** A GET that keeps the body as sent (fetch would decompress it), with the given Accept-Encoding. */
function rawGet(url: string, acceptEncoding?: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers = acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding };
    http.get(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

const decode: Record<string, (b: Buffer) => Buffer> = { br: zlib.brotliDecompressSync, gzip: zlib.gunzipSync, identity: (b) => b };

describe('the browser client is served compressed and cached (issue 16, 7)', () => {
  let s: TestServer;
  let browser: Browser;
  const index = fs.readFileSync(path.join(DEFAULT_CLIENT_DIR, 'index.html'));
  // The app's entry chunk, named by index.html (a Vite hashed asset).
  const entry = /src="(\/assets\/[^"]+\.js)"/.exec(index.toString())?.[1];
  beforeAll(async () => {
    s = await startTestServer('sqlite');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it.each([
    ['br, gzip, deflate', 'br'],
    ['gzip', 'gzip'],
    ['gzip, br;q=0', 'gzip'],
    [undefined, 'identity'],
    ['identity', 'identity'],
  ])('a hashed asset with Accept-Encoding %s comes as %s, immutable, and decodes to the file', async (accept, coding) => {
    expect(entry, 'index.html names the entry chunk (npm run build:client first)').toBeDefined();
    const plain = fs.readFileSync(path.join(DEFAULT_CLIENT_DIR, entry!));
    const r = await rawGet(`${s.url}${entry}`, accept);
    expect(r.status).toBe(200);
    expect(r.headers['content-encoding'] ?? 'identity').toBe(coding);
    expect(r.headers.vary).toMatch(/accept-encoding/i);
    expect(r.headers['content-type']).toMatch(/^text\/javascript/);
    expect(r.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(decode[coding]!(r.body).equals(plain)).toBe(true);
    if (coding !== 'identity') expect(r.body.length).toBeLessThan(plain.length / 2);
  });

  it('index.html and the SPA fallback routes are index.html, revalidated every time', async () => {
    for (const p of ['/', '/join', '/room', '/waiting', '/cases/abc']) {
      const r = await rawGet(`${s.url}${p}`, 'gzip');
      expect(r.status, p).toBe(200);
      expect(r.headers['cache-control'], p).toBe('no-cache');
      expect(r.headers['content-type'], p).toMatch(/^text\/html/);
      expect(decode[r.headers['content-encoding'] ?? 'identity']!(r.body).equals(index), p).toBe(true);
    }
    const direct = await rawGet(`${s.url}/index.html`);
    expect(direct.headers['cache-control']).toBe('no-cache');
    expect(direct.body.equals(index)).toBe(true);
  });

  it('a missing asset is a 404, and the precompressed files are not served by name', async () => {
    expect((await rawGet(`${s.url}/assets/gone-AbCd1234.js`, 'br')).status).toBe(404);
    expect((await rawGet(`${s.url}${entry}.br`)).status).toBe(404);
    // API routes are untouched by the client's serving.
    expect((await rawGet(`${s.url}/api/nope`)).headers['content-type']).toMatch(/json/);
  });

  it(`the join page's first load transfers under ${JOIN_BUDGET_BYTES / 1000} KB`, async () => {
    const demo = await createDemoCase(s.services, s.url);
    const load = await loadJoinPage(browser, demo.links.applicant);
    expect(load.bytesToForm).toBeGreaterThan(0);
    expect(load.bytesTotal, JSON.stringify(load.resources)).toBeLessThan(JOIN_BUDGET_BYTES);
    // Nothing of the room, the pad (its editor), signing or the court on the way to the identity check.
    const paths = load.resources.map((r) => new URL(r.url).pathname);
    expect(paths.filter((p) => /\/assets\/(RoomView|PadView|PadPage|SignView|signing|CourtViews|CaseDetail)-/.test(p))).toEqual([]);
    // Chromium takes brotli, on loopback http too.
    expect(load.resources.find((r) => r.url.endsWith(entry!))?.encoding).toBe('br');
  });
});
