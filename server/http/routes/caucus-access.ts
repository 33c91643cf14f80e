import type { Material } from '../../auth/policy.js';
import type { MaterialItem } from '../../recordings/casefile.js';
import type { HttpDeps } from '../context.js';

/** Who a caucus concerns: the mediator(s) who held it and the party side(s) in it (all their participants). */
export interface CaucusFact { heldBy: string[]; parties: string[] }

const PARTY_SIDES: ReadonlySet<string> = new Set(['applicant', 'respondent']);

/**
 * The caucus facts of a case, gathered through the services (the audit log's `hearing.caucus_started` entries name
 * each caucus's members; the hearings service names their roles): the resource facts of the access policy.
 * The party side counts as a whole, so the representative of a party who was in the caucus reads it too.
 */
export async function caucusFacts(deps: Pick<HttpDeps, 'audit' | 'hearings'>, caseId: string): Promise<ReadonlyMap<string, CaucusFact>> {
  const [entries, hearings] = await Promise.all([deps.audit.entries(caseId), deps.hearings.forCase(caseId)]);
  const people = await deps.hearings.participants(hearings.map((h) => h.id));
  const byId = new Map(people.map((p) => [p.id, p]));
  const out = new Map<string, CaucusFact>();
  for (const e of entries) {
    if (e.action !== 'hearing.caucus_started') continue;
    const data = e.data as { caucusId?: unknown; memberIds?: unknown; hearingId?: unknown };
    if (typeof data.caucusId !== 'string' || !Array.isArray(data.memberIds)) continue;
    const members = data.memberIds.filter((m): m is string => typeof m === 'string').map((m) => byId.get(m)).filter((m) => m !== undefined);
    const heldBy = members.filter((m) => m.role === 'mediator').flatMap((m) => (m.staff_id ? [m.id, m.staff_id] : [m.id]));
    const sides = new Set(members.filter((m) => PARTY_SIDES.has(m.role)).map((m) => `${m.hearing_id}/${m.role}`));
    const parties = people.filter((p) => sides.has(`${p.hearing_id}/${p.role}`)).map((p) => p.id);
    out.set(data.caucusId, { heldBy, parties });
  }
  return out;
}

/**
 * The policy's material fact for one item; a caucus the log does not know is readable by nobody. `released` holds the
 * caucus items both sides released (server/recordings/caucus-items.ts): a caucus's recording by the caucus id, a chat
 * line by its own id.
 */
export function materialOf(caucuses: ReadonlyMap<string, CaucusFact>, item: MaterialItem, released: ReadonlySet<string> = new Set()): Material {
  if (!item.private) return { kind: 'joint' };
  const fact = caucuses.get(item.roomId);
  const both = released.has(item.id ?? item.roomId);
  return { kind: 'caucus', heldBy: fact?.heldBy ?? [], parties: fact?.parties ?? [], ...(both ? { releasedBy: { mediator: true, party: true } } : {}) };
}
