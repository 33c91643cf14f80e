import { useEffect, useState } from 'preact/hooks';
import type { ParticipantSession } from '../../../signaling/protocol/api.js';
import type { HearingStatus } from '../../../signaling/protocol/domain.js';
import { ApiError, api } from '../api.js';
import { ErrorBanner } from '../components/ErrorBanner.js';
import { HearingStatusBadge } from '../components/StatusBadge.js';
import { formatDateTime, formatTime } from '../format.js';
import { t, type MessageKey } from '../i18n/index.js';
import { roleLabel, siteLabel } from '../labels.js';
import { navigate } from '../router.js';
import { DownloadMyData } from '../privacy/DownloadMyData.js';
import { WaitingAgreement } from './WaitingAgreement.js';
import { clearParticipantSession, getParticipantSession, updateParticipantSession } from '../session.js';
import { RecordReview } from '../recordings/RecordReview.js';

const POLL_MS = 30_000;
const statusMessage: Record<HearingStatus, MessageKey> = {
  scheduled: 'waiting.opens',
  in_progress: 'waiting.inProgress',
  closed: 'waiting.closed',
  cancelled: 'waiting.cancelled',
};

/** After the identity check: who, which case, when; polls the hearing status until the live room exists. */
export function WaitingView() {
  const [session, setSession] = useState<ParticipantSession | null>(() => getParticipantSession());
  const [ended, setEnded] = useState<MessageKey | null>(session ? null : 'waiting.noSession');
  const [error, setError] = useState<unknown>(null);
  const [checkedAt, setCheckedAt] = useState<Date | null>(null);

  useEffect(() => {
    if (!session) return;
    let live = true;
    const check = () =>
      api.participantMe().then(
        (r) => {
          if (!live) return;
          updateParticipantSession({ participant: r.participant, caseNumber: r.caseNumber, hearing: { ...session.hearing, ...r.hearing } });
          setSession(getParticipantSession());
          setCheckedAt(new Date());
          setError(null);
        },
        (e) => {
          if (!live) return;
          if (e instanceof ApiError && e.status === 401) {
            clearParticipantSession();
            setEnded('waiting.ended');
          } else setError(e);
        },
      );
    void check();
    const id = setInterval(() => { if (document.visibilityState !== 'hidden') void check(); }, POLL_MS);
    const onVisible = () => { if (document.visibilityState === 'visible') void check(); };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      live = false;
      clearInterval(id);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [session?.token]);

  if (ended || !session) {
    return (
      <section class="card narrow" data-testid="waiting-room" data-state="no-session">
        <h1>{t('waiting.title')}</h1>
        <div class="banner banner-info" role="status" data-testid="waiting-no-session">
          <div class="banner-body">{t(ended ?? 'waiting.noSession')}</div>
        </div>
      </section>
    );
  }

  const h = session.hearing;
  return (
    <section class="card narrow waiting" data-testid="waiting-room" data-hearing-status={h.status}>
      <h1>{t('waiting.title')}</h1>
      <div class={`waiting-status waiting-${h.status}`} role="status" aria-live="polite" data-testid="waiting-message">
        {h.status === 'scheduled' ? <span class="pulse" aria-hidden="true" /> : null}
        <span>{t(statusMessage[h.status])}</span>
      </div>
      <WaitingAgreement refresh={checkedAt} />
      <dl class="facts">
        <dt>{t('join.case')}</dt>
        <dd data-testid="waiting-case-number">{session.caseNumber}</dd>
        <dt>{t('join.role')}</dt>
        <dd data-testid="waiting-role">{roleLabel(session.participant.role)}</dd>
        <dt>{t('join.name')}</dt>
        <dd data-testid="waiting-display-name">{session.participant.displayName}</dd>
        <dt>{t('join.hearingAt')}</dt>
        <dd data-testid="waiting-hearing-time">{formatDateTime(h.startsAt)}</dd>
        <dt>{t('waiting.duration')}</dt>
        <dd>{t('hearing.minutes', { n: h.durationMinutes })}</dd>
        <dt>{t('join.site')}</dt>
        <dd>{siteLabel(h.site)}</dd>
        <dt>{t('waiting.hearingStatus')}</dt>
        <dd><HearingStatusBadge status={h.status} /></dd>
      </dl>
      {h.status === 'scheduled' || h.status === 'in_progress' ? (
        <button type="button" class="btn btn-primary btn-block" data-testid="enter-hearing" onClick={() => navigate('/room')}>
          {t('waiting.enter')}
        </button>
      ) : null}
      <p class="hint">{t('waiting.tips')}</p>
      <RecordReview />
      <DownloadMyData />
      <ErrorBanner error={error} />
      <div class="waiting-foot">
        <span class="muted small" data-testid="waiting-checked">{checkedAt ? t('waiting.checked', { time: formatTime(checkedAt) }) : ''}</span>
        <button type="button" class="btn btn-ghost btn-small" data-testid="waiting-leave"
          onClick={() => { clearParticipantSession(); setSession(null); setEnded('waiting.noSession'); }}>
          {t('waiting.leave')}
        </button>
      </div>
    </section>
  );
}
