import { dateParts, groupAmount, type TemplateText } from './types.js';

const CN_NUM = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
export const cnNumber = (n: number): string => (n <= 10 ? CN_NUM[n]! : n < 20 ? `十${CN_NUM[n - 10]}` : `${CN_NUM[Math.floor(n / 10)]}十${n % 10 ? CN_NUM[n % 10] : ''}`);

export const zhHans: TemplateText = {
  title: '劳动人事争议调解协议书',
  untitledBlank: '调解协议书（草稿）',
  parts: { parties: '一、当事人', facts: '二、争议事实', terms: '三、协议条款', performance: '四、履行与违约', effect: '五、协议效力' },
  caseLine: '案件编号：{{caseNumber}}',
  organisationLine: '调解组织：{{organisation}}',
  applicantLine: '申请人：{{applicantName}}',
  respondentLine: '被申请人：{{respondentName}}',
  representativeLine: '被申请人委托代理人：{{respondentRepresentative}}',
  factsIntro: '申请人与被申请人因劳动争议向本调解组织申请调解。申请人的主要请求及争议事实如下：',
  factsPlaceholder: '（请在此简要写明争议事实和申请人的请求。）',
  payment: '被申请人同意向申请人支付{{currency}}{{amount}}元，于{{paymentDate}}前一次性付清。',
  paymentMethodLine: '支付方式：{{paymentMethod}}。',
  bankAccountLine: '收款账户：{{bankAccount}}。',
  clauses: {
    labour_relationship: { title: '确认劳动关系', text: '双方确认，申请人自{{employmentStart}}起在被申请人处工作，双方之间存在劳动关系。' },
    unpaid_wages: { title: '追索劳动报酬', text: '上述款项包含被申请人拖欠申请人{{wagePeriod}}期间的全部工资。' },
    dismissal: { title: '解除或终止劳动合同', text: '双方同意劳动合同于{{terminationDate}}解除。被申请人应当在解除劳动合同时出具解除劳动合同的证明，并在十五日内为申请人办理档案和社会保险关系转移手续。' },
    social_insurance: { title: '社会保险', text: '被申请人应于{{paymentDate}}前为申请人补缴{{socialInsurancePeriod}}期间的社会保险费，具体金额以社会保险经办机构核定为准。' },
    working_hours: { title: '工作时间', text: '上述款项包含申请人主张的加班工资。被申请人承诺自本协议签订之日起执行国家规定的工时制度，安排加班的依法支付加班工资。' },
    economic_compensation: { title: '经济补偿', text: '上述款项包含被申请人因解除劳动合同应当支付申请人的经济补偿。' },
  },
  settled: '本协议履行完毕后，双方就本案劳动争议再无其他争议；申请人不再就本案所涉事项向被申请人主张任何权利。',
  performance: [
    '双方应当按照本协议约定全面履行各自的义务。',
    '被申请人未按本协议约定的期限足额支付的，申请人可以依法向人民法院申请支付令，或者依法申请仲裁。',
  ],
  effect: [
    '本协议经双方当事人签名或者盖章，经调解员签名并加盖调解组织印章后生效，对双方当事人具有约束力，当事人应当履行。',
    '双方当事人可以自本协议生效之日起三十日内共同向有管辖权的人民法院申请司法确认。',
    '本协议一式三份，双方当事人各执一份，调解组织留存一份。',
  ],
  dateLine: '签订日期：{{agreementDate}}',
  number: (n) => `${cnNumber(n)}、`,
  fieldLabels: {
    caseNumber: '案件编号', organisation: '调解组织', applicantName: '申请人', respondentName: '被申请人',
    respondentRepresentative: '被申请人委托代理人', amount: '金额', currency: '币种', paymentDate: '付款期限',
    paymentMethod: '支付方式', bankAccount: '收款账户', agreementDate: '签订日期', employmentStart: '入职日期',
    wagePeriod: '拖欠工资期间', terminationDate: '解除日期', socialInsurancePeriod: '补缴社会保险期间',
  },
  paymentMethods: { bank_transfer: '银行转账', cash: '现金', cheque: '支票', mobile_payment: '移动支付' },
  currencies: { CNY: '人民币', HKD: '港币', MOP: '澳门元' },
  formatDate: (iso) => {
    const { y, m, d } = dateParts(iso);
    return `${y}年${m}月${d}日`;
  },
  formatAmount: (v) => groupAmount(v, ',', '.'),
};
