import type { IdType, Panel, Site, StaffRole } from '../signaling/protocol/domain.js';
import type { AgreementLanguage } from '../signaling/protocol/pad.js';
import type { CreateCaseBody } from '../signaling/protocol/api.js';
import { hashPassword } from './auth/passwords.js';
import type { Services } from './wiring.js';

/**
 * Demo data for trying Concord: a Guangzhou mediation centre, a Hong Kong panel arbitrator, a court, and a fresh
 * unpaid-wages case with a hearing and one personal link per role. Only for the embedded demo (CONCORD_DEMO).
 */
export const DEMO_PASSWORD = 'concord-demo-2026';
const ORG = { name: '广州市劳动人事争议调解中心（琶洲）', nameEn: 'Guangzhou Labour Dispute Mediation Centre (Pazhou)', site: 'guangzhou', kind: 'mediation' } as const;
const HK_PANEL = { name: '粤港澳大湾区劳动争议调解仲裁员名册（香港）', nameEn: 'GBA Labour Dispute Panel (Hong Kong)', site: 'hong_kong', kind: 'mediation' } as const;
const COURT = { name: '广州市天河区人民法院', nameEn: 'Tianhe District People\'s Court, Guangzhou', site: 'guangzhou', kind: 'court' } as const;

const STAFF: { key: DemoStaffKey; username: string; displayName: string; role: StaffRole; panel: Panel | null; org: 'org' | 'hk' | 'court' }[] = [
  { key: 'mediator', username: 'demo.mediator', displayName: '李调解 Li Tiaojie', role: 'mediator', panel: null, org: 'org' },
  { key: 'arbitrator', username: 'demo.arbitrator.hk', displayName: '陳大文 Chan Tai Man (HK)', role: 'arbitrator', panel: 'hong_kong', org: 'hk' },
  { key: 'clerk', username: 'demo.clerk', displayName: '王书记 Wang Shuji', role: 'clerk', panel: null, org: 'org' },
  { key: 'court', username: 'demo.judge', displayName: '张法官 Judge Zhang', role: 'court', panel: null, org: 'court' },
  { key: 'admin', username: 'demo.admin', displayName: '周主任 Director Zhou', role: 'org_admin', panel: null, org: 'org' },
];
type DemoStaffKey = 'mediator' | 'arbitrator' | 'clerk' | 'court' | 'admin';

export const DEMO_PARTIES = {
  applicant: { name: '陈小明', idType: 'prc_id', idNumber: '44010619900101123X', phone: '+86 138 0013 8000' },
  respondent: { name: '广州示例制造有限公司', idType: 'uscc', idNumber: '91440101MA59EXAMPL', phone: '+86 20 8888 0000', representative: '刘经理 Manager Liu' },
} as const;

export interface DemoCase {
  caseId: string;
  caseNumber: string;
  hearingId: string;
  /** The drafting pad's demo agreement: the zh-Hans labour template with its fields filled, ready to lock and sign. */
  agreementId: string;
  links: Record<'mediator' | 'applicant' | 'respondent' | 'arbitrator' | 'clerk' | 'court', string>;
  identities: { applicant: { name: string; idNumber: string }; respondent: { name: string; idNumber: string } };
  staff: Record<DemoStaffKey, { username: string; password: string; displayName: string }>;
}

/** Creates the demo organisations and staff once; later calls find them. */
export async function seedDemo(s: Services): Promise<Record<DemoStaffKey, { id: string; orgId: string; role: StaffRole }>> {
  const orgIds = {
    org: (await s.roster.findOrganisationByName(ORG.name))?.id ?? (await s.roster.createOrganisation(ORG)).id,
    hk: (await s.roster.findOrganisationByName(HK_PANEL.name))?.id ?? (await s.roster.createOrganisation(HK_PANEL)).id,
    court: (await s.roster.findOrganisationByName(COURT.name))?.id ?? (await s.roster.createOrganisation(COURT)).id,
  };
  const out = {} as Record<DemoStaffKey, { id: string; orgId: string; role: StaffRole }>;
  const hash = await hashPassword(DEMO_PASSWORD);
  for (const st of STAFF) {
    const found = await s.roster.findByUsername(st.username);
    const staff = found ?? (await s.roster.createStaff({ orgId: orgIds[st.org], username: st.username, displayName: st.displayName, role: st.role, panel: st.panel, passwordHash: hash }));
    out[st.key] = { id: staff.id, orgId: staff.orgId, role: staff.role };
  }
  return out;
}

/** Variations of the demo case (tests of cross-border cases): the site, another applicant, the agreement's language. */
export interface DemoCaseOptions {
  site?: Site;
  applicant?: { name: string; idType: IdType; idNumber: string; phone?: string };
  agreementLanguage?: AgreementLanguage;
}

export async function createDemoCase(s: Services, baseUrl: string, opts: DemoCaseOptions = {}): Promise<DemoCase> {
  const staff = await seedDemo(s);
  const actor = staff.mediator;
  const site = opts.site ?? 'guangzhou';
  const applicant = opts.applicant ?? DEMO_PARTIES.applicant;
  const body: CreateCaseBody = {
    disputeTypes: ['unpaid_wages', 'economic_compensation'],
    claim: { amount: '36800.00', currency: 'CNY' },
    summary: '申请人主张被申请人拖欠2026年7月至9月工资共计人民币36,800元，并要求支付解除劳动合同经济补偿。',
    site,
    parties: [
      { side: 'applicant', kind: 'person', ...applicant },
      { side: 'respondent', kind: 'organisation', ...DEMO_PARTIES.respondent },
    ],
  };
  const c = await s.cases.create(actor, body, site);
  const parties = await s.cases.parties(c.id);
  const byside = (side: string) => parties.find((p) => p.side === side)!.id;
  const startsAt = new Date(Date.now() + 3600_000);
  startsAt.setUTCMinutes(0, 0, 0);
  const hearing = await s.hearings.schedule(actor, c.id, {
    startsAt: startsAt.toISOString(), durationMinutes: 120, site, mode: 'online',
    participants: [
      { role: 'mediator', staffId: staff.mediator.id },
      { role: 'applicant', partyId: byside('applicant') },
      { role: 'respondent', partyId: byside('respondent') },
      { role: 'arbitrator', staffId: staff.arbitrator.id },
      { role: 'clerk', staffId: staff.clerk.id },
      { role: 'court', staffId: staff.court.id },
    ],
  });
  const participants = await s.hearings.participants([hearing.id]);
  const links = {} as DemoCase['links'];
  for (const p of participants) {
    const link = await s.links.issue(actor, c.id, hearing.id, p.id, s.config.linkTtlHours);
    const token = s.tokens.signLink({
      linkId: link.id, caseId: c.id, hearingId: hearing.id, role: link.role, participantId: p.id, expiresAt: new Date(link.expiresAt),
    });
    links[p.role as keyof DemoCase['links']] = `${baseUrl}/join#${token}`;
  }
  const mediatorView = await s.roster.getStaff(staff.mediator.id);
  const payBy = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
  const agreement = await s.agreements.create(
    {
      author: `staff:${mediatorView.id}`, name: mediatorView.displayName, role: 'mediator',
      subject: { principal: { kind: 'staff', staffId: mediatorView.id, role: 'mediator', orgId: mediatorView.orgId }, access: await s.cases.access(c.id) },
    },
    c.id,
    {
      kind: 'final', language: opts.agreementLanguage ?? 'zh-Hans', template: 'labour',
      fields: { amount: '36800.00', currency: 'CNY', paymentDate: payBy, paymentMethod: 'bank_transfer', wagePeriod: '2026年7月至9月' },
    },
  );
  const logins = Object.fromEntries(
    STAFF.map((st) => [st.key, { username: st.username, password: DEMO_PASSWORD, displayName: st.displayName }]),
  ) as DemoCase['staff'];
  return {
    caseId: c.id, caseNumber: c.number, hearingId: hearing.id, agreementId: agreement.id, links,
    identities: {
      applicant: { name: applicant.name, idNumber: applicant.idNumber },
      respondent: { name: DEMO_PARTIES.respondent.name, idNumber: DEMO_PARTIES.respondent.idNumber },
    },
    staff: logins,
  };
}

export function formatDemo(d: DemoCase, url: string): string {
  const roles: (keyof DemoCase['links'])[] = ['mediator', 'applicant', 'respondent', 'arbitrator', 'clerk', 'court'];
  const lines = [
    `Concord is running: open ${url}`,
    '',
    `Demo case ${d.caseNumber} (${d.caseId}), one personal mediation link per role:`,
    ...roles.map((r) => `  ${r.padEnd(11)} ${d.links[r]}`),
    '',
    'Identity check data for the parties:',
    `  applicant   name: ${d.identities.applicant.name}   ID number: ${d.identities.applicant.idNumber}`,
    `  respondent  name: ${d.identities.respondent.name}   ID number: ${d.identities.respondent.idNumber}`,
    '',
    'Once the mediator locks the agreement, the parties sign at their link with /sign in place of /join; the court reviews at /court.',
    '',
    `Staff sign-in (password ${DEMO_PASSWORD} for all):`,
    ...Object.values(d.staff).map((s) => `  ${s.username.padEnd(20)} ${s.displayName}`),
  ];
  return lines.join('\n');
}

