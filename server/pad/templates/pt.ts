import { dateParts, groupAmount, type TemplateText } from './types.js';

const MESES = ['janeiro', 'fevereiro', 'março', 'abril', 'maio', 'junho', 'julho', 'agosto', 'setembro', 'outubro', 'novembro', 'dezembro'];

export const pt: TemplateText = {
  title: 'Acordo de Mediação de Litígio Laboral',
  untitledBlank: 'Acordo de mediação (rascunho)',
  parts: { parties: '1. Partes', facts: '2. Factos do litígio', terms: '3. Cláusulas acordadas', performance: '4. Cumprimento e incumprimento', effect: '5. Eficácia' },
  caseLine: 'Número do processo: {{caseNumber}}',
  organisationLine: 'Organização de mediação: {{organisation}}',
  applicantLine: 'Requerente: {{applicantName}}',
  respondentLine: 'Requerido: {{respondentName}}',
  representativeLine: 'Representante do Requerido: {{respondentRepresentative}}',
  factsIntro: 'O Requerente e o Requerido pediram a esta organização de mediação a mediação de um litígio laboral. Os pedidos do Requerente e os factos do litígio são os seguintes:',
  factsPlaceholder: '(Indique aqui os factos do litígio e os pedidos do Requerente.)',
  payment: 'O Requerido aceita pagar ao Requerente {{currency}} {{amount}}, de uma só vez, até {{paymentDate}}.',
  paymentMethodLine: 'Forma de pagamento: {{paymentMethod}}.',
  bankAccountLine: 'Conta de destino: {{bankAccount}}.',
  clauses: {
    labour_relationship: { title: 'Reconhecimento da relação laboral', text: 'As partes reconhecem que o Requerente trabalha para o Requerido desde {{employmentStart}} e que entre ambos existe uma relação laboral.' },
    unpaid_wages: { title: 'Salários em atraso', text: 'O montante acima inclui todos os salários devidos pelo Requerido ao Requerente relativos ao período {{wagePeriod}}.' },
    dismissal: { title: 'Cessação do contrato de trabalho', text: 'As partes acordam que o contrato de trabalho cessa em {{terminationDate}}. Na cessação, o Requerido emite a declaração de cessação do contrato e, no prazo de quinze dias, transfere o processo individual e a inscrição na segurança social do Requerente.' },
    social_insurance: { title: 'Segurança social', text: 'Até {{paymentDate}}, o Requerido paga as contribuições para a segurança social do Requerente em dívida relativas ao período {{socialInsurancePeriod}}, no montante fixado pela entidade competente.' },
    working_hours: { title: 'Horário de trabalho', text: 'O montante acima inclui a remuneração por trabalho extraordinário reclamada pelo Requerente. A partir da data deste acordo, o Requerido cumpre o regime legal de horário de trabalho e paga o trabalho extraordinário nos termos da lei.' },
    economic_compensation: { title: 'Compensação económica', text: 'O montante acima inclui a compensação económica devida pelo Requerido ao Requerente pela cessação do contrato de trabalho.' },
  },
  settled: 'Cumprido este acordo, as partes nada mais têm a reclamar entre si quanto ao litígio laboral deste processo, e o Requerente não formulará qualquer outro pedido contra o Requerido relativo às matérias deste processo.',
  performance: [
    'Cada parte cumpre integralmente as obrigações que assume neste acordo.',
    'Se o Requerido não pagar a totalidade no prazo acordado, o Requerente pode requerer ao tribunal popular uma injunção de pagamento ou requerer a arbitragem, nos termos da lei.',
  ],
  effect: [
    'Este acordo produz efeitos depois de assinado ou selado por ambas as partes, assinado pelo mediador e selado pela organização de mediação. A partir de então vincula ambas as partes, que o devem cumprir.',
    'No prazo de trinta dias a contar da produção de efeitos, as partes podem requerer conjuntamente ao tribunal popular competente a confirmação judicial deste acordo.',
    'Este acordo é feito em três exemplares: um para cada parte e um para a organização de mediação.',
  ],
  dateLine: 'Data do acordo: {{agreementDate}}',
  number: (n) => `${n}. `,
  fieldLabels: {
    caseNumber: 'Número do processo', organisation: 'Organização de mediação', applicantName: 'Requerente', respondentName: 'Requerido',
    respondentRepresentative: 'Representante do Requerido', amount: 'Montante', currency: 'Moeda', paymentDate: 'Pagar até',
    paymentMethod: 'Forma de pagamento', bankAccount: 'Conta de destino', agreementDate: 'Data do acordo',
    employmentStart: 'Trabalha desde', wagePeriod: 'Período dos salários em atraso', terminationDate: 'Data de cessação',
    socialInsurancePeriod: 'Período da segurança social',
  },
  paymentMethods: { bank_transfer: 'transferência bancária', cash: 'numerário', cheque: 'cheque', mobile_payment: 'pagamento móvel' },
  currencies: { CNY: 'CNY', HKD: 'HKD', MOP: 'MOP' },
  formatDate: (iso) => {
    const { y, m, d } = dateParts(iso);
    return `${d} de ${MESES[m - 1]} de ${y}`;
  },
  formatAmount: (v) => groupAmount(v, '.', ','),
};
