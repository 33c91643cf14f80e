import type { DisputeType } from '../../../signaling/protocol/domain.js';
import type { PaymentMethod } from '../../../signaling/protocol/pad.js';
import type { FieldKey } from '../fields.js';

/**
 * One language of the labour mediation agreement template. `{{key}}` marks a typed field (server/pad/fields.ts); the
 * text is kept with the placeholders while drafting and the values are substituted into the canonical text at lock.
 * Parts in order: parties, facts of the dispute, agreed terms (amount, currency, payment date and method, clauses by
 * dispute type, what is settled), performance and breach, effect.
 */
export interface TemplateText {
  title: string;
  untitledBlank: string;
  parts: { parties: string; facts: string; terms: string; performance: string; effect: string };
  caseLine: string;
  organisationLine: string;
  applicantLine: string;
  respondentLine: string;
  representativeLine: string;
  factsIntro: string;
  factsPlaceholder: string;
  payment: string;
  paymentMethodLine: string;
  bankAccountLine: string;
  clauses: Record<DisputeType, { title: string; text: string }>;
  settled: string;
  performance: string[];
  effect: string[];
  dateLine: string;
  /** "1. " or "一、": numbering of the agreed terms. */
  number: (n: number) => string;
  fieldLabels: Record<FieldKey, string>;
  paymentMethods: Record<PaymentMethod, string>;
  currencies: Record<'CNY' | 'HKD' | 'MOP', string>;
  formatDate: (iso: string) => string;
  formatAmount: (decimal: string) => string;
}

/** Groups digits by three with `sep` and uses `dec` as the decimal mark; always two decimals (money). */
export function groupAmount(decimal: string, sep: string, dec: string): string {
  const [int = '0', frac = ''] = decimal.split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
  return `${grouped}${dec}${(frac + '00').slice(0, 2)}`;
}

export function dateParts(iso: string): { y: number; m: number; d: number } {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return { y, m, d };
}
