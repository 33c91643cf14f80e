/** The shared vocabulary of DOMAIN.md: one name per concept, used by server, client and tests. */

export const SITES = ['guangzhou', 'shenzhen', 'zhuhai', 'hong_kong', 'macau'] as const;
export type Site = (typeof SITES)[number];

export const DISPUTE_TYPES = [
  'labour_relationship', // 确认劳动关系
  'unpaid_wages', // 追索劳动报酬
  'dismissal', // 解除/终止劳动合同
  'social_insurance', // 社会保险
  'working_hours', // 工作时间
  'economic_compensation', // 经济补偿
] as const;
export type DisputeType = (typeof DISPUTE_TYPES)[number];

export const CURRENCIES = ['CNY', 'HKD', 'MOP'] as const;
export type Currency = (typeof CURRENCIES)[number];

export const PANELS = ['mainland', 'hong_kong', 'macau'] as const;
export type Panel = (typeof PANELS)[number];

export const ORG_KINDS = ['mediation', 'court'] as const;
export type OrgKind = (typeof ORG_KINDS)[number];

/** Roles a staff account can hold. */
export const STAFF_ROLES = ['mediator', 'arbitrator', 'clerk', 'court', 'org_admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** Roles a person can have in a hearing (what a mediation link names). */
export const HEARING_ROLES = [
  'applicant',
  'respondent',
  'mediator',
  'arbitrator',
  'clerk',
  'interpreter',
  'observer',
  'court',
] as const;
export type HearingRole = (typeof HEARING_ROLES)[number];
/** Hearing roles held by a party of the case (identity check against the case's party data). */
export const PARTY_ROLES = ['applicant', 'respondent'] as const satisfies readonly HearingRole[];
/** Hearing roles held by a staff member (identity check by the staff member's own password). */
export const STAFF_HEARING_ROLES = ['mediator', 'arbitrator', 'clerk', 'court'] as const satisfies readonly HearingRole[];
/** Hearing roles held by a named guest (interpreter, observer): identity check by name and ID number given at issue. */
export const GUEST_ROLES = ['interpreter', 'observer'] as const satisfies readonly HearingRole[];

export const PARTY_SIDES = ['applicant', 'respondent'] as const;
export type PartySide = (typeof PARTY_SIDES)[number];

export const PARTY_KINDS = ['person', 'organisation'] as const;
export type PartyKind = (typeof PARTY_KINDS)[number];

export const ID_TYPES = ['prc_id', 'hk_id', 'macau_id', 'passport', 'home_return_permit', 'uscc'] as const;
export type IdType = (typeof ID_TYPES)[number];

/** Case status lifecycle (DOMAIN.md "The case lifecycle"). The server enforces the transitions. */
export const CASE_STATUSES = [
  'registered', // 受理登记
  'scheduled', // hearing scheduled
  'mediating', // 调解中
  'agreed', // agreement effective (调解协议书生效)
  'confirmation_requested', // 司法确认申请中
  'confirmed', // 司法确认
  'confirmation_rejected', // 不予确认
  'referred_to_arbitration', // 转仲裁
  'follow_up', // 回访 / 支付令 route for an agreement not performed
  'withdrawn', // 撤回
  'archived', // 归档
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const HEARING_STATUSES = ['scheduled', 'in_progress', 'closed', 'cancelled'] as const;
export type HearingStatus = (typeof HEARING_STATUSES)[number];

export const HEARING_MODES = ['online', 'hybrid'] as const;
export type HearingMode = (typeof HEARING_MODES)[number];

/**
 * Spoken languages (issue 17) as BCP 47 language subtags: Mandarin, Cantonese, English, Portuguese. Distinct from the interface
 * languages (zh-Hans, zh-Hant, en, pt): a hearing participant speaks one (`language`), an interpreter works between
 * two, and the listening channels of a hearing are named by them. The transcripts use the same codes.
 */
export const SPOKEN_LANGUAGES = ['cmn', 'yue', 'en', 'pt'] as const;
export type SpokenLanguage = (typeof SPOKEN_LANGUAGES)[number];
/** The ISO 639-2/3 code media files carry (Matroska/WebM track language). */
export const ISO639_3: Readonly<Record<SpokenLanguage, string>> = { cmn: 'cmn', yue: 'yue', en: 'eng', pt: 'por' };

/**
 * How an interpreter works: `simultaneous` into their language channel (only its listeners hear them), `consecutive`
 * on the floor (everyone hears them), `whispered` (chuchotage: only the party they serve hears them).
 */
export const INTERPRETATION_MODES = ['simultaneous', 'consecutive', 'whispered'] as const;
export type InterpretationMode = (typeof INTERPRETATION_MODES)[number];

/** The listening channel with no interpretation: the room's own audio. A language channel is named by its language. */
export const FLOOR_CHANNEL = 'floor';
export const LISTENING_CHANNELS = [FLOOR_CHANNEL, ...SPOKEN_LANGUAGES] as const;
export type ListeningChannel = (typeof LISTENING_CHANNELS)[number];

/**
 * An interpreter's assignment: between `from` (what they listen to on the floor) and `to` (the channel they speak
 * into, simultaneous mode), optionally serving one party of the case (`servesPartyId`; needed for whispered mode).
 */
export interface Interpretation {
  from: SpokenLanguage;
  to: SpokenLanguage;
  mode: InterpretationMode;
  servesPartyId: string | null;
}
