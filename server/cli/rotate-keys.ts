import { loadConfig } from '../config/index.js';
import { createLogger } from '../lib/logger.js';
import { createServices } from '../wiring.js';

/** `npm run keys:rotate`: a new token signing key now; tokens signed with the old one keep working for the grace period. */
const services = await createServices(loadConfig(), createLogger('silent'));
try {
  const key = await services.keyring.rotate();
  process.stdout.write(`new signing key ${key.kid} is current\n`);
} finally {
  await services.store.close();
}
