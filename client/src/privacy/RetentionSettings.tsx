import { useEffect, useState } from 'preact/hooks';
import type { RetentionScheduleBody, RetentionScheduleView } from '../../../signaling/protocol/privacy.js';
import { RetentionScheduleBody as Schema } from '../../../signaling/protocol/privacy.js';
import { api } from '../api.js';
import { ErrorBanner } from '../components/ErrorBanner.js';
import { tp, type PrivacyKey } from '../i18n/privacy/index.js';
import type { StaffSession } from '../session.js';

const FIELDS: { key: keyof RetentionScheduleBody; label: PrivacyKey }[] = [
  { key: 'recordingsDays', label: 'privacy.retention.recordings' },
  { key: 'transcriptsDays', label: 'privacy.retention.transcripts' },
  { key: 'chatDays', label: 'privacy.retention.chat' },
  { key: 'identityDays', label: 'privacy.retention.identity' },
];
const MIN = 30;
const MAX = 3650;

/** The organisation's retention schedule, for its org_admin (staff console, /settings/retention). */
export function RetentionSettingsView({ session }: { session: StaffSession }) {
  const orgId = session.staff.orgId;
  const [view, setView] = useState<RetentionScheduleView | null>(null);
  const [form, setForm] = useState<Record<keyof RetentionScheduleBody, string>>({ recordingsDays: '', transcriptsDays: '', chatDays: '', identityDays: '' });
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const fill = (v: RetentionScheduleView) => {
    setView(v);
    setForm({ recordingsDays: String(v.recordingsDays), transcriptsDays: String(v.transcriptsDays), chatDays: String(v.chatDays), identityDays: String(v.identityDays) });
  };
  useEffect(() => {
    api.getRetention(orgId).then(fill, setError);
  }, [orgId]);
  const submit = async (e: Event) => {
    e.preventDefault();
    setSaved(false);
    setError(null);
    const body = Schema.safeParse(Object.fromEntries(FIELDS.map((f) => [f.key, Number(form[f.key])])));
    if (!body.success) {
      setError(new Error(tp('privacy.retention.range', { min: MIN, max: MAX })));
      return;
    }
    setBusy(true);
    try {
      fill(await api.setRetention(orgId, body.data));
      setSaved(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card narrow" data-testid="retention-settings" data-default={view ? String(view.isDefault) : undefined}>
      <h1>{tp('privacy.retention.title')}</h1>
      <p class="hint">{tp('privacy.retention.help')}</p>
      {view?.isDefault ? <p class="muted small" data-testid="retention-default">{tp('privacy.retention.default')}</p> : null}
      <form onSubmit={(e) => void submit(e)} data-testid="retention-form">
        {FIELDS.map((f) => (
          <label class="field" key={f.key}>
            <span class="field-label">{f.label ? tp(f.label) : ''}</span>
            <input type="number" min={MIN} max={MAX} step={1} required data-testid={`retention-${f.key}`} value={form[f.key]}
              onInput={(e) => setForm({ ...form, [f.key]: (e.currentTarget as HTMLInputElement).value })} />
          </label>
        ))}
        <p class="muted small">{tp('privacy.retention.range', { min: MIN, max: MAX })}</p>
        <button type="submit" class="btn btn-primary" disabled={busy || !view} data-testid="retention-save">{tp('privacy.retention.save')}</button>
        {saved ? <span class="muted small" role="status" data-testid="retention-saved"> {tp('privacy.retention.saved')}</span> : null}
      </form>
      <ErrorBanner error={error} testId="retention-error" />
    </section>
  );
}
