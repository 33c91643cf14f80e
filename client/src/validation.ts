import { t } from './i18n/index.js';

/** Field path ("parties.0.idNumber") -> translated message. */
export type FieldErrors = Record<string, string>;

/** The parts of a zod issue we read (structural, so zod's internal types do not leak into views). */
interface IssueLike {
  code: string;
  path: readonly PropertyKey[];
  message: string;
  minimum?: unknown;
  maximum?: unknown;
  origin?: string;
  format?: string;
}

export function pathKey(path: readonly PropertyKey[]): string {
  return path.map((p) => String(p)).join('.');
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = data;
  for (const p of path) v = v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[p] : undefined;
  return v;
}

function issueMessage(i: IssueLike, data: unknown): string {
  const key = pathKey(i.path);
  const value = valueAt(data, i.path);
  if (data !== undefined && (value === '' || value === undefined) && i.code !== 'custom') return t('validation.required');
  const last = String(i.path[i.path.length - 1] ?? '');
  if (key === 'parties' && i.code === 'custom') return t('validation.bothSides');
  if (key === 'disputeTypes' && i.code === 'custom') return t('validation.repeated');
  if (key === 'languages' && i.code === 'custom') return t('validation.languagesRepeat');
  if (key === 'parties' && (i.code === 'too_small' || i.code === 'custom')) return t('validation.bothSides');
  if (i.code === 'invalid_format') {
    if (last === 'amount') return t('validation.amount');
    if (last === 'idNumber') return t('validation.idNumber');
    if (last === 'phone') return t('validation.phone');
    if (last === 'startsAt' || i.format === 'datetime') return t('validation.datetime');
    return t('validation.format');
  }
  if (i.code === 'too_small') {
    const min = Number(i.minimum);
    if (i.origin === 'array' || i.origin === 'set') return key === 'participants' ? t('validation.participants') : t('validation.pickAtLeast', { min });
    if (i.origin === 'string') return min <= 1 ? t('validation.required') : t('validation.tooShort', { min });
    if (i.origin === 'number' || i.origin === 'int') return t('validation.range', { min, max: '…' });
  }
  if (i.code === 'too_big') {
    const max = Number(i.maximum);
    if (i.origin === 'string') return t('validation.tooLong', { max });
    if (i.origin === 'array') return t('validation.tooMany', { max });
    return t('validation.range', { min: '…', max });
  }
  if (i.code === 'invalid_type' && i.message.includes('undefined')) return t('validation.required');
  return t('validation.invalid');
}

/**
 * The first message per field; a form shows one message under each field.
 * With the parsed input at hand, an empty value reads "required" rather than "at least 4 characters".
 */
export function zodFieldErrors(issues: readonly IssueLike[], data?: unknown): FieldErrors {
  const out: FieldErrors = {};
  for (const i of issues) {
    const k = pathKey(i.path);
    if (!(k in out)) out[k] = issueMessage(i, data);
  }
  return out;
}

export interface DetailLine {
  field: string;
  message: string;
}

/**
 * Server VALIDATION_FAILED details, in whichever of the common shapes they come:
 * an array of issues ({path, message}), {issues: [...]}, zod's flatten() ({formErrors, fieldErrors}) or a plain map.
 */
export function detailLines(details: unknown): DetailLine[] {
  if (!details || typeof details !== 'object') return [];
  const fromIssue = (v: unknown): DetailLine | null => {
    if (!v || typeof v !== 'object') return null;
    const o = v as { path?: unknown; field?: unknown; message?: unknown };
    const field = Array.isArray(o.path) ? pathKey(o.path as PropertyKey[]) : typeof o.path === 'string' ? o.path : typeof o.field === 'string' ? o.field : '';
    return typeof o.message === 'string' ? { field, message: o.message } : null;
  };
  if (Array.isArray(details)) return details.map(fromIssue).filter((x): x is DetailLine => x !== null);
  const d = details as Record<string, unknown>;
  if (Array.isArray(d.issues)) return detailLines(d.issues);
  const lines: DetailLine[] = [];
  if (Array.isArray(d.formErrors)) for (const m of d.formErrors) if (typeof m === 'string') lines.push({ field: '', message: m });
  const map = d.fieldErrors && typeof d.fieldErrors === 'object' ? (d.fieldErrors as Record<string, unknown>) : d.formErrors ? {} : d;
  for (const [field, v] of Object.entries(map)) {
    if (typeof v === 'string') lines.push({ field, message: v });
    else if (Array.isArray(v)) for (const m of v) if (typeof m === 'string') lines.push({ field, message: m });
  }
  return lines;
}

/**
 * The server's VALIDATION_FAILED issues ({issues: [{path, message, code}]}, server/http/validate.ts) as zod-like issues,
 * so zodFieldErrors words them in the interface language like the form's own checks. Empty when the details have
 * another shape (use detailLines then).
 */
export function serverIssues(details: unknown): IssueLike[] {
  const list = details && typeof details === 'object' ? (details as { issues?: unknown }).issues : undefined;
  if (!Array.isArray(list)) return [];
  const out: IssueLike[] = [];
  for (const v of list) {
    if (!v || typeof v !== 'object') continue;
    const o = v as { path?: unknown; message?: unknown; code?: unknown };
    if (Array.isArray(o.path) && typeof o.message === 'string' && typeof o.code === 'string') {
      out.push({ code: o.code, message: o.message, path: o.path.map((p) => String(p)) });
    }
  }
  return out;
}
