import type { CaseView, HearingView, LinkLockoutView, LinkView } from '../../signaling/protocol/api.js';
import type { CaseStatus } from '../../signaling/protocol/domain.js';
import { can, type Principal } from '../auth/policy.js';
import { allowedTransitions } from '../cases/lifecycle.js';
import { participantView, type HearingRecord } from '../cases/hearings.js';
import type { LinkRecord } from '../cases/links.js';
import type { CaseAccessInfo } from '../cases/cases.js';
import type { HttpDeps } from './context.js';

/** The URL handed to a participant. The token sits in the fragment, which browsers never send to a server or a proxy log. */
/** `lockout`: the link's failed identity checks in the window (LinkService.lockouts), null when none. */
export function linkView(deps: HttpDeps, l: LinkRecord, displayName: string, showUrl: boolean, lockout: LinkLockoutView | null): LinkView {
  const status = deps.links.status(l);
  const url =
    showUrl && status === 'active'
      ? `${deps.baseUrl()}/join#${deps.tokens.signLink({
          linkId: l.id, caseId: l.caseId, hearingId: l.hearingId, role: l.role, participantId: l.participantId, expiresAt: new Date(l.expiresAt),
        })}`
      : '';
  return {
    id: l.id, participantId: l.participantId, role: l.role, displayName, url, expiresAt: l.expiresAt, revokedAt: l.revokedAt,
    verifiedAt: l.verifiedAt, createdAt: l.createdAt, status, lockout,
  };
}

export async function hearingViews(deps: HttpDeps, p: Principal, access: CaseAccessInfo, hearings: HearingRecord[]): Promise<HearingView[]> {
  const ids = hearings.map((h) => h.id);
  const [participants, links] = await Promise.all([deps.hearings.participants(ids), deps.links.forHearings(ids)]);
  const lockouts = await deps.links.lockouts(links.map((l) => l.id));
  // Link URLs are bearer secrets: only those who may issue links see them again.
  const showUrl = can(p, 'link.issue', access);
  const names = new Map(participants.map((x) => [x.id, x.display_name]));
  return hearings.map((h) => ({
    ...h,
    participants: participants.filter((x) => x.hearing_id === h.id).map(participantView),
    links: links.filter((l) => l.hearingId === h.id).map((l) => linkView(deps, l, names.get(l.participantId) ?? '', showUrl, lockouts.get(l.id) ?? null)),
  }));
}

export async function caseView(deps: HttpDeps, p: Principal, access: CaseAccessInfo): Promise<CaseView> {
  const record = await deps.cases.get(access.caseId);
  const [[summary], parties, hearings, languages] = await Promise.all([
    deps.cases.summaries([record]),
    deps.cases.parties(record.id),
    deps.hearings.forCase(record.id),
    deps.cases.languages(record.id),
  ]);
  // The lifecycle narrows it by role (the court only between the confirmation states).
  const transitions: CaseStatus[] = p.kind === 'staff' && can(p, 'case.transition', access) ? allowedTransitions(record.status, p.role) : [];
  return {
    ...summary!,
    summary: record.summary,
    parties,
    hearings: await hearingViews(deps, p, access, hearings),
    allowedTransitions: transitions,
    languages,
  };
}
