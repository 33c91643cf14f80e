import { ConfigError, loadConfig } from './config/index.js';
import { createLogger } from './lib/logger.js';
import { createDemoCase, formatDemo } from './demo.js';
import { startServer } from './wiring.js';

/** `npm start`: the service on its configured (by default embedded) store, with a demo case when CONCORD_DEMO is on. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  const running = await startServer(config, { log });
  const storeName = config.database.kind === 'sqlite' ? `SQLite ${config.database.file}` : 'PostgreSQL';
  const media = running.mediaChoice ? `Media engine: ${running.mediaChoice.engine} (${running.mediaChoice.why}).` : '';
  if (config.demo) {
    const demo = await createDemoCase(running.services, running.url);
    process.stdout.write(`\n${formatDemo(demo, running.url)}\n\nStore: ${storeName}. ${media} Stop with Ctrl+C.\n\n`);
  } else {
    process.stdout.write(`\nConcord is running: open ${running.url}  (store: ${storeName}) ${media}\n\n`);
  }
  const stop = (signal: string) => {
    log.info({ signal }, 'shutting down');
    running.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err) => {
  process.stderr.write(`Concord failed to start: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
