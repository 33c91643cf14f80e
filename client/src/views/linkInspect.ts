import type { LinkInspection } from '../../../signaling/protocol/api.js';
import { api } from '../api.js';

/**
 * The token travels in the fragment (#token) so that it never reaches server or proxy logs. Never throws: this runs
 * before the app renders, and a mangled fragment (bad percent-encoding) must end on the join page's "invalid link", not
 * on a blank page.
 */
export function readToken(): string {
  const hash = location.hash.replace(/^#/, '').trim();
  const raw = hash.startsWith('token=') ? hash.slice(6) : hash;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

let early: { token: string; result: Promise<LinkInspection> } | null = null;

/**
 * Opening a link: the page asks the server about it before the rest of the app has run (main.tsx imports this
 * first). The join view's own request would start only after its first paint (effects run then), about 150 ms later.
 */
export function inspectEarly(): void {
  if (location.pathname !== '/join') return;
  const token = readToken();
  if (token.length < 10) return;
  const result = api.inspectLink(token);
  result.catch(() => undefined); // read (and shown) by the join view
  early = { token, result };
}

/** The link's inspection: the early request's answer when it was for this token (used once), else a new request. */
export function inspectLink(token: string): Promise<LinkInspection> {
  const e = early;
  early = null;
  return e && e.token === token ? e.result : api.inspectLink(token);
}
