// The worker thread entry of bench/pad-replayer.ts: Node 20 does not carry tsx's loader into worker threads, so the
// thread registers it before loading the TypeScript.
import { register } from 'tsx/esm/api';

register();
await import('./pad-replayer.ts');
