import { useState } from 'preact/hooks';
import { ApiError } from '../api.js';
import { ErrorBanner } from '../components/ErrorBanner.js';
import { tp } from '../i18n/privacy/index.js';
import { getParticipantSession, getStaffSession } from '../session.js';

/** The case id a participant session is for (the token's `case` claim; the session view does not repeat it). */
export function caseOfToken(token: string): string | null {
  try {
    const payload = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { case?: string };
    return payload.case ?? null;
  } catch {
    return null;
  }
}

/**
 * Downloads a personal-data export (a zip) with the session's bearer token, showing the megabytes received while the
 * server builds and streams it (recordings make it large), then hands it to the browser as a file.
 */
async function fetchZip(path: string, token: string, onBytes: (n: number) => void): Promise<{ blob: Blob; name: string }> {
  const res = await fetch(path, { headers: { Authorization: `Bearer ${token}` }, cache: 'no-store' });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
    throw new ApiError(res.status, (body?.error?.code ?? 'BAD_RESPONSE') as ApiError['code'], body?.error?.message ?? `${res.status}`);
  }
  const reader = res.body!.getReader();
  const chunks: Uint8Array[] = [];
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    n += value.length;
    onBytes(n);
  }
  const name = /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') ?? '')?.[1] ?? 'concord-data.zip';
  return { blob: new Blob(chunks as BlobPart[], { type: 'application/zip' }), name };
}

function save(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** "Download my data" for a participant (waiting page), or an org admin's export of one participant (`participantId`). */
export function DownloadMyData({ participantId, caseId: staffCaseId }: { participantId?: string; caseId?: string }) {
  const [bytes, setBytes] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const staff = participantId !== undefined;
  const token = staff ? getStaffSession()?.token : getParticipantSession()?.token;
  const caseId = staff ? staffCaseId : token ? caseOfToken(token) : null;
  if (!token || !caseId) return null;
  const path = staff
    ? `/api/cases/${encodeURIComponent(caseId)}/participants/${encodeURIComponent(participantId)}/export.zip`
    : `/api/cases/${encodeURIComponent(caseId)}/my-data.zip`;
  const start = async () => {
    setError(null);
    setBytes(0);
    try {
      const { blob, name } = await fetchZip(path, token, setBytes);
      save(blob, name);
    } catch (e) {
      setError(e instanceof ApiError ? e : new Error(tp('privacy.export.failed')));
    } finally {
      setBytes(null);
    }
  };
  const busy = bytes !== null;
  return (
    <div class="my-data" data-testid={staff ? 'participant-export' : 'download-my-data'}>
      <button type="button" class={staff ? 'btn btn-ghost btn-small' : 'btn btn-secondary btn-block'} disabled={busy} data-testid="download-my-data-button" onClick={() => void start()}>
        {staff ? tp('privacy.export.participant') : tp('privacy.export.button')}
      </button>
      {busy ? (
        <p class="muted small" role="status" aria-live="polite" data-testid="download-my-data-progress">
          {tp('privacy.export.progress', { mb: (bytes / 1_048_576).toFixed(1) })}
        </p>
      ) : !staff ? <p class="hint small">{tp('privacy.export.help')}</p> : null}
      <ErrorBanner error={error} testId="download-my-data-error" />
    </div>
  );
}
