import { createHash } from 'node:crypto';
import type { AgreementLanguage, PaymentMethod } from '../../signaling/protocol/pad.js';
import { ValidationError } from '../lib/errors.js';
import { fieldDef } from './fields.js';
import { TEMPLATES } from './templates/index.js';

/**
 * The canonical content of an agreement (the Pad contract): UTF-8, Unicode NFC, LF line endings, no trailing spaces on
 * lines, no control characters but LF and TAB, at most one blank line between paragraphs, exactly one final LF.
 */
export function canonicalize(raw: string): string {
  let s = raw.normalize('NFC').replace(/\r\n?/g, '\n');
  // eslint-disable-next-line no-control-regex
  s = s.replace(/[\u0000-\u0008\u000B-\u001F\u007F]/g, '');
  s = s
    .split('\n')
    .map((l) => l.replace(/\s+$/u, ''))
    .join('\n');
  s = s.replace(/\n{3,}/g, '\n\n').replace(/^\n+/, '').replace(/\n*$/, '');
  return `${s}\n`;
}

export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

export const PLACEHOLDER = /\{\{([A-Za-z][A-Za-z0-9]{0,39})\}\}/g;

/** The keys referenced in a text, in order of first use. */
export function placeholders(text: string): string[] {
  const seen = new Set<string>();
  for (const m of text.matchAll(PLACEHOLDER)) seen.add(m[1]!);
  return [...seen];
}

/** How a typed value reads in the agreement's language. */
export function formatField(key: string, value: string, language: AgreementLanguage): string {
  const t = TEMPLATES[language];
  const def = fieldDef(key);
  switch (def?.type) {
    case 'amount':
      return t.formatAmount(value);
    case 'date':
      return t.formatDate(value);
    case 'currency':
      return t.currencies[value as 'CNY'] ?? value;
    case 'payment_method':
      return t.paymentMethods[value as PaymentMethod] ?? value;
    default:
      return value.replace(/\s+/g, ' ').trim();
  }
}

/**
 * Substitutes the fields into the text. Every placeholder must name a known field with a value; otherwise nothing is
 * rendered and the problems are listed (what the lock refuses with).
 */
export function renderText(body: string, fields: Record<string, string>, language: AgreementLanguage): string {
  const problems: { path: string[]; message: string }[] = [];
  for (const key of placeholders(body)) {
    if (!fieldDef(key)) problems.push({ path: ['fields', key], message: 'unknown field in the text' });
    else if (!fields[key]) problems.push({ path: ['fields', key], message: 'field used in the text has no value' });
  }
  if (problems.length > 0) throw new ValidationError('fill in every field used in the text before locking', { issues: problems });
  return canonicalize(body.replace(PLACEHOLDER, (_m, key: string) => formatField(key, fields[key]!, language)));
}

/** For previews and version diffs: like renderText, but a missing value stays visible as its placeholder. */
export function previewText(body: string, fields: Record<string, string>, language: AgreementLanguage): string {
  return canonicalize(body.replace(PLACEHOLDER, (m, key: string) => (fields[key] && fieldDef(key) ? formatField(key, fields[key], language) : m)));
}
