import { loadConfig } from '../config/index.js';
import { createLogger } from '../lib/logger.js';
import { createServices } from '../wiring.js';

/**
 * `npm run retention:run [-- --now <ISO time>]`: deletes what the organisations' retention schedules say has expired
 * (server/privacy/run.ts) and prints the report as JSON. `--now` runs as of another time (a dry look ahead is not
 * offered: the run deletes). Exit 0 when every deletion succeeded, 2 when some failed (they are in the report), 1 on
 * usage errors.
 */
const args = process.argv.slice(2);
let now = new Date();
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  const value = a.startsWith('--now=') ? a.slice(6) : a === '--now' ? args[++i] : undefined;
  if (value === undefined || Number.isNaN(Date.parse(value))) {
    process.stderr.write('usage: npm run retention:run [-- --now <ISO-8601 time>]\n');
    process.exit(1);
  }
  now = new Date(value);
}
const services = await createServices(loadConfig(), createLogger('silent'));
try {
  const report = await services.privacy.retention.run(now);
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`retention run at ${report.runAt}: ${report.casesChecked} closed case(s) checked, ${report.deletions.length} deletion(s), ${report.failures.length} failure(s)\n`);
  process.exitCode = report.failures.length > 0 ? 2 : 0;
} finally {
  await services.store.close();
}
