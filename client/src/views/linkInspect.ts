import type { LinkInspection } from '../../../signaling/protocol/api.js';
import { HEARING_ROLES, STAFF_HEARING_ROLES, type HearingRole } from '../../../signaling/protocol/domain.js';
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


/**
 * What the link's own payload says before the server answers: its role, hence which identity check the form asks
 * for (the server's rule in server/http/routes/join.ts). Unverified, and used only to draw the form one round trip
 * earlier; the inspection's answer replaces it, and the server checks everything at submission. Null when the token
 * cannot be read (the form then waits for the inspection).
 */
export function roleOfToken(token: string): { role: HearingRole; identityCheck: 'party' | 'staff' } | null {
  const part = token.split('.')[1];
  if (!part) return null;
  try {
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '='));
    const role: unknown = (JSON.parse(json) as { role?: unknown }).role;
    if (typeof role !== 'string') return null;
    const known = HEARING_ROLES.find((r) => r === role);
    if (!known) return null;
    return { role: known, identityCheck: (STAFF_HEARING_ROLES as readonly string[]).includes(known) ? 'staff' : 'party' };
  } catch {
    return null;
  }
}
