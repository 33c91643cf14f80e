import { RetentionScheduleBody } from '../../../signaling/protocol/privacy.js';
import type { AddPath } from '../openapi-paths.js';

/** Retention schedules and personal-data exports (routes/privacy.ts). */
export function registerPrivacyPaths(add: AddPath): void {
  add('get', '/api/orgs/{orgId}/retention', 'Org admin: the organisation\'s retention schedule (days after a case closes, per category)');
  add('put', '/api/orgs/{orgId}/retention', 'Org admin: set the retention schedule (audited in the organisation\'s chain)', { body: RetentionScheduleBody });
  add('get', '/api/cases/{caseId}/my-data.zip', 'A participant: export your own data in this case (zip with manifest.json; audited)', { produces: 'application/zip' });
  add('get', '/api/cases/{caseId}/participants/{participantId}/export.zip', 'Org admin: export one participant\'s data (zip with manifest.json; audited)', { produces: 'application/zip' });
}
