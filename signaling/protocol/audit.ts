/**
 * Every action the server writes to an audit chain (server/cases/audit.ts accepts only these), so the client can
 * put each in words (catalogue keys `audit.event.<action>`). Adding an action: add it here, then its label in every
 * language; the typecheck fails until both are done. Never rename one: the chains keep the old code forever.
 */
export const AUDIT_ACTIONS = [
  // the case
  'case.registered',
  'case.status_changed',
  'hearing.scheduled',
  'hearing.language_set',
  // party links and identity checks
  'link.issued',
  'link.revoked',
  'link.lockout_cleared',
  'identity.verified',
  'identity.failed',
  'identity.rate_limited',
  'identity.locked',
  // the organisation's chain: staff sign-in and sessions, organisation credentials
  'login.succeeded',
  'login.failed',
  'login.refused_locked',
  'account.locked',
  'logout',
  'logout.all',
  'staff.deactivated',
  'documents.credentials_created',
  // the live hearing
  'hearing.started',
  'hearing.entered',
  'hearing.left',
  'hearing.consent',
  'hearing.admitted',
  'hearing.denied',
  'hearing.sent_back',
  'hearing.locked',
  'hearing.unlocked',
  'hearing.muted',
  'hearing.unmute_asked',
  'hearing.removed',
  'hearing.caucus_started',
  'hearing.caucus_ended',
  'hearing.interpretation_mode',
  'hearing.chat',
  'hearing.ended',
  // the drafting pad
  'agreement.created',
  'agreement.edited',
  'agreement.fields_changed',
  'agreement.version_named',
  'agreement.clerk_edit',
  'agreement.locked',
  'agreement.unlocked',
  // signing and the seal
  'signature.signers_set',
  'signature.code_issued',
  'signature.signed',
  'signature.voided',
  'signature.unlock_after_seal',
  'agreement.sealed',
  'performance_notice.issued',
  // judicial confirmation
  'court.confirmation_requested',
  'court.confirmed',
  'court.rejected',
  // recordings
  'recording.requested',
  'recording.consent_given',
  'recording.consent_refused',
  'recording.started',
  'recording.track_started',
  'recording.track_stopped',
  'recording.track_failed',
  'recording.file',
  'recording.stopped',
  'recording.composed',
  'recording.transcribed',
  // reading the case file's recordings
  'recording.listed',
  'recording.played',
  'recording.downloaded',
  'transcript.read',
  'transcript.exported',
  // the hearing record
  'record.saved',
  'record.submitted',
  'record.confirmed',
  'record.objected',
  'record.final',
  // confidential caucus material (issue 12)
  'caucus.item_released',
  'caucus.key_shredded',
  // personal data and retention (issue 12): the organisation's schedule, deletions by it, a person's data export
  'retention.schedule_changed',
  'retention.recordings_deleted',
  'retention.transcripts_deleted',
  'retention.chat_deleted',
  'retention.identity_deleted',
  'data.exported',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

const KNOWN: ReadonlySet<string> = new Set(AUDIT_ACTIONS);

/** False for an action this build does not know (written by a server of another version): show its code. */
export function isAuditAction(s: string): s is AuditAction {
  return KNOWN.has(s);
}
