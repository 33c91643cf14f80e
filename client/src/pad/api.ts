import type {
  AgreementInfo, AttributionView, ChangeView, DiffView, LockedAgreementView, PadAccess, TemplateView, VersionView,
} from '../../../signaling/protocol/pad.js';
import { ApiError } from '../api.js';
import { getParticipantSession, getStaffSession } from '../session.js';

/**
 * The pad works with the token the person holds in this tab: a participant session (a party who opened their link),
 * otherwise the staff session (console). Both reach the same routes; the server decides what each may do.
 */
export function padToken(): string | null {
  return getParticipantSession()?.token ?? getStaffSession()?.token ?? null;
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const token = padToken();
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  } catch (e) {
    throw new ApiError(0, 'NETWORK', e instanceof Error ? e.message : 'network error');
  }
  const text = await res.text();
  const json = text ? (JSON.parse(text) as unknown) : undefined;
  if (!res.ok) {
    const err = (json as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
    throw new ApiError(res.status, (err?.code ?? 'BAD_RESPONSE') as ApiError['code'], err?.message ?? res.statusText, err?.details);
  }
  return json as T;
}

/** The case a participant session is for (the token's `case` claim; the session record itself names only the number). */
export function participantCaseId(): string | null {
  const token = getParticipantSession()?.token;
  if (!token) return null;
  try {
    const payload = token.split('.')[1] ?? '';
    const json = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { case?: string };
    return json.case ?? null;
  } catch {
    return null;
  }
}

export interface AgreementEntry { agreement: AgreementInfo; access: PadAccess }

export const padApi = {
  list: (caseId: string) => call<{ items: AgreementEntry[] }>('GET', `/api/cases/${encodeURIComponent(caseId)}/agreements`),
  create: (caseId: string, body: { language: string; kind: string; template?: string; title?: string }) =>
    call<AgreementEntry>('POST', `/api/cases/${encodeURIComponent(caseId)}/agreements`, body),
  get: (id: string) => call<AgreementEntry & { self: { author: string; name: string; role: string }; text: { body: string; preview: string } }>('GET', `/api/agreements/${id}`),
  template: (lang: string) => call<TemplateView>('GET', `/api/agreements/templates/${lang}`),
  setFields: (id: string, fields: Record<string, string | null>) => call<AgreementEntry>('POST', `/api/agreements/${id}/fields`, { fields }),
  versions: (id: string) => call<{ items: VersionView[] }>('GET', `/api/agreements/${id}/versions`),
  nameVersion: (id: string, name: string) => call<VersionView>('POST', `/api/agreements/${id}/versions`, { name }),
  diff: (id: string, from: string, to: string) => call<DiffView>('GET', `/api/agreements/${id}/diff?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`),
  changes: (id: string) => call<{ items: ChangeView[] }>('GET', `/api/agreements/${id}/changes`),
  attribution: (id: string) => call<AttributionView>('GET', `/api/agreements/${id}/attribution`),
  lock: (id: string) => call<AgreementEntry & { locked: LockedAgreementView }>('POST', `/api/agreements/${id}/lock`, {}),
  unlock: (id: string, reason: string) => call<AgreementEntry>('POST', `/api/agreements/${id}/unlock`, { reason }),
  clerkEdit: (id: string, allowed: boolean) => call<AgreementEntry>('POST', `/api/agreements/${id}/clerk-edit`, { allowed }),
};
