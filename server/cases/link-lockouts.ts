import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import type { LinkLockoutView } from '../../signaling/protocol/api.js';

/**
 * The identity check's limits, per (link, address) and per link (issue 11, item 5). Failed checks are counted over a
 * sliding window of `windowMinutes` since the link's last lockout clear. An address with `maxAttempts` failures on a
 * link is refused until its failures leave the window. Failures on the link from all addresses never refuse an address
 * without failures, so whoever sees a party's link cannot keep the party out; once there are `linkMaxAttempts` of them,
 * every address gets a single try on that link (a distributed guess then needs an address per guess).
 */
export interface IdentityLimits { maxAttempts: number; windowMinutes: number; linkMaxAttempts: number }
export interface Failure { ip: string; at: string }
export interface AddressState { failures: number; locked: boolean; until: string | null; attemptsLeft: number }

type Executor = Kysely<Database> | Transaction<Database>;

export const allowance = (linkFailures: number, l: IdentityLimits): number => (linkFailures >= l.linkMaxAttempts ? 1 : l.maxAttempts);

/** Where an address stands on a link, given the link's failures in the window (oldest first). */
export function addressState(linkFailures: readonly Failure[], ip: string, l: IdentityLimits): AddressState {
  const mine = linkFailures.filter((f) => f.ip === ip);
  const allowed = allowance(linkFailures.length, l);
  const locked = mine.length >= allowed;
  // Sliding window: the address is let in again when all but allowed-1 of its failures have left the window.
  const until = locked ? new Date(Date.parse(mine[mine.length - allowed]!.at) + l.windowMinutes * 60_000).toISOString() : null;
  return { failures: mine.length, locked, until, attemptsLeft: Math.max(0, allowed - mine.length) };
}

/** What the mediator sees about a link: null when it has no failures in the window. */
export function lockoutSummary(linkFailures: readonly Failure[], l: IdentityLimits): LinkLockoutView | null {
  if (linkFailures.length === 0) return null;
  const ips = [...new Set(linkFailures.map((f) => f.ip))];
  const locked = ips.map((ip) => addressState(linkFailures, ip, l)).filter((s) => s.locked);
  const until = locked.map((s) => s.until!).sort().at(-1) ?? null;
  return { failures: linkFailures.length, addresses: ips.length, lockedAddresses: locked.length, lockedUntil: until };
}

/** Failed checks per link since `since` and since the link's last lockout clear, oldest first. */
export async function windowFailures(db: Executor, linkIds: readonly string[], since: string): Promise<Map<string, Failure[]>> {
  const out = new Map<string, Failure[]>();
  if (linkIds.length === 0) return out;
  const rows = await db
    .selectFrom('identity_checks as f')
    .leftJoin('link_lockout_clears as c', 'c.link_id', 'f.link_id')
    .select(['f.link_id', 'f.ip', 'f.at'])
    .where('f.link_id', 'in', [...linkIds])
    .where('f.ok', '=', 0)
    .where('f.at', '>', since)
    .where((eb) => eb.or([eb('c.cleared_at', 'is', null), eb('f.at', '>', eb.ref('c.cleared_at'))]))
    .orderBy('f.at')
    .orderBy('f.id')
    .execute();
  for (const r of rows) {
    const list = out.get(r.link_id) ?? [];
    list.push({ ip: r.ip, at: r.at });
    out.set(r.link_id, list);
  }
  return out;
}
