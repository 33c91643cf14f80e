import { loadConfig } from '../config/index.js';
import { createLogger } from '../lib/logger.js';
import { createDemoCase, formatDemo } from '../demo.js';
import { createServices } from '../wiring.js';

/** `npm run demo [-- --json]`: a fresh demo case in the configured database, with its links. */
const json = process.argv.includes('--json');
const config = loadConfig();
const services = await createServices(config, createLogger('silent'));
try {
  const hostForUrl = config.host.includes(':') ? `[${config.host}]` : config.host;
  const base = config.publicUrl ?? `http://${hostForUrl}:${config.port}`;
  const demo = await createDemoCase(services, base);
  process.stdout.write(json ? `${JSON.stringify(demo, null, 2)}\n` : `${formatDemo(demo, base)}\n`);
} finally {
  await services.store.close();
}
