import { isAuditAction } from '../../../../signaling/protocol/audit.js';
import { getLang, type Lang } from '../index.js';
import { enAudit, type AuditEventCatalogue } from './en.js';
import { zhHansAudit } from './zh-Hans.js';
import { zhHantAudit } from './zh-Hant.js';
import { ptAudit } from './pt.js';

/**
 * The audit events in words, in catalogues of their own (not the main one), so they travel with the staff, court and
 * recordings views that show them and stay out of the join page's first load. Every language is complete
 * (AuditEventCatalogue: one label per action of signaling/protocol/audit.ts).
 */
export const auditCatalogues: Record<Lang, AuditEventCatalogue> = { en: enAudit, 'zh-Hans': zhHansAudit, 'zh-Hant': zhHantAudit, pt: ptAudit };

/** An audit action in words; an action this build does not know (another server version) stays its code. */
export const auditActionLabel = (code: string): string => (isAuditAction(code) ? auditCatalogues[getLang()][`audit.event.${code}`] : code);
