/**
 * `npm run bench:sfu` (first part; `npx tsx bench/sfu/main.ts [--only mediasoup,bare,werift,naive] [--loads 16,48]
 * [--window S] [--warmup S]`): the SFUs under fixed loads of 16x3 and 48x3 video publishers (issue 13, item 4).
 *
 * Each publisher (a werift bot in this process) sends synthetic VP8 at ~1 Mbit/s (~1,100-byte packets, 30 fps) and
 * is watched by 3 subscribers (the other bots of its room of 4). The SFU's forwarding process(es) are pinned to core
 * 0, this process (bots, and mediasoup's Node side) to core 1. The bots offer the SRTP suite Chromium negotiates with
 * the engine: AES_CM_128_HMAC_SHA1_80 with werift; with mediasoup Chromium gets AEAD_AES_256_GCM, which werift
 * cannot offer, so the bots offer AEAD_AES_128_GCM, the best GCM they have. The suite printed is the negotiated one.
 */
import os from 'node:os';
import { fmt, machine } from '../lib.js';
import { Pacer } from './load.js';
import { measureTarget, type Figures } from './measure.js';
import { pin } from './proc.js';
import { table, verdicts } from './report.js';
import { TARGETS } from './targets.js';

const SFU_CORE = 0;
const BOTS_CORE = 1;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const only = arg('only')?.split(',');
  const loads = (arg('loads') ?? '16,48').split(',').map(Number);
  const windowMs = Number(arg('window') ?? 6) * 1000;
  const warmupMs = Number(arg('warmup') ?? 3) * 1000;
  const started = Date.now();
  const log = (line: string) => console.log(line);

  log('# SFU benchmark (issue 13, item 4)');
  log(`date: ${new Date().toISOString()}`);
  log(`machine: ${machine()}`);
  log(`load average at start: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const pinned = os.cpus().length >= 2 && pin(process.pid, BOTS_CORE);
  log(pinned ? `SFU process(es) pinned to core ${SFU_CORE}, bots (this process) to core ${BOTS_CORE} while measuring (both cores while rooms are set up)` : 'NOT pinned (taskset missing or one core): figures are shared-core');
  log(`loads: ${loads.map((l) => `${l}x3`).join(', ')}; video only, VP8 ~1 Mbit/s; warm-up ${warmupMs / 1000} s, window ${windowMs / 1000} s`);

  const pacer = new Pacer();
  const rows: Figures[] = [];
  try {
    for (const t of TARGETS) {
      if (only && !only.includes(t.key)) continue;
      const why = await t.unavailable();
      if (why) {
        log(`\n${t.label}: skipped (${why})`);
        continue;
      }
      log('');
      try {
        rows.push(...(await measureTarget(t, pacer, { loads, sfuCore: SFU_CORE, botsCore: BOTS_CORE, warmupMs, windowMs, log })));
      } catch (e) {
        log(`${t.label}: FAILED (${e instanceof Error ? e.message : String(e)})`);
      }
    }
  } finally {
    pacer.stop();
  }
  log('');
  for (const line of table(rows)) log(line);
  log('');
  for (const line of verdicts(rows)) log(`- ${line}`);
  log(`\nload average at end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; total ${fmt((Date.now() - started) / 1000, 0)} s`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
