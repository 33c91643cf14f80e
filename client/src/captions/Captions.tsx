import { useEffect, useMemo, useState } from 'preact/hooks';
import { tc, type CapKey } from '../i18n/captions/index.js';
import type { CaptionSpeakerStatus } from '../../../signaling/protocol/captions.js';
import { useLang } from '../i18n/index.js';
import { Icon } from '../room/icons.js';
import type { HearingClient } from '../room/hearingClient.js';
import { CaptionsModel, type CaptionsView } from './model.js';
import './captions.css';

const STATUS_TEXT: Record<Exclude<CaptionSpeakerStatus, 'live' | 'muted'>, CapKey> = {
  starting: 'cap.status.starting', limit: 'cap.status.limit', no_model: 'cap.status.no_model', failed: 'cap.status.failed',
};

/** One captions model per hearing connection, disposed with it. */
export function useCaptions(client: HearingClient | null): { model: CaptionsModel | null; view: CaptionsView | null } {
  const model = useMemo(() => (client ? new CaptionsModel(client) : null), [client]);
  useEffect(() => () => model?.dispose(), [model]);
  const [view, setView] = useState<CaptionsView | null>(model?.state ?? null);
  useEffect(() => {
    setView(model?.state ?? null);
    return model?.events.on('state', setView);
  }, [model]);
  return { model, view };
}

/**
 * The caption area over the bottom of the stage: each line names its speaker; the newest at the bottom. A polite
 * live region, so a screen reader reads finished lines without interrupting. Speakers without captions (the
 * server's cap, no recogniser for their language) are named with the reason.
 */
export function CaptionsArea({ view, names }: { view: CaptionsView | null; names: ReadonlyMap<string, string> }) {
  useLang();
  if (!view || (!view.on && !view.error)) return null;
  if (view.error) {
    return (
      <div class="captions captions-error" data-testid="captions-error" data-error={view.error} role="status">
        {view.error === 'unavailable' ? tc('cap.unavailable') : tc('cap.failedToggle')}
      </div>
    );
  }
  // A muted speaker's tile already says so; the area names only those who speak without captions.
  const notes = (view.server?.speakers ?? []).flatMap((s) => (s.status === 'live' || s.status === 'muted' ? [] : [{ ...s, status: s.status }]));
  return (
    <div class="captions" data-testid="captions" role="region" aria-label={tc('cap.region')}>
      <div class="captions-lines" aria-live="polite" aria-atomic="false">
        {view.lines.length === 0 ? <p class="caption-hint" data-testid="captions-waiting">{tc('cap.waiting')}</p> : null}
        {view.lines.map((l) => (
          <p key={l.utteranceId} class={`caption-line ${l.final ? '' : 'caption-partial'}`} data-testid="caption-line"
            data-speaker={l.speakerId} data-final={l.final ? 'true' : 'false'}>
            <span class="caption-name">{l.speakerName}</span>
            <span class="caption-text">{l.text}</span>
          </p>
        ))}
      </div>
      {notes.length > 0 ? (
        <ul class="captions-notes">
          {notes.map((s) => (
            <li key={s.participantId} data-testid="captions-status" data-speaker={s.participantId} data-status={s.status}>
              {tc(STATUS_TEXT[s.status], { name: names.get(s.participantId) ?? '' })}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/**
 * The captions toggle in the room's header, beside the view switch: on every screen size without opening a menu (a
 * phone's controls bar keeps only microphone, camera, "more" and Leave). A real button: Enter and Space toggle it,
 * `aria-pressed` says its state, the label says what it does (the visible text is hidden on narrow screens only).
 */
export function CaptionsToggle({ model, view }: { model: CaptionsModel | null; view: CaptionsView | null }) {
  useLang();
  if (!model || !view) return null;
  const label = view.on ? tc('cap.toggleOff') : tc('cap.toggleOn');
  return (
    <button type="button" class={`btn btn-ghost btn-small ${view.on ? 'on' : ''}`} data-testid="ctl-captions" aria-pressed={view.on}
      aria-label={label} title={label} disabled={view.busy} onClick={() => void model.toggle(!view.on)}>
      <Icon name="captions" size={18} />
      <span class="hide-narrow">{tc('cap.toggle')}</span>
    </button>
  );
}
