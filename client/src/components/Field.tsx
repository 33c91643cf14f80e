import type { ComponentChildren } from 'preact';

interface Props {
  label: ComponentChildren;
  /** id of the control, so the label and the error message are tied to it. */
  id: string;
  error?: string | undefined;
  hint?: ComponentChildren;
  children: ComponentChildren;
  class?: string;
}

/** Label + control + hint + error. The control itself sets aria-describedby via describedBy(id). */
export function Field({ label, id, error, hint, children, class: cls }: Props) {
  return (
    <div class={`field${error ? ' field-invalid' : ''}${cls ? ` ${cls}` : ''}`}>
      <label for={id}>{label}</label>
      {children}
      {hint ? <div class="hint" id={`${id}-hint`}>{hint}</div> : null}
      {error ? (
        <div class="field-error" id={`${id}-error`} data-testid="field-error" data-field={id}>
          {error}
        </div>
      ) : null}
    </div>
  );
}

export function describedBy(id: string, error?: string): string | undefined {
  return error ? `${id}-error` : undefined;
}

/** Value of an input/select/textarea event target. */
export function val(e: Event): string {
  return (e.currentTarget as HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement).value;
}
