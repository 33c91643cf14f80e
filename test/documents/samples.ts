import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import type { CompletionCertificate, LockedAgreement, PartyLine, SignatureBlock } from '../../server/documents/types.js';

/** Test inputs of the Pad contract's shape (LockedAgreement), made here so the documents tests do not need the pad. */

export const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

export const CASE_INFO = { number: 'GZ-2026-000123', orgName: '广州市劳动人事争议调解中心', orgNameEn: 'Guangzhou Labour Dispute Mediation Centre', site: 'guangzhou' };

export const PARTIES: PartyLine[] = [
  { role: 'applicant', name: '陈小明' },
  { role: 'respondent', name: '廣州恒達電子有限公司', detail: 'Authorised representative: Maria da Conceição' },
  { role: 'mediator', name: '李调解' },
];

const CLAUSE_ZH = '被申请人同意于二〇二六年十二月三十一日前一次性向申请人支付拖欠工资及经济补偿共计人民币伍万贰仟元整（¥52,000.00），支付方式为银行转账。申请人确认收到上述款项后，双方就本案劳动争议再无其他纠纷。';
const CLAUSE_HANT = '雙方確認申請人自二〇二一年三月一日起在被申請人處工作，雙方存在勞動關係。被申請人應於協議生效後十五日內為申請人辦理檔案和社會保險關係轉移手續。';
const CLAUSE_EN = 'The Respondent agrees to pay the Applicant CNY 52,000.00 in one payment no later than 31 December 2026, by bank transfer to the account ending 4321.';
const CLAUSE_PT = 'O Requerido aceita pagar ao Requerente a quantia de MOP 52.000,00 até 31 de dezembro de 2026; a obrigação considera-se cumprida após a confirmação da transferência bancária — ação, informação, São João.';

/** A bilingual (zh-Hans with Traditional Chinese, English and Portuguese) agreement of about `pages` pages. */
export function sampleAgreement(opts: { pages?: number; language?: LockedAgreement['language'] } = {}): LockedAgreement {
  const pages = opts.pages ?? 2;
  const title = '劳动争议调解协议书';
  const parts: string[] = [`# ${title}`, '', '## 一、当事人', '', '申请人：陈小明', '被申请人：廣州恒達電子有限公司', ''];
  // About 6 clause groups per page.
  for (let i = 1; i <= pages * 6; i++) {
    if (i % 6 === 1) parts.push(`## 第${i}部分 Part ${i}`, '');
    parts.push(`${i}. ${CLAUSE_ZH}`, '', `${CLAUSE_HANT}`, '', `${CLAUSE_EN} ${CLAUSE_PT}`, '');
  }
  parts.push('## 协议生效', '', '本协议经双方当事人签名或者盖章、调解员签名并加盖调解组织印章后生效。');
  const text = `${parts.join('\n').normalize('NFC')}\n`;
  return {
    agreementId: 'agr_test_1', caseId: 'case_test_1', title, language: opts.language ?? 'zh-Hans', lockSeq: 2, text,
    sha256: sha256(Buffer.from(text, 'utf8')),
    fields: { amount: '52000.00', currency: 'CNY', paymentDate: '2026-12-31', applicantName: '陈小明', respondentName: '廣州恒達電子有限公司' },
    lockedAt: '2026-11-28T10:00:00.000Z', lockedBy: 'staff_mediator',
  };
}

function crc32(b: Buffer): number {
  return zlib.crc32(b);
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td) >>> 0);
  return Buffer.concat([len, td, crc]);
}

/** A small grey-on-transparent PNG "signature" (a wave whose shape depends on `seed`). */
export function signaturePng(seed: number, w = 240, h = 80): Uint8Array {
  const raw = Buffer.alloc((w * 4 + 1) * h);
  for (let y = 0; y < h; y++) raw[y * (w * 4 + 1)] = 0;
  for (let x = 0; x < w; x++) {
    const cy = Math.round(h / 2 + Math.sin((x + seed * 17) / (9 + seed)) * (h / 3) * Math.cos(x / 40));
    for (let dy = -1; dy <= 1; dy++) {
      const y = cy + dy;
      if (y < 0 || y >= h) continue;
      const o = y * (w * 4 + 1) + 1 + x * 4;
      raw[o] = 20; raw[o + 1] = 30; raw[o + 2] = 90; raw[o + 3] = 255;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 6; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  return new Uint8Array(Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0)),
  ]));
}

export function sampleSignatures(a: LockedAgreement): SignatureBlock[] {
  return PARTIES.map((p, i) => {
    const png = signaturePng(i + 1);
    return { role: p.role, name: p.name, signedAt: `2026-11-28T1${i}:05:00.000Z`, method: 'drawn' as const, imagePng: png, imageSha256: sha256(png), documentSha256: a.sha256 };
  });
}

export function sampleCertificate(a: LockedAgreement, sigs: SignatureBlock[]): CompletionCertificate {
  return {
    agreementId: a.agreementId, title: a.title, caseNumber: CASE_INFO.number, organisation: CASE_INFO.orgName, lockSeq: a.lockSeq,
    documentSha256: a.sha256,
    signingEvents: sigs.map((s, i) => ({
      role: s.role, name: s.name, signedAt: s.signedAt, ip: `203.0.113.${i + 10}`, userAgent: 'Mozilla/5.0 (Linux; Android 14) MicroMessenger/8.0',
      method: s.method, imageSha256: s.imageSha256!, documentSha256: s.documentSha256, auditSeq: 20 + i, auditHash: sha256(`audit${i}`),
      identityCheck: 'one-time code (in-app)',
    })),
    draftingHistorySha256: sha256('drafting'), hearingRecordSha256: sha256('record'),
    recordings: [{ id: 'rec_1', name: 'hearing-2026-11-27.webm', sha256: sha256('rec1') }],
    auditChainHead: { seq: 31, hash: sha256('head') }, sealedAt: '2026-11-28T12:00:00.000Z', language: 'zh-Hans',
  };
}
