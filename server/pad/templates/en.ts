import { dateParts, groupAmount, type TemplateText } from './types.js';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

export const en: TemplateText = {
  title: 'Labour Dispute Mediation Agreement',
  untitledBlank: 'Mediation agreement (draft)',
  parts: { parties: '1. Parties', facts: '2. Facts of the dispute', terms: '3. Agreed terms', performance: '4. Performance and breach', effect: '5. Effect' },
  caseLine: 'Case number: {{caseNumber}}',
  organisationLine: 'Mediation organisation: {{organisation}}',
  applicantLine: 'Applicant: {{applicantName}}',
  respondentLine: 'Respondent: {{respondentName}}',
  representativeLine: 'Respondent’s authorised representative: {{respondentRepresentative}}',
  factsIntro: 'The Applicant and the Respondent applied to this mediation organisation for mediation of a labour dispute. The Applicant’s claims and the facts of the dispute are as follows:',
  factsPlaceholder: '(State the facts of the dispute and the Applicant’s claims here.)',
  payment: 'The Respondent agrees to pay the Applicant {{currency}} {{amount}} in one payment no later than {{paymentDate}}.',
  paymentMethodLine: 'Method of payment: {{paymentMethod}}.',
  bankAccountLine: 'Receiving account: {{bankAccount}}.',
  clauses: {
    labour_relationship: { title: 'Confirmation of the labour relationship', text: 'The parties confirm that the Applicant has worked for the Respondent since {{employmentStart}} and that a labour relationship exists between them.' },
    unpaid_wages: { title: 'Unpaid wages', text: 'The above sum includes all wages owed by the Respondent to the Applicant for the period {{wagePeriod}}.' },
    dismissal: { title: 'Termination of the labour contract', text: 'The parties agree that the labour contract ends on {{terminationDate}}. On termination the Respondent shall issue a certificate of termination and, within fifteen days, transfer the Applicant’s personnel file and social insurance relationship.' },
    social_insurance: { title: 'Social insurance', text: 'No later than {{paymentDate}} the Respondent shall pay the Applicant’s outstanding social insurance contributions for the period {{socialInsurancePeriod}}, in the amount assessed by the social insurance agency.' },
    working_hours: { title: 'Working hours', text: 'The above sum includes the overtime pay claimed by the Applicant. From the date of this agreement the Respondent shall apply the statutory working-hours system and pay overtime according to law.' },
    economic_compensation: { title: 'Economic compensation', text: 'The above sum includes the economic compensation the Respondent owes the Applicant for the termination of the labour contract.' },
  },
  settled: 'Once this agreement has been performed, the parties have no further dispute over the labour dispute in this case, and the Applicant shall make no further claim against the Respondent concerning the matters of this case.',
  performance: [
    'Each party shall perform its obligations under this agreement in full.',
    'If the Respondent fails to pay in full by the agreed date, the Applicant may apply to the people’s court for a payment order or apply for arbitration according to law.',
  ],
  effect: [
    'This agreement takes effect when both parties have signed or sealed it, the mediator has signed it and the mediation organisation has applied its seal. It then binds both parties, who shall perform it.',
    'Within thirty days of this agreement taking effect, the parties may jointly apply to the competent people’s court for judicial confirmation.',
    'This agreement is made in three copies: one for each party and one for the mediation organisation.',
  ],
  dateLine: 'Date of agreement: {{agreementDate}}',
  number: (n) => `${n}. `,
  fieldLabels: {
    caseNumber: 'Case number', organisation: 'Mediation organisation', applicantName: 'Applicant', respondentName: 'Respondent',
    respondentRepresentative: 'Respondent’s representative', amount: 'Amount', currency: 'Currency', paymentDate: 'Pay by',
    paymentMethod: 'Method of payment', bankAccount: 'Receiving account', agreementDate: 'Date of agreement',
    employmentStart: 'Employed since', wagePeriod: 'Period of unpaid wages', terminationDate: 'Contract ends on',
    socialInsurancePeriod: 'Social insurance period',
  },
  paymentMethods: { bank_transfer: 'bank transfer', cash: 'cash', cheque: 'cheque', mobile_payment: 'mobile payment' },
  currencies: { CNY: 'CNY', HKD: 'HKD', MOP: 'MOP' },
  formatDate: (iso) => {
    const { y, m, d } = dateParts(iso);
    return `${d} ${MONTHS[m - 1]} ${y}`;
  },
  formatAmount: (v) => groupAmount(v, ',', '.'),
};
