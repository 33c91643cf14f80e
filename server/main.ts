import { ConfigError, loadConfig } from './config/index.js';
import { createLogger } from './lib/logger.js';
import { createDemoCase, formatDemo } from './demo.js';
import { locateMediasoupWorker } from './media/mediasoup/worker-bin.js';
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
  // The hearings run on werift; say whether the mediasoup worker is built here (issue 13), and why not.
  const mediasoup = locateMediasoupWorker(config.mediasoup);
  if (mediasoup.ok) log.info({ worker: mediasoup.bin }, `media engine: werift (mediasoup ${mediasoup.version} worker built, its engine is not wired yet)`);
  else log.info(`media engine: werift (no mediasoup worker: ${mediasoup.reason})`);
  const storeName = config.database.kind === 'sqlite' ? `SQLite ${config.database.file}` : 'PostgreSQL';
  if (config.demo) {
    const demo = await createDemoCase(running.services, running.url);
    process.stdout.write(`\n${formatDemo(demo, running.url)}\n\nStore: ${storeName}. Stop with Ctrl+C.\n\n`);
  } else {
    process.stdout.write(`\nConcord is running: open ${running.url}  (store: ${storeName})\n\n`);
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
