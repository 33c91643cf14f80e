import type { DocLanguage } from './types.js';

/** Printed labels of the documents, per agreement language. */
export interface DocLabels {
  /** Punctuation: label colon, list separator, gap between facts on one line. */
  colon: string;
  listSep: string;
  gap: string;
  caseNo: string;
  site: string;
  version: string;
  docHash: string;
  parties: string;
  keyTerms: string;
  signaturePage: string;
  signaturePageNote: string;
  signedAt: string;
  method: string;
  drawn: string;
  typed: string;
  imageHash: string;
  hashConfirmed: string;
  notSigned: string;
  sealBlock: string;
  sealNote: string;
  page: (i: number, n: number) => string;
  roles: Record<string, string>;
  sites: Record<string, string>;
  /** Labels of the pad's structured fields (same wording as server/pad/templates) and of payment methods. */
  fields: Record<string, string>;
  paymentMethods: Record<string, string>;
  // performance notice
  noticeTitle: string;
  noticeTo: string;
  noticeBody: (agreementTitle: string, orgName: string) => string[];
  obligations: string;
  /** The payment obligation in one sentence (amount, currency, date, optional method). */
  payment: (amount: string, currency: string, date: string, method: string | null) => string;
  /** List numbering: 一、 in Chinese, 1. otherwise. */
  item: (i: number) => string;
  noticeRights: string[];
  issuedBy: string;
  issuedAt: string;
  // ruling
  rulingTitle: string;
  rulingNo: string;
  applicants: string;
  rulingFacts: (orgName: string, agreementTitle: string, requestedAt: string) => string;
  rulingConfirmedReason: string;
  rulingConfirmedOrder: (agreementTitle: string) => string[];
  rulingRejectedReason: string;
  rulingRejectedOrder: string[];
  reasons: string;
  judge: string;
  clerk: string;
  decidedAt: string;
  courtSealNote: string;
  // certificate of completion
  certTitle: string;
  certIntro: string;
  certEvents: string;
  certHashes: string;
  draftingHistory: string;
  hearingRecord: string;
  recordings: string;
  auditHead: string;
  sealedAt: string;
  jsonTwin: string;
  ip: string;
  userAgent: string;
  identity: string;
  /** The signed signature manifest's hash line of the certificate. */
  manifest: string;
  none: string;
}

const ROLES_ZH_HANS = { applicant: '申请人', respondent: '被申请人', mediator: '调解员', arbitrator: '仲裁员', clerk: '书记员', court: '法院', interpreter: '翻译', observer: '旁听人员', organisation: '调解组织' };
const ROLES_ZH_HANT = { applicant: '申請人', respondent: '被申請人', mediator: '調解員', arbitrator: '仲裁員', clerk: '書記員', court: '法院', interpreter: '翻譯', observer: '旁聽人員', organisation: '調解組織' };
const SITES_ZH_HANS = { guangzhou: '广州（琶洲）', shenzhen: '深圳（前海）', zhuhai: '珠海（横琴）', hong_kong: '香港', macau: '澳门' };
const SITES_ZH_HANT = { guangzhou: '廣州（琶洲）', shenzhen: '深圳（前海）', zhuhai: '珠海（橫琴）', hong_kong: '香港', macau: '澳門' };

const zhHans: DocLabels = {
  colon: '：', listSep: '；', gap: '　',
  caseNo: '案号', site: '站点', version: '锁定版本', docHash: '文本 SHA-256', parties: '当事人', keyTerms: '主要条款（结构化字段）',
  signaturePage: '签署页', signaturePageNote: '各方确认所签署的是上述锁定文本，其 SHA-256 如下。每一签名同时以 PAdES 数字签名绑定本文件。',
  signedAt: '签署时间', method: '签署方式', drawn: '手写签名', typed: '键入签名', imageHash: '签名图像 SHA-256', hashConfirmed: '已核对文本哈希',
  notSigned: '（待签署）', sealBlock: '调解组织（盖章）', sealNote: '调解组织印章以该组织证书的 PAdES 数字签名加盖，可在 /verify 页面或任何 PDF 签名工具中核验。',
  page: (i, n) => `第 ${i} 页 / 共 ${n} 页`, roles: ROLES_ZH_HANS, sites: SITES_ZH_HANS,
  fields: { caseNumber: '案件编号', organisation: '调解组织', applicantName: '申请人', respondentName: '被申请人', respondentRepresentative: '被申请人委托代理人', amount: '金额', currency: '币种', paymentDate: '付款期限', paymentMethod: '支付方式', bankAccount: '收款账户', agreementDate: '签订日期', employmentStart: '入职日期', wagePeriod: '拖欠工资期间', terminationDate: '解除日期', socialInsurancePeriod: '补缴社会保险期间' },
  paymentMethods: { bank_transfer: '银行转账', cash: '现金', cheque: '支票', mobile_payment: '移动支付' },
  noticeTitle: '履行告知书', noticeTo: '致',
  noticeBody: (t, org) => [
    `你们在${org}主持下达成的《${t}》已由双方当事人签名、调解员签名并加盖调解组织印章，依法生效，对双方当事人具有约束力，当事人应当履行。`,
    '请按照调解协议书约定的内容、方式和期限自觉履行下列义务：',
  ],
  obligations: '应履行的义务',
  payment: (a, c, d, m) => `被申请人于 ${d} 前向申请人支付 ${c} ${a}${m ? `（${m}）` : ''}。`,
  item: (i) => `${'一二三四五六七八九十'[i] ?? i + 1}、`,
  noticeRights: [
    '一方当事人在协议约定期限内不履行调解协议的，另一方当事人可以依法申请仲裁。',
    '因支付拖欠劳动报酬、工伤医疗费、经济补偿或者赔偿金事项达成调解协议，用人单位在协议约定期限内不履行的，劳动者可以持调解协议书依法向人民法院申请支付令。',
    '双方当事人可以自调解协议生效之日起三十日内共同向人民法院申请司法确认。',
  ],
  issuedBy: '告知单位', issuedAt: '告知日期',
  rulingTitle: '民事裁定书', rulingNo: '裁定书编号', applicants: '申请人',
  rulingFacts: (org, t, at) => `申请人于 ${at} 向本院申请确认其在${org}主持下达成的《${t}》的效力。本院通过在线方式审查了调解协议、签署记录、调解笔录、录音录像清单及审计记录。`,
  rulingConfirmedReason: '本院经审查认为，申请人达成的调解协议系当事人自愿达成，内容不违反法律强制性规定，不损害国家利益、社会公共利益和他人合法权益，符合司法确认的条件。',
  rulingConfirmedOrder: (t) => [`裁定如下：申请人达成的《${t}》有效。`, '当事人应当按照调解协议的约定自觉履行义务。一方当事人拒绝履行或者未全部履行的，对方当事人可以向人民法院申请强制执行。'],
  rulingRejectedReason: '本院经审查认为，该调解协议不符合司法确认的条件，理由如下：',
  rulingRejectedOrder: ['裁定如下：驳回申请人的司法确认申请。', '当事人可以通过调解方式变更原调解协议或者达成新的调解协议，也可以依法申请仲裁或者向人民法院提起诉讼。'],
  reasons: '理由', judge: '审判员', clerk: '书记员', decidedAt: '裁定日期', courtSealNote: '本裁定书以法院证书的 PAdES 数字签名加盖电子印章。',
  certTitle: '完成证明书', certIntro: '本页记录本调解协议书的全部签署事件，以及加盖印章时案件材料的哈希值。JSON 格式的同一内容随案卷保存，其 SHA-256 见页末。',
  certEvents: '签署事件', certHashes: '加盖印章时的哈希值', draftingHistory: '起草历史', hearingRecord: '调解笔录', recordings: '录音录像', auditHead: '审计链末端',
  sealedAt: '加盖印章时间', jsonTwin: 'JSON 副本 SHA-256', ip: 'IP', userAgent: '浏览器', identity: '身份核验', manifest: '签名清单', none: '无',
};

/** Traditional Chinese: only what differs from the Simplified table (characters and Hong Kong / Macau wording). */
const zhHant: DocLabels = {
  ...zhHans,
  caseNo: '案號', site: '站點', version: '鎖定版本', parties: '當事人', keyTerms: '主要條款（結構化欄位）',
  signaturePage: '簽署頁', signaturePageNote: '各方確認所簽署的是上述鎖定文本，其 SHA-256 如下。每一簽名同時以 PAdES 數碼簽名綁定本文件。',
  signedAt: '簽署時間', method: '簽署方式', drawn: '手寫簽名', typed: '鍵入簽名', imageHash: '簽名圖像 SHA-256', hashConfirmed: '已核對文本雜湊',
  notSigned: '（待簽署）', sealBlock: '調解組織（蓋章）', sealNote: '調解組織印章以該組織證書的 PAdES 數碼簽名加蓋，可在 /verify 頁面或任何 PDF 簽名工具中核驗。',
  page: (i, n) => `第 ${i} 頁 / 共 ${n} 頁`, roles: ROLES_ZH_HANT, sites: SITES_ZH_HANT,
  fields: { caseNumber: '案件編號', organisation: '調解組織', applicantName: '申請人', respondentName: '被申請人', respondentRepresentative: '被申請人委託代理人', amount: '金額', currency: '幣種', paymentDate: '付款期限', paymentMethod: '支付方式', bankAccount: '收款賬戶', agreementDate: '簽訂日期', employmentStart: '入職日期', wagePeriod: '拖欠工資期間', terminationDate: '解除日期', socialInsurancePeriod: '補繳社會保險期間' },
  paymentMethods: { bank_transfer: '銀行轉賬', cash: '現金', cheque: '支票', mobile_payment: '流動支付' },
  noticeTitle: '履行告知書',
  noticeBody: (t, org) => [
    `你們在${org}主持下達成的《${t}》已由雙方當事人簽名、調解員簽名並加蓋調解組織印章，依法生效，對雙方當事人具有約束力，當事人應當履行。`,
    '請按照調解協議書約定的內容、方式和期限自覺履行下列義務：',
  ],
  obligations: '應履行的義務',
  payment: (a, c, d, m) => `被申請人於 ${d} 前向申請人支付 ${c} ${a}${m ? `（${m}）` : ''}。`,
  noticeRights: [
    '一方當事人在協議約定期限內不履行調解協議的，另一方當事人可以依法申請仲裁。',
    '因支付拖欠勞動報酬、工傷醫療費、經濟補償或者賠償金事項達成調解協議，用人單位在協議約定期限內不履行的，勞動者可以持調解協議書依法向人民法院申請支付令。',
    '雙方當事人可以自調解協議生效之日起三十日內共同向人民法院申請司法確認。',
  ],
  issuedBy: '告知單位',
  rulingTitle: '民事裁定書', rulingNo: '裁定書編號', applicants: '申請人',
  rulingFacts: (org, t, at) => `申請人於 ${at} 向本院申請確認其在${org}主持下達成的《${t}》的效力。本院通過線上方式審查了調解協議、簽署記錄、調解筆錄、錄音錄影清單及審計記錄。`,
  rulingConfirmedReason: '本院經審查認為，申請人達成的調解協議係當事人自願達成，內容不違反法律強制性規定，不損害國家利益、社會公共利益和他人合法權益，符合司法確認的條件。',
  rulingConfirmedOrder: (t) => [`裁定如下：申請人達成的《${t}》有效。`, '當事人應當按照調解協議的約定自覺履行義務。一方當事人拒絕履行或者未全部履行的，對方當事人可以向人民法院申請強制執行。'],
  rulingRejectedReason: '本院經審查認為，該調解協議不符合司法確認的條件，理由如下：',
  rulingRejectedOrder: ['裁定如下：駁回申請人的司法確認申請。', '當事人可以通過調解方式變更原調解協議或者達成新的調解協議，也可以依法申請仲裁或者向人民法院提起訴訟。'],
  judge: '審判員', clerk: '書記員', courtSealNote: '本裁定書以法院證書的 PAdES 數碼簽名加蓋電子印章。',
  certTitle: '完成證明書', certIntro: '本頁記錄本調解協議書的全部簽署事件，以及加蓋印章時案件材料的雜湊值。JSON 格式的同一內容隨案卷保存，其 SHA-256 見頁末。',
  certEvents: '簽署事件', certHashes: '加蓋印章時的雜湊值', draftingHistory: '起草歷史', hearingRecord: '調解筆錄', recordings: '錄音錄影', auditHead: '審計鏈末端',
  sealedAt: '加蓋印章時間', userAgent: '瀏覽器', identity: '身份核驗', manifest: '簽名清單', none: '無',
};

const en: DocLabels = {
  colon: ': ', listSep: '; ', gap: '   ',
  caseNo: 'Case no.', site: 'Site', version: 'Locked version', docHash: 'Text SHA-256', parties: 'Parties', keyTerms: 'Key terms (structured fields)',
  signaturePage: 'Signature page', signaturePageNote: 'Each signer confirms the locked text above, whose SHA-256 is given below. Each signature is also bound to this file by a PAdES digital signature.',
  signedAt: 'Signed at', method: 'Method', drawn: 'drawn signature', typed: 'typed signature', imageHash: 'Signature image SHA-256', hashConfirmed: 'text hash confirmed',
  notSigned: '(not yet signed)', sealBlock: 'Mediation organisation (seal)', sealNote: "The organisation's seal is applied as a PAdES digital signature with its certificate; check it on the /verify page or in any PDF signature tool.",
  page: (i, n) => `Page ${i} of ${n}`,
  fields: { caseNumber: 'Case number', organisation: 'Mediation organisation', applicantName: 'Applicant', respondentName: 'Respondent', respondentRepresentative: 'Respondent’s representative', amount: 'Amount', currency: 'Currency', paymentDate: 'Pay by', paymentMethod: 'Method of payment', bankAccount: 'Receiving account', agreementDate: 'Date of agreement', employmentStart: 'Employed since', wagePeriod: 'Period of unpaid wages', terminationDate: 'Contract ends on', socialInsurancePeriod: 'Social insurance period' },
  paymentMethods: { bank_transfer: 'bank transfer', cash: 'cash', cheque: 'cheque', mobile_payment: 'mobile payment' },
  roles: { applicant: 'Applicant', respondent: 'Respondent', mediator: 'Mediator', arbitrator: 'Arbitrator', clerk: 'Clerk', court: 'Court', interpreter: 'Interpreter', observer: 'Observer', organisation: 'Mediation organisation' },
  sites: { guangzhou: 'Guangzhou (Pazhou)', shenzhen: 'Shenzhen (Qianhai)', zhuhai: 'Zhuhai (Hengqin)', hong_kong: 'Hong Kong', macau: 'Macau' },
  noticeTitle: 'Performance notice', noticeTo: 'To',
  noticeBody: (t, org) => [
    `The agreement "${t}" reached under the mediation of ${org} has been signed by both parties and the mediator and sealed by the mediation organisation. It is in effect and binds both parties, who shall perform it.`,
    'Please perform the following obligations as to content, manner and time limit set in the agreement:',
  ],
  obligations: 'Obligations',
  payment: (a, c, d, m) => `The Respondent pays the Applicant ${c} ${a} no later than ${d}${m ? ` by ${m}` : ''}.`,
  item: (i) => `${i + 1}. `,
  noticeRights: [
    'If one party does not perform the agreement within the agreed time limit, the other party may apply for arbitration according to law.',
    'Where the agreement concerns unpaid wages, medical costs of a work injury, economic compensation or damages and the employer does not perform it in time, the worker may apply to the people\'s court for a payment order on the strength of the agreement.',
    "Both parties may jointly apply to the people's court for judicial confirmation within thirty days after the agreement takes effect.",
  ],
  issuedBy: 'Issued by', issuedAt: 'Date of notice',
  rulingTitle: 'Civil ruling', rulingNo: 'Ruling no.', applicants: 'Applicants',
  rulingFacts: (org, t, at) => `On ${at} the applicants asked this court to confirm the validity of the agreement "${t}" reached under the mediation of ${org}. The court reviewed online the agreement, the signing record, the hearing record, the list of recordings and the audit log.`,
  rulingConfirmedReason: 'Having reviewed the file, the court finds that the agreement was reached voluntarily, does not violate mandatory provisions of law, does not harm the interests of the state, the public or third parties, and meets the conditions for judicial confirmation.',
  rulingConfirmedOrder: (t) => [`It is ruled: the agreement "${t}" is valid.`, "The parties shall perform their obligations under the agreement. If a party refuses to perform or performs only in part, the other party may apply to the people's court for enforcement."],
  rulingRejectedReason: 'Having reviewed the file, the court finds that the agreement does not meet the conditions for judicial confirmation, for these reasons:',
  rulingRejectedOrder: ['It is ruled: the application for judicial confirmation is rejected.', "The parties may change the agreement or reach a new one through mediation, apply for arbitration, or bring an action before the people's court."],
  reasons: 'Reasons', judge: 'Judge', clerk: 'Clerk', decidedAt: 'Date of ruling', courtSealNote: "This ruling carries the court's electronic seal as a PAdES digital signature with the court's certificate.",
  certTitle: 'Certificate of completion', certIntro: 'This page lists every signing event of this agreement and the hashes of the case materials at the time of sealing. The same content is kept as JSON in the case file; its SHA-256 is at the end of this page.',
  certEvents: 'Signing events', certHashes: 'Hashes at sealing', draftingHistory: 'Drafting history', hearingRecord: 'Hearing record', recordings: 'Recordings', auditHead: 'Audit chain head',
  sealedAt: 'Sealed at', jsonTwin: 'JSON twin SHA-256', ip: 'IP', userAgent: 'Browser', identity: 'Identity check', manifest: 'Signature manifest', none: 'none',
};

const pt: DocLabels = {
  ...en,
  caseNo: 'Processo n.º', site: 'Local', version: 'Versão bloqueada', docHash: 'SHA-256 do texto', parties: 'Partes', keyTerms: 'Cláusulas principais (campos estruturados)',
  signaturePage: 'Página de assinaturas', signaturePageNote: 'Cada signatário confirma o texto bloqueado acima, cujo SHA-256 consta abaixo. Cada assinatura fica também ligada a este ficheiro por uma assinatura digital PAdES.',
  signedAt: 'Assinado em', method: 'Modo', drawn: 'assinatura desenhada', typed: 'assinatura escrita', imageHash: 'SHA-256 da imagem da assinatura', hashConfirmed: 'hash do texto confirmado',
  notSigned: '(por assinar)', sealBlock: 'Organização de mediação (selo)', sealNote: 'O selo da organização é aposto como assinatura digital PAdES com o seu certificado; verifique-o na página /verify ou em qualquer ferramenta de assinaturas PDF.',
  page: (i, n) => `Página ${i} de ${n}`,
  fields: { caseNumber: 'Número do processo', organisation: 'Organização de mediação', applicantName: 'Requerente', respondentName: 'Requerido', respondentRepresentative: 'Representante do Requerido', amount: 'Montante', currency: 'Moeda', paymentDate: 'Pagar até', paymentMethod: 'Forma de pagamento', bankAccount: 'Conta de destino', agreementDate: 'Data do acordo', employmentStart: 'Trabalha desde', wagePeriod: 'Período dos salários em atraso', terminationDate: 'Data de cessação', socialInsurancePeriod: 'Período da segurança social' },
  paymentMethods: { bank_transfer: 'transferência bancária', cash: 'numerário', cheque: 'cheque', mobile_payment: 'pagamento móvel' },
  roles: { applicant: 'Requerente', respondent: 'Requerido', mediator: 'Mediador', arbitrator: 'Árbitro', clerk: 'Escrivão', court: 'Tribunal', interpreter: 'Intérprete', observer: 'Observador', organisation: 'Organização de mediação' },
  sites: { guangzhou: 'Cantão (Pazhou)', shenzhen: 'Shenzhen (Qianhai)', zhuhai: 'Zhuhai (Hengqin)', hong_kong: 'Hong Kong', macau: 'Macau' },
  noticeTitle: 'Aviso de cumprimento', noticeTo: 'A',
  noticeBody: (t, org) => [
    `O acordo «${t}», alcançado com a mediação de ${org}, foi assinado pelas duas partes e pelo mediador e selado pela organização de mediação. Está em vigor e vincula ambas as partes, que o devem cumprir.`,
    'Cumpra as seguintes obrigações no conteúdo, modo e prazo fixados no acordo:',
  ],
  obligations: 'Obrigações',
  payment: (a, c, d, m) => `O Requerido paga ao Requerente ${c} ${a} até ${d}${m ? ` por ${m}` : ''}.`,
  noticeRights: [
    'Se uma parte não cumprir o acordo no prazo acordado, a outra pode requerer arbitragem nos termos da lei.',
    'Se o acordo respeitar a salários em atraso, despesas médicas de acidente de trabalho, compensação económica ou indemnização e o empregador não o cumprir no prazo, o trabalhador pode requerer ao tribunal popular uma injunção de pagamento com base no acordo.',
    'As partes podem requerer em conjunto ao tribunal popular a confirmação judicial no prazo de trinta dias após a entrada em vigor do acordo.',
  ],
  issuedBy: 'Emitido por', issuedAt: 'Data do aviso',
  rulingTitle: 'Despacho cível', rulingNo: 'Despacho n.º', applicants: 'Requerentes',
  reasons: 'Fundamentos', judge: 'Juiz', clerk: 'Escrivão', decidedAt: 'Data do despacho',
  certTitle: 'Certificado de conclusão', certEvents: 'Eventos de assinatura', certHashes: 'Hashes no momento do selo',
  draftingHistory: 'Histórico de redação', hearingRecord: 'Ata da sessão', recordings: 'Gravações', auditHead: 'Topo da cadeia de auditoria',
  sealedAt: 'Selado em', jsonTwin: 'SHA-256 do gémeo JSON', userAgent: 'Navegador', identity: 'Verificação de identidade', manifest: 'Manifesto de assinaturas', none: 'nenhum',
};

const BY_LANG: Record<DocLanguage, DocLabels> = { 'zh-Hans': zhHans, 'zh-Hant': zhHant, en, pt };

export function labelsFor(lang: DocLanguage): DocLabels {
  return BY_LANG[lang] ?? zhHans;
}
