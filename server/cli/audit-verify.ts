import { loadConfig } from '../config/index.js';
import { createLogger } from '../lib/logger.js';
import { createServices } from '../wiring.js';
import { verifyRecordings } from '../recordings/verify.js';
import { assertCan, noCase } from '../auth/policy.js';
import { systemPrincipal } from '../auth/principal.js';

/** `npm run audit:verify -- <caseId>`: exit 0 when the chain holds, 2 when it is broken, 1 on usage errors. */
const chainId = process.argv[2];
if (!chainId || chainId.startsWith('-')) {
  process.stderr.write('usage: npm run audit:verify -- <caseId>\n');
  process.exit(1);
}
// Operator tools have their own rows in the access policy (docs/ACCESS.md), like every other way into case data.
const operator = systemPrincipal('audit:verify');
assertCan(operator, 'audit.verify', noCase(operator));
const services = await createServices(loadConfig(), createLogger('silent'));
try {
  const exists = await services.store.db.selectFrom('audit_heads').select('chain_id').where('chain_id', '=', chainId).executeTakeFirst();
  if (!exists) {
    process.stderr.write(`no audit chain for ${chainId}\n`);
    process.exitCode = 1;
  } else {
    const v = await services.audit.verify(chainId);
    process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
    process.stdout.write(v.ok ? `audit chain ${chainId}: intact, ${v.checked} entries\n` : `audit chain ${chainId}: BROKEN at entry ${v.firstBroken?.seq}: ${v.firstBroken?.reason}\n`);
    process.exitCode = v.ok ? 0 : 2;
    // Deletions by the retention schedule (issue 12): each is an entry of the chain, with the schedule that expired.
    const deletions = (await services.audit.entries(chainId)).filter((e) => e.action.startsWith('retention.') && e.action !== 'retention.schedule_changed');
    const redacted = await services.audit.redactions(chainId);
    if (deletions.length > 0 || redacted.length > 0) {
      process.stdout.write(`${JSON.stringify({ deletedByPolicy: deletions.map((e) => ({ seq: e.seq, at: e.at, action: e.action, data: e.data })), redactedEntries: redacted }, null, 2)}\n`);
      for (const e of deletions) {
        const d = e.data as { schedule?: { category?: string; days?: number; closedAt?: string; expiredAt?: string; scheduleSource?: string } };
        const s = d.schedule ?? {};
        process.stdout.write(`deleted by policy: ${e.action} at ${e.at} (entry ${e.seq}; ${s.category} kept ${s.days} days after the case closed ${s.closedAt}, ${s.scheduleSource} schedule)\n`);
      }
      if (redacted.length > 0) process.stdout.write(`redacted by policy: ${redacted.length} entr${redacted.length === 1 ? 'y' : 'ies'} (${redacted.map((r) => r.seq).join(', ')}): payload cleared, hash kept and verified\n`);
    }
    // Recordings: each stored file against the case file's SHA-256 and the audit chain's (server/recordings/verify.ts).
    const rec = await verifyRecordings(services.recordings.service, chainId);
    if (rec.checked > 0) {
      process.stdout.write(`${JSON.stringify({ recordings: rec }, null, 2)}\n`);
      const gone = rec.deletedByPolicy.length > 0 ? ` (${rec.deletedByPolicy.length} deleted by policy, rows and hashes kept)` : '';
      process.stdout.write(rec.ok ? `recordings of ${chainId}: intact, ${rec.checked} files${gone}\n` : `recordings of ${chainId}: ${rec.problems.length} file(s) do not match: ${rec.problems.map((p) => `${p.path} (${p.reason})`).join(', ')}\n`);
      if (rec.shredded.length > 0) process.stdout.write(`recordings of ${chainId}: ${rec.shredded.length} caucus file(s) shredded (their key was destroyed; unreadable by design, not corrupted)\n`);
      if (!rec.ok) process.exitCode = 2;
    }
  }
} finally {
  await services.store.close();
}
