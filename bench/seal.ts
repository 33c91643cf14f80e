import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { startTestServer, type DbKind } from '../test/helpers/server.js';
import { demoWithSessions, lock, signAs, status } from '../test/signing/helpers.js';

/**
 * The signing ceremony as a signer feels it, over HTTP against a real server: reading the status (baseline), asking for
 * a one-time code, a signature that is not the last, and the last signature (which seals: render, manifest, certificate,
 * one PAdES signature per signer, organisation seal, performance notice, one transaction). Median of N demo cases.
 * Usage: `npx tsx bench/seal.ts [runs] [sqlite|postgres]`.
 */
const runs = Number(process.argv[2] ?? 5);
const db = (process.argv[3] ?? 'sqlite') as DbKind;
const s = await startTestServer(db);
const t: Record<string, number[]> = { status: [], otp: [], sign: [], 'last sign (seal)': [] }; // sign = status + code + sign of one signer
const time = async <T>(k: string, fn: () => Promise<T>): Promise<T> => {
  const a = performance.now();
  const r = await fn();
  t[k]!.push(performance.now() - a);
  return r;
};
try {
  for (let i = 0; i < runs + 1; i++) {
    const d = await demoWithSessions(s);
    const locked = await lock(s, d.mediator, d.demo.agreementId);
    await time('status', () => status(s, d.applicant, d.demo.agreementId));
    await time('otp', () => s.api('POST', `/api/signing/agreements/${d.demo.agreementId}/otp`, { token: d.applicant, body: { role: 'applicant', lockSeq: locked.lockSeq, documentSha256: locked.sha256 } }));
    await time('sign', () => signAs(s, d.respondent, d.demo.agreementId, 'respondent'));
    await time('sign', () => signAs(s, d.mediator, d.demo.agreementId, 'mediator'));
    const last = await time('last sign (seal)', () => signAs(s, d.applicant, d.demo.agreementId, 'applicant'));
    if (!last.body.status?.effective) throw new Error(`not sealed: ${JSON.stringify(last.body)}`);
  }
} finally {
  await s.close();
}
const med = (xs: number[]) => {
  const v = xs.slice(1).sort((a, b) => a - b); // the first run (credentials made, code warm-up) apart
  return v[Math.floor(v.length / 2)] ?? NaN;
};
console.log(`${os.cpus()[0]?.model ?? '?'} x${os.cpus().length}, Node ${process.version}, ${db}, ${runs} runs (+1 warm-up), load ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
console.log('| request | first run | median |');
console.log('|---|---:|---:|');
for (const [k, v] of Object.entries(t)) console.log(`| ${k} | ${v[0]!.toFixed(0)} ms | ${med(v).toFixed(0)} ms |`);
console.log(`sealing costs ${(med(t['last sign (seal)']!) / med(t.sign!)).toFixed(1)}x a signature that is not the last`);
