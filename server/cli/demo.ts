import { loadConfig } from '../config/index.js';
import { createLogger } from '../lib/logger.js';
import { createDemoCase, formatDemo } from '../demo.js';
import { createServices } from '../wiring.js';
import { assertCan, noCase } from '../auth/policy.js';
import { systemPrincipal } from '../auth/principal.js';

/** `npm run demo [-- --json]`: a fresh demo case in the configured database, with its links. */
const json = process.argv.includes('--json');
const config = loadConfig();
// Operator tools have their own rows in the access policy (docs/ACCESS.md).
const operator = systemPrincipal('demo');
assertCan(operator, 'demo.seed', noCase(operator));
const services = await createServices(config, createLogger('silent'));
try {
  const hostForUrl = config.host.includes(':') ? `[${config.host}]` : config.host;
  const base = config.publicUrl ?? `http://${hostForUrl}:${config.port}`;
  const demo = await createDemoCase(services, base);
  process.stdout.write(json ? `${JSON.stringify(demo, null, 2)}\n` : `${formatDemo(demo, base)}\n`);
} finally {
  await services.store.close();
}
