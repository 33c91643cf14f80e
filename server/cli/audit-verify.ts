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
    // Recordings: each stored file against the case file's SHA-256 and the audit chain's (server/recordings/verify.ts).
    const rec = await verifyRecordings(services.recordings.service, chainId);
    if (rec.checked > 0) {
      process.stdout.write(`${JSON.stringify({ recordings: rec }, null, 2)}\n`);
      process.stdout.write(rec.ok ? `recordings of ${chainId}: intact, ${rec.checked} files\n` : `recordings of ${chainId}: ${rec.problems.length} file(s) do not match: ${rec.problems.map((p) => `${p.path} (${p.reason})`).join(', ')}\n`);
      if (rec.shredded.length > 0) process.stdout.write(`recordings of ${chainId}: ${rec.shredded.length} caucus file(s) shredded (their key was destroyed; unreadable by design, not corrupted)\n`);
      if (!rec.ok) process.exitCode = 2;
    }
  }
} finally {
  await services.store.close();
}
