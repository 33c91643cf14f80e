import { labelsFor, type DocLabels } from './labels.js';
import type { CaseInfo, DocLanguage } from './types.js';

/**
 * The printed frame of a document in the case's languages (issue 17): one language prints as before; two make every
 * label bilingual, first language first. Short labels share a line ("案号 / Processo n.º"); sentences and paragraphs
 * print one under the other (the Writer breaks lines at "\n"), so a numbered notice item stays one item in both
 * languages. Punctuation and list numbering follow the first language. Only the frame: the agreement's own text is
 * what the parties wrote. With `names`, the English or Portuguese sentences name the organisation in English.
 */
export function docLabels(languages: readonly DocLanguage[], names?: Pick<CaseInfo, 'orgName' | 'orgNameEn'>): DocLabels {
  const [first = 'zh-Hans', second] = languages;
  const a = labelsFor(first);
  if (!second || second === first) return a;
  const b = labelsFor(second);
  const s = (x: string, y: string) => (x === y ? x : `${x} / ${y}`);
  const p = (x: string, y: string) => (x === y ? x : `${x}\n${y}`);
  const latin = (lang: DocLanguage) => lang === 'en' || lang === 'pt';
  const orgIn = (lang: DocLanguage, org: string) => (names?.orgNameEn && latin(lang) && org === names.orgName ? names.orgNameEn : org);
  const zip = (x: readonly string[], y: readonly string[]) => x.map((v, i) => (y[i] === undefined ? v : p(v, y[i]!)));
  const rec = (x: Record<string, string>, y: Record<string, string>) => {
    const out: Record<string, string> = {};
    for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) out[k] = s(x[k] ?? y[k]!, y[k] ?? x[k]!);
    return out;
  };
  const paymentMethods = rec(a.paymentMethods, b.paymentMethods);
  return {
    colon: a.colon, listSep: a.listSep, gap: a.gap, item: a.item,
    caseNo: s(a.caseNo, b.caseNo), site: s(a.site, b.site), version: s(a.version, b.version), docHash: s(a.docHash, b.docHash),
    parties: s(a.parties, b.parties), keyTerms: s(a.keyTerms, b.keyTerms), signaturePage: s(a.signaturePage, b.signaturePage),
    signaturePageNote: p(a.signaturePageNote, b.signaturePageNote), signedAt: s(a.signedAt, b.signedAt), method: s(a.method, b.method),
    drawn: s(a.drawn, b.drawn), typed: s(a.typed, b.typed), imageHash: s(a.imageHash, b.imageHash), hashConfirmed: s(a.hashConfirmed, b.hashConfirmed),
    notSigned: s(a.notSigned, b.notSigned), sealBlock: s(a.sealBlock, b.sealBlock), sealNote: p(a.sealNote, b.sealNote),
    page: (i, n) => s(a.page(i, n), b.page(i, n)),
    roles: rec(a.roles, b.roles), sites: rec(a.sites, b.sites), fields: rec(a.fields, b.fields), paymentMethods,
    noticeTitle: s(a.noticeTitle, b.noticeTitle), noticeTo: s(a.noticeTo, b.noticeTo),
    noticeBody: (t, org) => zip(a.noticeBody(t, orgIn(first, org)), b.noticeBody(t, orgIn(second, org))),
    obligations: s(a.obligations, b.obligations),
    // The payment method arrives as printed by `paymentMethods` below: each sentence takes its own language's word.
    payment: (amt, cur, date, m) => {
      const key = m === null ? undefined : Object.keys(paymentMethods).find((k) => paymentMethods[k] === m);
      const own = (l: DocLabels) => (key ? (l.paymentMethods[key] ?? m) : m);
      return p(a.payment(amt, cur, date, own(a)), b.payment(amt, cur, date, own(b)));
    },
    noticeRights: zip(a.noticeRights, b.noticeRights),
    issuedBy: s(a.issuedBy, b.issuedBy), issuedAt: s(a.issuedAt, b.issuedAt),
    rulingTitle: s(a.rulingTitle, b.rulingTitle), rulingNo: s(a.rulingNo, b.rulingNo), applicants: s(a.applicants, b.applicants),
    rulingFacts: (org, t, at) => p(a.rulingFacts(orgIn(first, org), t, at), b.rulingFacts(orgIn(second, org), t, at)),
    rulingConfirmedReason: p(a.rulingConfirmedReason, b.rulingConfirmedReason),
    rulingConfirmedOrder: (t) => zip(a.rulingConfirmedOrder(t), b.rulingConfirmedOrder(t)),
    rulingRejectedReason: p(a.rulingRejectedReason, b.rulingRejectedReason), rulingRejectedOrder: zip(a.rulingRejectedOrder, b.rulingRejectedOrder),
    reasons: s(a.reasons, b.reasons), judge: s(a.judge, b.judge), clerk: s(a.clerk, b.clerk), decidedAt: s(a.decidedAt, b.decidedAt),
    courtSealNote: p(a.courtSealNote, b.courtSealNote),
    certTitle: s(a.certTitle, b.certTitle), certIntro: p(a.certIntro, b.certIntro), certEvents: s(a.certEvents, b.certEvents),
    certHashes: s(a.certHashes, b.certHashes), draftingHistory: s(a.draftingHistory, b.draftingHistory), hearingRecord: s(a.hearingRecord, b.hearingRecord),
    recordings: s(a.recordings, b.recordings), auditHead: s(a.auditHead, b.auditHead), sealedAt: s(a.sealedAt, b.sealedAt),
    jsonTwin: s(a.jsonTwin, b.jsonTwin), ip: s(a.ip, b.ip), userAgent: s(a.userAgent, b.userAgent), identity: s(a.identity, b.identity),
    manifest: s(a.manifest, b.manifest), none: s(a.none, b.none),
  };
}

