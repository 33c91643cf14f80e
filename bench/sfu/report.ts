import { fmt } from '../lib.js';
import { FANOUT } from './load.js';
import type { Figures } from './measure.js';

/** The SFU benchmark's output: one markdown table (pasted into docs/BENCHMARKS.md as printed) and the targets. */

/** Issue 13, item 4: what Concord's mediasoup engine must reach at 48x3 on one core. */
export const TARGET = { publishers: 48, usPerPacket: 22, consumersPerCore: 330, mbPerConsumer: 0.4, cpuForNoLoss: 0.8 };

const pct = (x: number, digits = 1) => `${fmt(x * 100, digits)} %`;

export function table(rows: Figures[]): string[] {
  const head = '| SFU | load | SRTP (negotiated) | SFU CPU | bots CPU | fwd pkt/s | µs CPU / fwd pkt | 1-Mbit consumers / core at 80 % | loss | RSS idle -> load | RSS / consumer |';
  const lines = [head, `|${'---|'.repeat(11)}`];
  for (const r of rows) {
    lines.push(
      `| ${r.label} | ${r.publishers}x${FANOUT} | ${r.suite} | ${pct(r.sfuCpu)} | ${pct(r.botsCpu)} | ${fmt(r.forwardedPerSec, 0)} | ${fmt(r.usPerPacket)} | ${fmt(r.consumersPerCoreAt80, 0)} | ${pct(Math.max(0, r.loss), 2)} | ${fmt(r.idleRssMB)} -> ${fmt(r.rssMB)} MB | ${fmt(r.rssPerConsumerMB, 2)} MB |`,
    );
  }
  return lines;
}

/** Each target of the issue, met or not, for Concord's mediasoup engine (and the bare worker beside it). */
export function verdicts(rows: Figures[]): string[] {
  const out: string[] = [];
  for (const key of ['mediasoup', 'bare'] as const) {
    const at = rows.find((r) => r.target === key && r.publishers === TARGET.publishers);
    if (!at) continue;
    const ok = (b: boolean) => (b ? 'met' : 'NOT met');
    out.push(
      `${at.label} at ${TARGET.publishers}x${FANOUT} (${at.suite}): ${fmt(at.usPerPacket)} µs/packet (target <= ${TARGET.usPerPacket}: ${ok(at.usPerPacket <= TARGET.usPerPacket)}), ` +
        `~${fmt(at.consumersPerCoreAt80, 0)} consumers/core at 80 % (target ~${TARGET.consumersPerCore}), ` +
        `${fmt(at.rssPerConsumerMB, 2)} MB/consumer (target <= ${TARGET.mbPerConsumer}: ${ok(at.rssPerConsumerMB <= TARGET.mbPerConsumer)})`,
    );
  }
  const lossy = rows.filter((r) => r.sfuCpu < TARGET.cpuForNoLoss && r.loss > 0.0005);
  out.push(
    lossy.length === 0
      ? `loss below ${TARGET.cpuForNoLoss * 100} % SFU CPU: none above 0.05 % (target 0 %: met)`
      : `loss below ${TARGET.cpuForNoLoss * 100} % SFU CPU: ${lossy.map((r) => `${r.target} ${r.publishers}x${FANOUT} ${pct(r.loss, 2)}`).join(', ')} (target 0 %)`,
  );
  const slow = rows.filter((r) => r.botsCpu >= 0.95);
  if (slow.length) out.push(`bots saturated their core in: ${slow.map((r) => `${r.target} ${r.publishers}x${FANOUT}`).join(', ')} (loss there may be the bots')`);
  const retried = [...new Set(rows.filter((r) => r.setupRetries > 0).map((r) => r.target))];
  for (const key of retried) {
    const n = Math.max(...rows.filter((r) => r.target === key).map((r) => r.setupRetries));
    out.push(`${key}: ${n} room(s) opened again because a subscriber never received (a DTLS handshake that failed on one side; set-up, not forwarding loss)`);
  }
  const bare = rows.filter((r) => r.target === 'bare');
  for (const r of rows.filter((x) => x.target !== 'bare')) {
    const b = bare.find((x) => x.publishers === r.publishers);
    if (b) out.push(`${r.target} ${r.publishers}x${FANOUT}: ${fmt(r.usPerPacket / b.usPerPacket, 2)}x the bare worker's CPU per packet`);
  }
  return out;
}
