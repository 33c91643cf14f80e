import { fieldValueSchema, type FieldDef, type FieldType } from '../../signaling/protocol/pad.js';
import { ValidationError } from '../lib/errors.js';

/**
 * The typed fields of an agreement. The text carries `{{key}}` placeholders; the values live next to the document
 * (set through the API, each validated against its type) and are substituted into the canonical text at lock.
 * `required`: shown first in the editor's form. Any field whose placeholder is in the text must be filled to lock.
 */
export const FIELD_DEFS = [
  { key: 'caseNumber', type: 'text', required: true },
  { key: 'organisation', type: 'text', required: true },
  { key: 'applicantName', type: 'text', required: true },
  { key: 'respondentName', type: 'text', required: true },
  { key: 'respondentRepresentative', type: 'text', required: false },
  { key: 'amount', type: 'amount', required: true },
  { key: 'currency', type: 'currency', required: true },
  { key: 'paymentDate', type: 'date', required: true },
  { key: 'paymentMethod', type: 'payment_method', required: true },
  { key: 'bankAccount', type: 'text', required: false },
  { key: 'agreementDate', type: 'date', required: true },
  { key: 'employmentStart', type: 'date', required: false },
  { key: 'wagePeriod', type: 'text', required: false },
  { key: 'terminationDate', type: 'date', required: false },
  { key: 'socialInsurancePeriod', type: 'text', required: false },
] as const satisfies readonly FieldDef[];
export type FieldKey = (typeof FIELD_DEFS)[number]['key'];

const BY_KEY = new Map<string, FieldDef>(FIELD_DEFS.map((f) => [f.key, f]));

export function fieldDef(key: string): FieldDef | undefined {
  return BY_KEY.get(key);
}

/** Validates each value against its field's type; unknown keys and bad values are refused together, with their paths. */
export function validateFields(input: Record<string, string | null>): Record<string, string | null> {
  const issues: { path: string[]; message: string }[] = [];
  const out: Record<string, string | null> = {};
  for (const [key, raw] of Object.entries(input)) {
    const def = BY_KEY.get(key);
    if (!def) {
      issues.push({ path: ['fields', key], message: 'unknown field' });
      continue;
    }
    if (raw === null || raw.trim() === '') {
      out[key] = null;
      continue;
    }
    const r = fieldValueSchema(def.type as FieldType).safeParse(raw.trim());
    if (!r.success) issues.push({ path: ['fields', key], message: r.error.issues[0]?.message ?? 'invalid value' });
    else if (def.type === 'date' && !realDate(r.data)) issues.push({ path: ['fields', key], message: 'not a calendar date' });
    else out[key] = r.data;
  }
  if (issues.length > 0) throw new ValidationError('some field values are invalid', { issues });
  return out;
}

/** 2026-02-30 passes the ISO pattern; a real date must round-trip. */
function realDate(iso: string): boolean {
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso;
}
