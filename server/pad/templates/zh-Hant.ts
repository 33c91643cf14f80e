import { dateParts, groupAmount, type TemplateText } from './types.js';
import { cnNumber } from './zh-Hans.js';

export const zhHant: TemplateText = {
  title: '勞動人事爭議調解協議書',
  untitledBlank: '調解協議書（草稿）',
  parts: { parties: '一、當事人', facts: '二、爭議事實', terms: '三、協議條款', performance: '四、履行與違約', effect: '五、協議效力' },
  caseLine: '案件編號：{{caseNumber}}',
  organisationLine: '調解組織：{{organisation}}',
  applicantLine: '申請人：{{applicantName}}',
  respondentLine: '被申請人：{{respondentName}}',
  representativeLine: '被申請人委託代理人：{{respondentRepresentative}}',
  factsIntro: '申請人與被申請人因勞動爭議向本調解組織申請調解。申請人的主要請求及爭議事實如下：',
  factsPlaceholder: '（請在此簡要寫明爭議事實和申請人的請求。）',
  payment: '被申請人同意向申請人支付{{currency}}{{amount}}元，於{{paymentDate}}前一次性付清。',
  paymentMethodLine: '支付方式：{{paymentMethod}}。',
  bankAccountLine: '收款賬戶：{{bankAccount}}。',
  clauses: {
    labour_relationship: { title: '確認勞動關係', text: '雙方確認，申請人自{{employmentStart}}起在被申請人處工作，雙方之間存在勞動關係。' },
    unpaid_wages: { title: '追索勞動報酬', text: '上述款項包含被申請人拖欠申請人{{wagePeriod}}期間的全部工資。' },
    dismissal: { title: '解除或終止勞動合同', text: '雙方同意勞動合同於{{terminationDate}}解除。被申請人應當在解除勞動合同時出具解除勞動合同的證明，並在十五日內為申請人辦理檔案和社會保險關係轉移手續。' },
    social_insurance: { title: '社會保險', text: '被申請人應於{{paymentDate}}前為申請人補繳{{socialInsurancePeriod}}期間的社會保險費，具體金額以社會保險經辦機構核定為準。' },
    working_hours: { title: '工作時間', text: '上述款項包含申請人主張的加班工資。被申請人承諾自本協議簽訂之日起執行國家規定的工時制度，安排加班的依法支付加班工資。' },
    economic_compensation: { title: '經濟補償', text: '上述款項包含被申請人因解除勞動合同應當支付申請人的經濟補償。' },
  },
  settled: '本協議履行完畢後，雙方就本案勞動爭議再無其他爭議；申請人不再就本案所涉事項向被申請人主張任何權利。',
  performance: [
    '雙方應當按照本協議約定全面履行各自的義務。',
    '被申請人未按本協議約定的期限足額支付的，申請人可以依法向人民法院申請支付令，或者依法申請仲裁。',
  ],
  effect: [
    '本協議經雙方當事人簽名或者蓋章，經調解員簽名並加蓋調解組織印章後生效，對雙方當事人具有約束力，當事人應當履行。',
    '雙方當事人可以自本協議生效之日起三十日內共同向有管轄權的人民法院申請司法確認。',
    '本協議一式三份，雙方當事人各執一份，調解組織留存一份。',
  ],
  dateLine: '簽訂日期：{{agreementDate}}',
  number: (n) => `${cnNumber(n)}、`,
  fieldLabels: {
    caseNumber: '案件編號', organisation: '調解組織', applicantName: '申請人', respondentName: '被申請人',
    respondentRepresentative: '被申請人委託代理人', amount: '金額', currency: '幣種', paymentDate: '付款期限',
    paymentMethod: '支付方式', bankAccount: '收款賬戶', agreementDate: '簽訂日期', employmentStart: '入職日期',
    wagePeriod: '拖欠工資期間', terminationDate: '解除日期', socialInsurancePeriod: '補繳社會保險期間',
  },
  paymentMethods: { bank_transfer: '銀行轉賬', cash: '現金', cheque: '支票', mobile_payment: '流動支付' },
  currencies: { CNY: '人民幣', HKD: '港幣', MOP: '澳門元' },
  formatDate: (iso) => {
    const { y, m, d } = dateParts(iso);
    return `${y}年${m}月${d}日`;
  },
  formatAmount: (v) => groupAmount(v, ',', '.'),
};
