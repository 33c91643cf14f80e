import type { ComponentChildren } from 'preact';
import { ApiError, type ClientErrorCode } from '../api.js';
import { t, type MessageKey } from '../i18n/index.js';
import { detailLines } from '../validation.js';

interface Props {
  error: unknown;
  /** Per-view wording for some codes, e.g. login: UNAUTHENTICATED -> "wrong username or password". */
  overrides?: Partial<Record<ClientErrorCode, MessageKey>>;
  onDismiss?: () => void;
  testId?: string;
}

/** Codes whose server message says more than our translation (which state, which limit, which field). */
const INFORMATIVE: ReadonlySet<ClientErrorCode> = new Set([
  'VALIDATION_FAILED', 'INVALID_STATE', 'CONFLICT', 'PERMISSION_DENIED', 'RATE_LIMITED', 'PAYLOAD_TOO_LARGE', 'BAD_RESPONSE', 'NOT_FOUND',
]);

/**
 * "Details: <the server's message>": the frame translated, the message itself as the server wrote it, in English, so
 * marked lang="en" (a screen reader reads it in English; test/e2e/languages.test.ts knows it is meant to be English).
 */
export function serverSays(message: string, frame: (placeholder: string) => string = (m) => t('error.serverSays', { message: m })) {
  const [before = '', after = ''] = frame('\u0000').split('\u0000');
  return (
    <>
      {before}
      <span lang="en">{message}</span>
      {after}
    </>
  );
}

/** The one error banner: a translated headline, the server's own message, and field details for validation errors. */
export function ErrorBanner({ error, overrides, onDismiss, testId = 'error' }: Props) {
  if (!error) return null;
  let headline: string;
  let serverMessage: string | null = null;
  let lines: { field: string; message: string }[] = [];
  let retryAfter: number | undefined;
  if (error instanceof ApiError) {
    const key = overrides?.[error.code] ?? (`error.${error.code}` as const);
    headline = t(key);
    if (error.message && !overrides?.[error.code] && INFORMATIVE.has(error.code)) serverMessage = error.message;
    if (error.code === 'VALIDATION_FAILED') lines = detailLines(error.details);
    retryAfter = error.retryAfter;
  } else if (typeof error === 'string') {
    headline = error;
  } else {
    headline = t('error.INTERNAL');
    serverMessage = error instanceof Error ? error.message : null;
  }
  return (
    <div class="banner banner-error" role="alert" data-testid={testId} data-code={error instanceof ApiError ? error.code : undefined}>
      <div class="banner-body">
        <strong>{headline}</strong>
        {retryAfter ? <span> {t('error.retryAfter', { n: retryAfter })}</span> : null}
        {serverMessage && serverMessage !== headline ? <div class="banner-detail">{serverSays(serverMessage)}</div> : null}
        {lines.length > 0 ? (
          <ul class="banner-list">
            {lines.map((l, i) => (
              <li key={i}>
                {l.field ? <code>{l.field}</code> : null} <span lang="en">{l.message}</span>
              </li>
            ))}
          </ul>
        ) : null}
      </div>
      {onDismiss ? (
        <button type="button" class="banner-close" aria-label={t('common.dismiss')} onClick={onDismiss}>
          ×
        </button>
      ) : null}
    </div>
  );
}

export function Notice({ children, testId }: { children: ComponentChildren; testId?: string }) {
  return (
    <div class="banner banner-ok" role="status" data-testid={testId}>
      <div class="banner-body">{children}</div>
    </div>
  );
}
