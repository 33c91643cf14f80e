import { useEffect, useRef } from 'preact/hooks';
import { tr } from '../i18n/recordings/index.js';

const FOCUSABLE = 'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * The recording-consent question, asked in the room when recording starts and on entering a recorded hearing (or a
 * caucus the mediator asked to record). A modal dialog: labelled, focus kept inside while it is open, both answers
 * reachable by keyboard, neither pre-selected (the dialog itself takes the focus, not a button), and Escape does not
 * answer for the person. Nothing of theirs is recorded until they agree.
 */
export function ConsentDialog({ scope, busy, onAnswer }: { scope: string; busy: boolean; onAnswer: (accept: boolean) => void }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    box.current?.focus();
    // Focus that leaves the dialog (a click behind it, a screen reader's jump) comes back to it.
    const keep = (e: FocusEvent) => {
      if (box.current && e.target instanceof Node && !box.current.contains(e.target)) box.current.focus();
    };
    document.addEventListener('focusin', keep);
    return () => {
      document.removeEventListener('focusin', keep);
      before?.focus();
    };
  }, []);
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      return;
    }
    if (e.key !== 'Tab' || !box.current) return;
    const items = [...box.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
    if (items.length === 0) return;
    const first = items[0]!;
    const last = items[items.length - 1]!;
    const at = document.activeElement;
    if (e.shiftKey && (at === first || at === box.current)) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && at === last) {
      e.preventDefault();
      first.focus();
    }
  };
  const caucus = scope !== 'hearing';
  return (
    <div class="modal-backdrop">
      <div ref={box} class="modal rec-consent-dialog" role="dialog" aria-modal="true" aria-labelledby="rec-consent-title"
        aria-describedby="rec-consent-body" tabIndex={-1} onKeyDown={onKeyDown} data-testid="recording-consent" data-scope={scope}>
        <h2 class="h3" id="rec-consent-title"><span class="rec-dot" aria-hidden="true" /> {caucus ? tr('rec.dialogTitleCaucus') : tr('rec.dialogTitle')}</h2>
        <p id="rec-consent-body">{caucus ? tr('rec.promptCaucus') : tr('rec.prompt')}</p>
        <p class="muted small">{tr('rec.changeLater')}</p>
        <div class="button-row">
          <button type="button" class="btn" data-testid="recording-consent-accept" disabled={busy} onClick={() => onAnswer(true)}>{tr('rec.accept')}</button>
          <button type="button" class="btn" data-testid="recording-consent-refuse" disabled={busy} onClick={() => onAnswer(false)}>{tr('rec.refuse')}</button>
        </div>
      </div>
    </div>
  );
}

/** On a tile or a person's row: this person is absent from the recording (refused, or not answered yet). */
export function NotRecordedBadge({ testId }: { testId: string }) {
  return (
    <span class="badge badge-warn rec-absent" data-testid={testId} title={tr('rec.notRecordedHelp')}>{tr('rec.notRecordedBadge')}</span>
  );
}
