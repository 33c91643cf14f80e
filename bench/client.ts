import os from 'node:os';
import { startTestServer, type TestServer } from '../test/helpers/server.js';
import { launchChromium } from '../test/helpers/browser.js';
import { loadJoinPage, WEAK_PHONE, type JoinPageLoad } from '../test/helpers/page-weight.js';
import { createDemoCase } from '../server/demo.js';
import { fmt, machine, percentile } from './lib.js';

/**
 * The join page on a weak phone network (issue 16, 7): `npm run bench:client [runs]` (default 9; build the client first).
 * Debian's Chromium with CDP throttling (150 ms latency, 1.6 Mbit/s down, 0.75 Mbit/s up, CPU 4x slower), a new browser
 * context per run (cold cache), opening the applicant's /join#<token> link of a demo case. Measured: the time from
 * navigation start to the identity-check form on screen, the bytes transferred by then, and all bytes until the network
 * is quiet (with the waiting page's chunk the join page prefetches). Two servers in the same run, runs alternating:
 * "before" serves the plain files with a one-hour cache as before issue 16, "after" the precompressed ones.
 */
async function serve(precompressedClient: boolean, clientDir?: string): Promise<{ s: TestServer; link: string }> {
  const s = await startTestServer('sqlite', {}, { precompressedClient, ...(clientDir ? { clientDir } : {}) });
  const demo = await createDemoCase(s.services, s.url);
  return { s, link: demo.links.applicant };
}

function rows(label: string, loads: JoinPageLoad[]) {
  const sorted = (f: (l: JoinPageLoad) => number) => loads.map(f).sort((a, b) => a - b);
  const form = sorted((l) => l.formMs);
  const toForm = sorted((l) => l.bytesToForm);
  const total = sorted((l) => l.bytesTotal);
  return {
    serving: label,
    runs: loads.length,
    'form median ms': fmt(percentile(form, 50), 0),
    'form p95 ms': fmt(percentile(form, 95), 0),
    'KB by form (median)': fmt(percentile(toForm, 50) / 1000),
    'KB until quiet (median)': fmt(percentile(total, 50) / 1000),
  };
}

/**
 * `beforeDir`: another build of the client (e.g. the previous commit's `client/dist`), served precompressed like the
 * current one: then "before" and "after" compare two builds, not two ways of serving one.
 */
export async function benchClient(runs: number, log: (line: string) => void = () => undefined, beforeDir?: string) {
  const before = await serve(!!beforeDir, beforeDir);
  const after = await serve(true);
  const browser = await launchChromium();
  try {
    // One load of each, not counted: the first renderer of a browser is slower.
    await loadJoinPage(browser, before.link, { weakPhone: true });
    await loadJoinPage(browser, after.link, { weakPhone: true });
    const results = { before: [] as JoinPageLoad[], after: [] as JoinPageLoad[] };
    for (let i = 0; i < runs; i++) {
      for (const [label, server] of [['before', before], ['after', after]] as const) {
        const l = await loadJoinPage(browser, server.link, { weakPhone: true });
        results[label].push(l);
        log(`${label.padEnd(6)} #${i + 1}: form ${Math.round(l.formMs)} ms, ${l.bytesToForm} B by form, ${l.bytesTotal} B until quiet`);
      }
    }
    for (const label of ['before', 'after'] as const) {
      log(`${label}, last run:`);
      for (const r of results[label].at(-1)?.resources ?? []) log(`  ${String(r.bytes).padStart(7)} B  ${r.encoding.padEnd(8)} ${new URL(r.url).pathname}`);
    }
    const labels = beforeDir ? [`before: ${beforeDir}, br/gzip`, 'after: client/dist, br/gzip'] : ['before: plain files, max-age 1 h', 'after: br/gzip, immutable'];
    return [rows(labels[0]!, results.before), rows(labels[1]!, results.after)];
  } finally {
    await browser.close();
    await before.s.close();
    await after.s.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`machine: ${machine()}`);
  console.log(`network: ${WEAK_PHONE.latencyMs} ms latency, ${WEAK_PHONE.downBytesPerS} B/s down, ${WEAK_PHONE.upBytesPerS} B/s up; CPU ${WEAK_PHONE.cpuSlowdown}x slower`);
  // npm run bench:client [runs] [--before <another build's dist folder>]
  const args = process.argv.slice(2);
  const at = args.indexOf('--before');
  const beforeDir = at >= 0 ? args[at + 1] : undefined;
  const runs = Number(args.find((a, i) => /^\d+$/.test(a) && args[i - 1] !== '--before') ?? 9);
  console.log(`load average: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (start)`);
  console.table(await benchClient(runs, (l) => console.log(l), beforeDir));
  console.log(`load average: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (end)`);
}
