import type { DisputeType } from '../../../signaling/protocol/domain.js';
import { PAYMENT_METHODS, type AgreementLanguage, type TemplateView } from '../../../signaling/protocol/pad.js';
import { FIELD_DEFS } from '../fields.js';
import { en } from './en.js';
import { pt } from './pt.js';
import type { TemplateText } from './types.js';
import { zhHans } from './zh-Hans.js';
import { zhHant } from './zh-Hant.js';

export const TEMPLATES: Record<AgreementLanguage, TemplateText> = { 'zh-Hans': zhHans, 'zh-Hant': zhHant, en, pt };

export interface TemplateInput {
  language: AgreementLanguage;
  clauses: readonly DisputeType[];
  /** Facts of the dispute (the case summary), written in as text. */
  facts: string;
  hasRepresentative: boolean;
}

/**
 * The labour mediation agreement with its standard parts, as pad text: "# " title, "## " parts, blank lines between
 * paragraphs, `{{key}}` for typed fields. Agreed terms are numbered: payment, method, one clause per dispute type,
 * the settlement of claims.
 */
export function labourTemplate(input: TemplateInput): string {
  const t = TEMPLATES[input.language];
  const terms = [t.payment, t.paymentMethodLine, ...input.clauses.map((c) => t.clauses[c].text), t.settled];
  const lines = [
    `# ${t.title}`,
    '',
    t.caseLine,
    '',
    t.organisationLine,
    '',
    `## ${t.parts.parties}`,
    '',
    t.applicantLine,
    '',
    t.respondentLine,
    ...(input.hasRepresentative ? ['', t.representativeLine] : []),
    '',
    `## ${t.parts.facts}`,
    '',
    t.factsIntro,
    '',
    input.facts.trim() || t.factsPlaceholder,
    '',
    `## ${t.parts.terms}`,
    '',
    ...terms.flatMap((x, i) => [`${t.number(i + 1)}${x}`, '']),
    `## ${t.parts.performance}`,
    '',
    ...t.performance.flatMap((x) => [x, '']),
    `## ${t.parts.effect}`,
    '',
    ...t.effect.flatMap((x) => [x, '']),
    t.dateLine,
    '',
  ];
  return lines.join('\n');
}

export function blankTemplate(language: AgreementLanguage): string {
  return `# ${TEMPLATES[language].untitledBlank}\n\n`;
}

/** What the editor shows: field labels, clause snippets to insert, part headings, payment method names. */
export function templateView(language: AgreementLanguage): TemplateView {
  const t = TEMPLATES[language];
  return {
    language,
    title: t.title,
    fields: FIELD_DEFS.map((f) => ({ key: f.key, type: f.type, required: f.required, label: t.fieldLabels[f.key] })),
    clauses: (Object.keys(t.clauses) as DisputeType[]).map((d) => ({ disputeType: d, title: t.clauses[d].title, text: t.clauses[d].text })),
    parts: Object.entries(t.parts).map(([key, heading]) => ({ key, heading })),
    paymentMethods: Object.fromEntries(PAYMENT_METHODS.map((m) => [m, t.paymentMethods[m]])) as TemplateView['paymentMethods'],
  };
}
