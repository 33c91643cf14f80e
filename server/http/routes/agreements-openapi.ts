import {
  AGREEMENT_LANGUAGES, ClerkEditBody, CreateAgreementBody, DiffQuery, LockBody, NameVersionBody, SetFieldsBody, UnlockBody,
} from '../../../signaling/protocol/pad.js';
import type { AddPath } from '../openapi-paths.js';

/** The drafting pad's REST paths (routes/agreements.ts); the live text goes over the `/pad` socket, not here. */
export function registerAgreementPaths(add: AddPath): void {
  add('get', '/api/agreements/templates/{language}', `The agreement template of a language (${AGREEMENT_LANGUAGES.join(', ')})`, { public: true });
  add('get', '/api/cases/{caseId}/agreements', 'Agreements of a case with the caller\'s access (staff or participant session)');
  add('post', '/api/cases/{caseId}/agreements', 'Create an agreement (from the labour template or blank)', { body: CreateAgreementBody, status: 201 });
  add('get', '/api/agreements/{agreementId}', 'An agreement, its current text and the caller\'s access');
  add('post', '/api/agreements/{agreementId}/fields', 'Set or clear typed field values', { body: SetFieldsBody });
  add('get', '/api/agreements/{agreementId}/versions', 'Named versions');
  add('post', '/api/agreements/{agreementId}/versions', 'Name the current text as a version', { body: NameVersionBody, status: 201 });
  add('get', '/api/agreements/{agreementId}/diff', 'Differences between two versions (or `current`)', { query: DiffQuery });
  add('get', '/api/agreements/{agreementId}/changes', 'The change log');
  add('get', '/api/agreements/{agreementId}/attribution', 'Who wrote which part of the text');
  add('get', '/api/agreements/{agreementId}/locked', 'The locked canonical text and its SHA-256 (400 when not locked)');
  add('post', '/api/agreements/{agreementId}/lock', 'Lock the text for signature (mediator)', { body: LockBody });
  add('post', '/api/agreements/{agreementId}/unlock', 'Unlock (voids what was signed on that text)', { body: UnlockBody });
  add('post', '/api/agreements/{agreementId}/clerk-edit', 'Allow or forbid the clerk to edit (mediator)', { body: ClerkEditBody });
}

