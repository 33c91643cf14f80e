import { ApiError } from '../api.js';
import { getParticipantSession, getStaffSession } from '../session.js';

export type Auth = 'staff' | 'participant';

export interface TrackView { id: string; participantId: string; name: string; role: string; kind: string; room: string; private: boolean; codec: string; offsetMs: number | null; status: string;
  /** Audio: the listening channel (`floor` or an interpreter's language) and the language spoken; null for video. */
  channel: string | null; language: string | null }
export interface FileView { id: string; trackId: string | null; kind: string; seq: number; startMs: number; durationMs: number; bytes: number; sha256: string }
export interface RecordingView {
  id: string; hearingId: string; site: string; status: string; partial: boolean; startedAt: string | null; stoppedAt: string | null; durationMs: number | null;
  compose: { status: string; progress: number; error: string | null };
  tracks: TrackView[]; files: FileView[];
  consents: { participantId: string; name: string; scope: string; decision: string; at: string }[];
  transcripts: { id: string; engine: string; status: string; progress: number; error: string | null; sha256: string | null }[];
  /** Staff only: each recorded caucus (item id = caucus id) and its release state (issue 12). */
  caucusItems?: CaucusItemState[];
}
export interface CaucusItemState { itemId: string; heldByStaff: string | null; released: boolean; mediatorReleased: boolean; partyReleased: boolean }
export interface TranscriptView {
  status: string; progress: number; error: string | null; engine: string | null; sha256: string | null;
  /** Per speaker, role and language (issue 17): a timeline of every readable track. */
  segments: { participantId: string; speaker: string; role: string | null; language: string | null; startMs: number; endMs: number; text: string }[];
  /** Each track's language, engine and outcome ("no model for yue: ..." is a stored result). */
  tracks?: { trackId: string; speaker: string; role: string; language: string; engine: string | null; status: 'done' | 'no_model' | 'failed'; error: string | null; windows: number }[];
}
export interface TimelineEvent { atMs: number; at: string; kind: string; actor: string; data: Record<string, unknown> }
export interface RecordLine { text: string; atMs?: number }
export interface HearingRecordView {
  id: string; hearingId: string; status: string; version: number; sha256: string; updatedAt: string; lines: RecordLine[];
  signoffs: { participantId: string; name: string; role: string; version: number; sha256: string; decision: string; comment: string | null; at: string }[];
}

function token(auth: Auth): string | undefined {
  return auth === 'staff' ? getStaffSession()?.token : getParticipantSession()?.token;
}

async function call<T>(auth: Auth, method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const tk = token(auth);
  if (tk) headers.Authorization = `Bearer ${tk}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  const json = (await res.json().catch(() => undefined)) as { error?: { code: string; message: string } } | undefined;
  if (!res.ok) throw new ApiError(res.status, (json?.error?.code ?? 'INTERNAL') as never, json?.error?.message ?? `${res.status}`);
  return json as T;
}

const e = encodeURIComponent;

export const recApi = {
  list: (auth: Auth, caseId: string) => call<{ recordings: RecordingView[] }>(auth, 'GET', `/api/cases/${e(caseId)}/recordings`),
  timeline: (auth: Auth, caseId: string, rid: string) => call<{ events: TimelineEvent[] }>(auth, 'GET', `/api/cases/${e(caseId)}/recordings/${e(rid)}/timeline`),
  transcript: (auth: Auth, caseId: string, rid: string) => call<TranscriptView>(auth, 'GET', `/api/cases/${e(caseId)}/recordings/${e(rid)}/transcript`),
  /** The clerk's draft of the hearing record from the transcript, labelled in the case's language. */
  recordDraft: (caseId: string, rid: string) => call<{ language: string; lines: RecordLine[] }>('staff', 'GET', `/api/cases/${e(caseId)}/recordings/${e(rid)}/record-draft`),
  record: (auth: Auth, caseId: string, hid: string) => call<{ record: HearingRecordView | null }>(auth, 'GET', `/api/cases/${e(caseId)}/hearings/${e(hid)}/record`),
  saveRecord: (caseId: string, hid: string, lines: RecordLine[], submit: boolean) =>
    call<{ record: HearingRecordView }>('staff', 'PUT', `/api/cases/${e(caseId)}/hearings/${e(hid)}/record`, { lines, submit }),
  signoff: (caseId: string, hid: string, decision: 'confirmed' | 'objected', sha256: string) =>
    call<{ record: HearingRecordView }>('participant', 'POST', `/api/cases/${e(caseId)}/hearings/${e(hid)}/record/signoff`, { decision, sha256 }),
  release: (auth: Auth, caseId: string, itemId: string) =>
    call<{ item: { released: boolean } }>(auth, 'POST', `/api/cases/${e(caseId)}/caucus-items/${e(itemId)}/release`, {}),
  /** A stored file as a blob URL (the player and downloads need the bearer token, which a <video src> cannot send). */
  async blobUrl(auth: Auth, caseId: string, rid: string, fid: string, download = false): Promise<string> {
    const tk = token(auth);
    const res = await fetch(`/api/cases/${e(caseId)}/recordings/${e(rid)}/files/${e(fid)}${download ? '?download=1' : ''}`, { headers: tk ? { Authorization: `Bearer ${tk}` } : {} });
    if (!res.ok) throw new ApiError(res.status, 'NOT_FOUND', `${res.status}`);
    return URL.createObjectURL(await res.blob());
  },
  async vtt(auth: Auth, caseId: string, rid: string): Promise<string> {
    const tk = token(auth);
    const res = await fetch(`/api/cases/${e(caseId)}/recordings/${e(rid)}/transcript.vtt`, { headers: tk ? { Authorization: `Bearer ${tk}` } : {} });
    if (!res.ok) throw new ApiError(res.status, 'NOT_FOUND', `${res.status}`);
    return URL.createObjectURL(new Blob([await res.text()], { type: 'text/vtt' }));
  },
};

export const clock = (ms: number): string => {
  const v = Math.max(0, Math.round(ms / 1000));
  return `${String(Math.floor(v / 60)).padStart(2, '0')}:${String(v % 60).padStart(2, '0')}`;
};
