import type * as Y from 'yjs';
import { PadProvider } from '../../client/src/pad/provider.js';

/**
 * Node pad clients (the browser's PadProvider, unchanged) and the waits on them. Nothing here loads the server, so the
 * pad benchmark's author threads (bench/pad-author.ts) use the same clients as the tests.
 */
export function padClient(s: { url: string }, token: string, agreementId: string, opts: { reconnection?: boolean; doc?: Y.Doc } = {}): PadProvider {
  return new PadProvider({
    url: s.url, token, agreementId, ...(opts.doc ? { doc: opts.doc } : {}),
    socket: {
      transports: ['websocket'], extraHeaders: { origin: s.url }, forceNew: true, reconnection: opts.reconnection ?? true,
      reconnectionDelay: 50, reconnectionDelayMax: 300,
    },
    ackTimeoutMs: 5000,
  });
}

export async function waitFor(pred: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000, everyMs = 20): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await pred()) return;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const synced = (c: PadProvider, ms = 10_000) => waitFor(() => c.status === 'synced', 'sync', ms);
export const allSaved = (cs: PadProvider[], ms = 15_000, everyMs = 20) =>
  waitFor(() => cs.every((c) => c.status === 'synced' && c.unsaved === 0), 'all saved', ms, everyMs);
