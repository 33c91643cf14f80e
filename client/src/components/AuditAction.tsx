import { auditActionLabel } from '../i18n/audit/index.js';

/**
 * An audit action in words, its code kept as the tooltip and, with `showCode`, as a small technical detail after
 * the words (the code is what the hash chain and exports hold). An unknown code is shown as code only.
 */
export function AuditAction({ code, showCode = false }: { code: string; showCode?: boolean }) {
  const words = auditActionLabel(code);
  if (words === code) return <code class="audit-code" data-action={code}>{code}</code>;
  return (
    <span class="audit-action" title={code} data-action={code}>
      {words}
      {showCode ? <> <code class="audit-code small muted">{code}</code></> : null}
    </span>
  );
}
