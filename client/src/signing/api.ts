import type {
  ConfirmationSummaryView, CourtPackageView, CourtQueueItem, OtpIssued, RequestOtpBody, SignBody, SigningStatusView, SignResult,
} from '../../../signaling/protocol/signing.js';
import { ERROR_CODES, type ErrorCode } from '../../../signaling/protocol/errors.js';
import { ApiError } from '../api.js';
import { getParticipantSession, getStaffSession } from '../session.js';

/** Which session a call uses: the staff console or a party's participant session (after the link's identity check). */
export type SignAuth = 'staff' | 'participant';

function authHeader(auth: SignAuth): Record<string, string> {
  const token = auth === 'staff' ? getStaffSession()?.token : getParticipantSession()?.token;
  return token ? { Authorization: `Bearer ${token}` } : {};
}

/** One request with the chosen session's token: the response, or NETWORK when none arrives. */
async function send(auth: SignAuth, method: string, path: string, accept: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { Accept: accept, ...authHeader(auth) };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  try {
    return await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store', credentials: 'same-origin' });
  } catch (e) {
    throw new ApiError(0, 'NETWORK', e instanceof Error ? e.message : 'network error');
  }
}

/** The server's error body as an ApiError (a code we do not know reads as INTERNAL). */
function apiError(status: number, json: unknown): ApiError {
  const e = (json as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
  const code = e?.code && (ERROR_CODES as readonly string[]).includes(e.code) ? (e.code as ErrorCode) : 'INTERNAL';
  return new ApiError(status, code, e?.message ?? `${status}`, e?.details);
}

/** A PDF the server renders on request (signing preview, ruling preview), as an object URL for an <iframe> or a link. */
async function pdf(auth: SignAuth, method: string, path: string, body?: unknown): Promise<string> {
  const res = await send(auth, method, path, 'application/pdf', body);
  if (!res.ok) throw apiError(res.status, await res.json().catch(() => undefined));
  return URL.createObjectURL(new Blob([await res.arrayBuffer()], { type: 'application/pdf' }));
}

async function call<T>(auth: SignAuth, method: string, path: string, body?: unknown): Promise<T> {
  const res = await send(auth, method, path, 'application/json', body);
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) throw apiError(res.status, json);
  return json as T;
}

const enc = encodeURIComponent;
export const signingApi = {
  forCase: (auth: SignAuth, caseId: string) =>
    call<{ agreements: SigningStatusView[]; confirmation: ConfirmationSummaryView | null }>(auth, 'GET', `/api/signing/cases/${enc(caseId)}`),
  status: (auth: SignAuth, agreementId: string) => call<SigningStatusView>(auth, 'GET', `/api/signing/agreements/${enc(agreementId)}`),
  requestOtp: (auth: SignAuth, agreementId: string, body: RequestOtpBody) =>
    call<OtpIssued>(auth, 'POST', `/api/signing/agreements/${enc(agreementId)}/otp`, body),
  sign: (auth: SignAuth, agreementId: string, body: SignBody) => call<SignResult>(auth, 'POST', `/api/signing/agreements/${enc(agreementId)}/sign`, body),
  setSigners: (agreementId: string, lockSeq: number, arbitrator: boolean) =>
    call<SigningStatusView>('staff', 'POST', `/api/signing/agreements/${enc(agreementId)}/signers`, { lockSeq, arbitrator }),
  retrySeal: (agreementId: string) => call<SigningStatusView>('staff', 'POST', `/api/signing/agreements/${enc(agreementId)}/seal`),
  requestConfirmation: (auth: SignAuth, caseId: string, note?: string) =>
    call<ConfirmationSummaryView>(auth, 'POST', `/api/signing/cases/${enc(caseId)}/confirmation`, note ? { note } : {}),
  previewPdf: (auth: SignAuth, agreementId: string) => pdf(auth, 'GET', `/api/signing/agreements/${enc(agreementId)}/preview.pdf`),
  previewRuling: (id: string, note?: string) => pdf('staff', 'POST', `/api/court/requests/${enc(id)}/ruling-preview`, note ? { note } : {}),
  courtQueue: () => call<{ items: CourtQueueItem[] }>('staff', 'GET', '/api/court/queue'),
  courtPackage: (id: string) => call<CourtPackageView>('staff', 'GET', `/api/court/requests/${enc(id)}`),
  confirm: (id: string, note?: string) => call<ConfirmationSummaryView>('staff', 'POST', `/api/court/requests/${enc(id)}/confirm`, note ? { note } : {}),
  reject: (id: string, reasons: string) => call<ConfirmationSummaryView>('staff', 'POST', `/api/court/requests/${enc(id)}/reject`, { reasons }),
};

export type MineView = { caseId: string; agreements: SigningStatusView[]; confirmation: ConfirmationSummaryView | null };
export const mine = () => call<MineView>('participant', 'GET', '/api/signing/mine');
