import type { CaseStatus, HearingStatus } from '../../../signaling/protocol/domain.js';
import { hearingStatusLabel, statusLabel } from '../labels.js';

const tone: Record<CaseStatus, string> = {
  registered: 'neutral',
  scheduled: 'info',
  mediating: 'info',
  agreed: 'good',
  confirmation_requested: 'info',
  confirmed: 'good',
  confirmation_rejected: 'bad',
  referred_to_arbitration: 'warn',
  follow_up: 'warn',
  withdrawn: 'muted',
  archived: 'muted',
};

export function StatusBadge({ status, testId }: { status: CaseStatus; testId?: string }) {
  return (
    <span class={`badge badge-${tone[status]}`} data-testid={testId} data-status={status}>
      {statusLabel(status)}
    </span>
  );
}

const hearingTone: Record<HearingStatus, string> = { scheduled: 'info', in_progress: 'good', closed: 'muted', cancelled: 'bad' };

export function HearingStatusBadge({ status }: { status: HearingStatus }) {
  return (
    <span class={`badge badge-${hearingTone[status]}`} data-testid="hearing-status" data-status={status}>
      {hearingStatusLabel(status)}
    </span>
  );
}
