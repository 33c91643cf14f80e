import { HEARING_ROLES } from '../../signaling/protocol/domain.js';
import type {
  CaseStatus, Currency, DisputeType, HearingMode, HearingRole, HearingStatus, IdType, Panel, PartyKind, Site, StaffRole,
} from '../../signaling/protocol/domain.js';
import { t } from './i18n/index.js';

/** Translations of the shared vocabulary. The template-literal keys are checked against the catalogue at compile time. */
export const statusLabel = (s: CaseStatus) => t(`status.${s}`);
export const disputeLabel = (d: DisputeType) => t(`dispute.${d}`);
export const roleLabel = (r: HearingRole | StaffRole) => t(`role.${r}`);
/** A role as the server sends it in untyped places (a string): translatable when it is a hearing role. */
export const isHearingRole = (r: string): r is HearingRole => (HEARING_ROLES as readonly string[]).includes(r);
export const siteLabel = (s: Site) => t(`site.${s}`);
export const panelLabel = (p: Panel) => t(`panel.${p}`);
export const kindLabel = (k: PartyKind) => t(`kind.${k}`);
export const idTypeLabel = (i: IdType) => t(`idType.${i}`);
export const currencyLabel = (c: Currency) => t(`currency.${c}`);
export const modeLabel = (m: HearingMode) => t(`mode.${m}`);
export const hearingStatusLabel = (s: HearingStatus) => t(`hearingStatus.${s}`);
