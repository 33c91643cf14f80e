import { useEffect, useRef, useState } from 'preact/hooks';
import { AuditAction } from '../components/AuditAction.js';
import { ErrorBanner } from '../components/ErrorBanner.js';
import { formatDateTime, formatTime } from '../format.js';
import { isHearingRole, roleLabel } from '../labels.js';
import { useLang } from '../i18n/index.js';
import { tr } from '../i18n/recordings/index.js';
import { clock, recApi, type Auth, type HearingRecordView, type RecordLine, type RecordingView, type TimelineEvent, type TranscriptView } from './api.js';
import { CaucusReleases } from './CaucusRelease.js';
import './recordings.css';

/**
 * The case file's recordings: each recording with its consent answers, the composed file in a player beside the
 * transcript and the event timeline (click a line to jump there), per-track files with their SHA-256 for download,
 * progress of composition and transcription, and the hearing record (笔录) the clerk writes from them.
 */
export function RecordingsSection({ caseId, auth = 'staff', refreshKey }: { caseId: string; auth?: Auth; refreshKey?: number }) {
  useLang();
  const [list, setList] = useState<RecordingView[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let stop = false;
    recApi.list(auth, caseId).then((r) => !stop && setList(r.recordings), (e: unknown) => !stop && setError(e));
    return () => {
      stop = true;
    };
  }, [caseId, auth, refreshKey, tick]);
  // While a composition or transcription runs, look again every few seconds (progress).
  const running = list?.some((r) => r.status !== 'stopped' || ['queued', 'running', 'idle'].includes(r.compose.status) || r.transcripts.some((t) => t.status === 'running'));
  useEffect(() => {
    if (!running) return;
    const h = setTimeout(() => setTick((n) => n + 1), 3000);
    return () => clearTimeout(h);
  }, [running, list]);
  return (
    <section aria-labelledby="recordings-title" data-testid="recordings">
      <h2 id="recordings-title" class="section-title">{tr('rec.title')}</h2>
      {error ? <ErrorBanner error={error} testId="recordings-error" /> : null}
      {list && list.length === 0 ? <p class="muted">{tr('rec.none')}</p> : null}
      {list?.map((r) => <RecordingCard key={r.id} caseId={caseId} auth={auth} r={r} reload={() => setTick((n) => n + 1)} />)}
    </section>
  );
}

function RecordingCard({ caseId, auth, r, reload }: { caseId: string; auth: Auth; r: RecordingView; reload: () => void }) {
  const video = useRef<HTMLVideoElement>(null);
  const [src, setSrc] = useState<string | null>(null);
  const [events, setEvents] = useState<TimelineEvent[]>([]);
  const [transcript, setTranscript] = useState<TranscriptView | null>(null);
  const composed = r.files.find((f) => f.kind === 'composed');
  const tState = r.transcripts[0];
  useEffect(() => {
    void recApi.timeline(auth, caseId, r.id).then((x) => setEvents(x.events), () => undefined);
  }, [r.id, r.status]);
  useEffect(() => {
    if (tState?.status === 'done') void recApi.transcript(auth, caseId, r.id).then(setTranscript, () => undefined);
  }, [r.id, tState?.status]);
  const seek = (ms: number) => {
    if (video.current) {
      video.current.currentTime = Math.max(0, ms / 1000);
      void video.current.play().catch(() => undefined);
    }
  };
  const download = async (fid: string) => {
    const url = await recApi.blobUrl(auth, caseId, r.id, fid, true);
    const a = document.createElement('a');
    a.href = url;
    a.download = `${r.id}-${fid}.webm`;
    a.click();
  };
  const names = new Map(r.tracks.map((t) => [t.participantId, t.name]));
  return (
    <article class="card rec-card" data-testid="recording" data-recording-id={r.id} data-status={r.status} data-partial={r.partial ? 'true' : 'false'}>
      <header class="rec-head">
        <strong>{r.startedAt ? formatDateTime(r.startedAt) : tr('rec.awaiting')}</strong>
        {r.durationMs !== null ? <span class="muted"> · {clock(r.durationMs)}</span> : null}
        {r.partial ? <span class="badge badge-warn" data-testid="recording-partial">{tr('rec.partial')}</span> : null}
      </header>
      <div class="rec-grid">
        <div>
          <h3 class="h4">{tr('rec.compose')}</h3>
          {composed ? (
            src ? (
              <video ref={video} src={src} controls class="rec-player" data-testid="recording-player" />
            ) : (
              <button type="button" class="btn btn-small" data-testid="recording-play" onClick={() => void recApi.blobUrl(auth, caseId, r.id, composed.id).then(setSrc)}>{tr('rec.play')}</button>
            )
          ) : r.compose.status === 'failed' ? (
            <p class="banner banner-error">{tr('rec.composeFailed')}: {r.compose.error}</p>
          ) : (
            <div data-testid="compose-progress" data-progress={r.compose.progress}>
              <progress max={100} value={r.compose.progress} /> {tr('rec.composeProgress', { n: r.compose.progress })}
            </div>
          )}
          {composed ? (
            <p class="small muted">
              {tr('rec.hash')} <code data-testid="composed-sha256">{composed.sha256}</code>{' '}
              <button type="button" class="btn btn-ghost btn-small" data-testid="composed-download" onClick={() => void download(composed.id)}>{tr('rec.download')}</button>
            </p>
          ) : null}
          <h3 class="h4">{tr('rec.timeline')}</h3>
          <ol class="rec-timeline" data-testid="recording-timeline">
            {events.map((ev, i) => (
              <li key={i} data-kind={ev.kind}>
                <button type="button" class="link-button" onClick={() => seek(ev.atMs)}>{clock(ev.atMs)}</button>{' '}
                {ev.kind === 'chat' ? chatLine(ev) : <><AuditAction code={ev.kind} /> {people(ev, names)}</>}
              </li>
            ))}
          </ol>
        </div>
        <div>
          <h3 class="h4">{tr('rec.transcript')}</h3>
          {tState && tState.status !== 'done' ? (
            tState.status === 'failed' ? <p class="banner banner-error" data-testid="transcript-error">{tState.error}</p> : (
              <div data-testid="transcript-progress"><progress max={100} value={tState.progress} /> {tr('rec.transcriptProgress', { n: tState.progress })}</div>
            )
          ) : null}
          {!tState ? <p class="muted">{tr('rec.transcriptNone')}</p> : null}
          {transcript ? (
            <>
              <ol class="rec-transcript" data-testid="transcript">
                {transcript.segments.map((s, i) => (
                  <li key={i} data-participant-id={s.participantId} data-language={s.language ?? ''} lang={s.language === 'cmn' ? 'zh-Hans' : s.language === 'yue' ? 'zh-Hant' : s.language ?? undefined}>
                    <button type="button" class="link-button" onClick={() => seek(s.startMs)}>{clock(s.startMs)}</button> <strong>{s.speaker}</strong>{s.language ? ` [${s.language}]` : ''}: {s.text}
                  </li>
                ))}
              </ol>
              {/* Tracks no engine could take (issue 17): the server's stored reason, e.g. "no model for yue". */}
              {transcript.tracks?.some((x) => x.status !== 'done') ? (
                <ul class="small muted" data-testid="transcript-missing">
                  {transcript.tracks.filter((x) => x.status !== 'done').map((x) => <li key={x.trackId} data-track-id={x.trackId} data-status={x.status}>{x.speaker} [{x.language}]: {x.error}</li>)}
                </ul>
              ) : null}
              <button type="button" class="btn btn-ghost btn-small" data-testid="transcript-vtt" onClick={() => void recApi.vtt(auth, caseId, r.id).then((u) => {
                const a = document.createElement('a');
                a.href = u;
                a.download = `${r.id}.vtt`;
                a.click();
              })}>{tr('rec.vtt')}</button>
            </>
          ) : null}
        </div>
      </div>
      {auth === 'staff' && r.caucusItems ? <CaucusReleases caseId={caseId} items={r.caucusItems} onChange={reload} /> : null}
      <details class="rec-details">
        <summary>{tr('rec.consents')} · {tr('rec.tracks')}</summary>
        <ul data-testid="recording-consents">
          {withWithdrawals(r.consents).map((c, i) => (
            <li key={i} data-participant-id={c.participantId} data-decision={c.withdrawn ? 'withdrawn' : c.decision} data-at={c.at}>
              {c.name}: {c.withdrawn ? tr('rec.withdrawnShort') : c.decision === 'accepted' ? tr('rec.accepted') : tr('rec.refusedShort')} {c.scope !== 'hearing' ? `(${tr('rec.private')})` : ''} · {formatTime(new Date(c.at))}
            </li>
          ))}
        </ul>
        <ul data-testid="recording-tracks">
          {r.tracks.map((t) => (
            <li key={t.id} data-private={t.private ? 'true' : 'false'}>
              {t.name} · {t.kind} ({t.codec}) {t.private ? <span class="badge">{tr('rec.private')}</span> : null} {t.status !== 'finished' ? <span class="badge badge-warn">{t.status}</span> : null}
              <ul>
                {r.files.filter((f) => f.trackId === t.id).map((f) => (
                  <li key={f.id} class="small">
                    #{f.seq} {clock(f.startMs)} +{(f.durationMs / 1000).toFixed(1)} s · <code title={f.sha256}>{f.sha256.slice(0, 16)}…</code>{' '}
                    <button type="button" class="btn btn-ghost btn-small" onClick={() => void download(f.id)}>{tr('rec.download')}</button>
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      </details>
      {auth === 'staff' ? <RecordEditor caseId={caseId} recordingId={r.id} hearingId={r.hearingId} transcript={transcript} events={events} currentMs={() => (video.current ? video.current.currentTime * 1000 : 0)} seek={seek} /> : null}
    </article>
  );
}

function chatLine(ev: TimelineEvent): string {
  return `${String(ev.data.from)}: ${String(ev.data.text)}`;
}

/** Who acted and, when another participant, on whom: "Wang → Li" (names as the recording knows them). */
function people(ev: TimelineEvent, names: Map<string, string>): string {
  const actor = ev.actor.startsWith('participant:') ? names.get(ev.actor.slice(12)) ?? '' : '';
  const id = ev.data.participantId;
  const target = typeof id === 'string' ? names.get(id) ?? id : '';
  return [actor, target === actor ? '' : target].filter(Boolean).join(' → ');
}

/** The clerk's editor: lines, each with an optional recording time; from the transcript; save or send for review. */
function RecordEditor(props: { caseId: string; recordingId: string; hearingId: string; transcript: TranscriptView | null; events: TimelineEvent[]; currentMs: () => number; seek: (ms: number) => void }) {
  const [rec, setRec] = useState<HearingRecordView | null>(null);
  const [lines, setLines] = useState<RecordLine[]>([]);
  const [msg, setMsg] = useState<unknown>(null);
  useEffect(() => {
    void recApi.record('staff', props.caseId, props.hearingId).then((x) => {
      setRec(x.record);
      setLines(x.record?.lines ?? []);
    }, () => undefined);
  }, [props.caseId, props.hearingId]);
  const save = async (submit: boolean) => {
    try {
      const r = await recApi.saveRecord(props.caseId, props.hearingId, lines, submit);
      setRec(r.record);
      setMsg(null);
    } catch (e) {
      setMsg(e);
    }
  };
  const locked = rec?.status === 'confirmed';
  return (
    <div class="rec-record" data-testid="hearing-record" data-status={rec?.status ?? 'none'}>
      <h3 class="h4">{tr('rec.record')} {rec ? <span class="badge" data-testid="record-status">{tr(`rec.status.${rec.status}` as 'rec.status.draft')}</span> : null}</h3>
      <p class="small muted">{tr('rec.recordHelp')}</p>
      {lines.map((l, i) => (
        <div class="rec-line" key={i}>
          {l.atMs !== undefined ? <button type="button" class="link-button" onClick={() => props.seek(l.atMs!)}>{clock(l.atMs)}</button> : null}
          <textarea rows={2} value={l.text} disabled={locked} data-testid={`record-line-${i}`} aria-label={`${tr('rec.record')} ${i + 1}`}
            onInput={(e) => setLines(lines.map((x, j) => (j === i ? { ...x, text: (e.currentTarget as HTMLTextAreaElement).value } : x)))} />
          <button type="button" class="btn btn-ghost btn-small" disabled={locked} onClick={() => setLines(lines.map((x, j) => (j === i ? { ...x, atMs: Math.round(props.currentMs()) } : x)))}>{tr('rec.insertTime')}</button>
        </div>
      ))}
      {!locked ? (
        <div class="rec-actions">
          <button type="button" class="btn btn-small" data-testid="record-add" onClick={() => setLines([...lines, { text: '' }])}>{tr('rec.addLine')}</button>
          {props.transcript ? (
            <button type="button" class="btn btn-small" data-testid="record-from-transcript"
              onClick={() => void recApi.recordDraft(props.caseId, props.recordingId).then((d) => setLines((cur) => [...cur, ...d.lines]), (e: Error) => setMsg(e.message))}>{tr('rec.fromTranscript')}</button>
          ) : null}
          <button type="button" class="btn btn-small" data-testid="record-save" onClick={() => void save(false)}>{tr('rec.save')}</button>
          <button type="button" class="btn btn-primary btn-small" data-testid="record-submit" onClick={() => void save(true)}>{tr('rec.submit')}</button>
        </div>
      ) : null}
      {msg ? <ErrorBanner error={msg} testId="record-error" /> : null}
      {rec ? <p class="small muted">{tr('rec.hash')} <code data-testid="record-sha256">{rec.sha256}</code> · v{rec.version}</p> : null}
      {rec && rec.signoffs.length > 0 ? (
        <ul data-testid="record-signoffs">{rec.signoffs.map((s, i) => <li key={i}>{s.name} ({isHearingRole(s.role) ? roleLabel(s.role) : s.role}): {s.decision === 'confirmed' || s.decision === 'objected' ? tr(`rec.decision.${s.decision}`) : s.decision} · v{s.version} · {formatDateTime(s.at)}</li>)}</ul>
      ) : null}
    </div>
  );
}

/** A refusal after the same person agreed in the same scope is a withdrawal. */
function withWithdrawals(list: RecordingView['consents']): (RecordingView['consents'][number] & { withdrawn: boolean })[] {
  const agreed = new Set<string>();
  return list.map((c) => {
    const key = `${c.participantId}|${c.scope}`;
    const withdrawn = c.decision === 'refused' && agreed.has(key);
    if (c.decision === 'accepted') agreed.add(key);
    else agreed.delete(key);
    return { ...c, withdrawn };
  });
}
