import { z } from 'zod';

/**
 * Personal data and retention (issue 12): the organisation's retention schedule (HTTP body and view) and the export
 * manifest. Days count from the day the case closed (became `archived`).
 */
export const RETENTION_CATEGORIES = ['recordings', 'transcripts', 'chat', 'identity'] as const;
export type RetentionCategory = (typeof RETENTION_CATEGORIES)[number];

/**
 * At least 30 days: a party may ask a court to confirm the agreement within 30 days of it taking effect, and the
 * file must still be whole then. At most ten years.
 */
const days = z.number().int().min(30).max(3650);
export const RetentionScheduleBody = z.strictObject({
  recordingsDays: days, transcriptsDays: days, chatDays: days, identityDays: days,
});
export type RetentionScheduleBody = z.infer<typeof RetentionScheduleBody>;

export interface RetentionScheduleView extends RetentionScheduleBody {
  orgId: string;
  /** True while the organisation has not set its own: these are the defaults. */
  isDefault: boolean;
  updatedAt: string | null;
  updatedBy: string | null;
}

/** One file of a personal-data export, as manifest.json lists it. */
export interface ExportManifestFile {
  path: string; sha256: string; bytes: number;
  kind: 'case' | 'participant' | 'identity' | 'hearing_record' | 'chat' | 'agreement' | 'recording' | 'transcript';
  description: string;
}
export interface ExportManifest {
  format: 'concord-personal-data-export/1';
  generatedAt: string; caseId: string; caseNumber: string;
  subject: { participantIds: string[]; partyId: string | null; name: string };
  files: ExportManifestFile[];
  notes: string[];
}
