import { loadConfig } from '../config/index.js';
import { createLogger } from '../lib/logger.js';
import { createServices } from '../wiring.js';
import { assertCan, noCase } from '../auth/policy.js';
import { systemPrincipal } from '../auth/principal.js';

/** `npm run keys:rotate`: a new token signing key now; tokens signed with the old one keep working for the grace period. */
// Operator tools have their own rows in the access policy (docs/ACCESS.md).
const operator = systemPrincipal('keys:rotate');
assertCan(operator, 'keys.rotate', noCase(operator));
const services = await createServices(loadConfig(), createLogger('silent'));
try {
  const key = await services.keyring.rotate();
  process.stdout.write(`new signing key ${key.kid} is current\n`);
} finally {
  await services.store.close();
}
