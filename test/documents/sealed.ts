import { renderAgreementPdf, signPdf } from '../../server/documents/index.js';
import type { TestServer } from '../helpers/server.js';
import { CASE_INFO, PARTIES, sampleAgreement, sampleSignatures } from './samples.js';

/**
 * A one-page agreement sealed with the credentials of the server's Guangzhou mediation organisation (created in its store
 * on first use, so its CA is a trust anchor of that server's verifier), and a copy with one byte of page content flipped.
 * The organisation is chosen by site, not by id order: ids are random and the Hong Kong panel is a mediation body too.
 */
export async function sealedAndChanged(s: TestServer): Promise<{ orgId: string; sealed: Buffer; changed: Buffer }> {
  const org = await s.services.store.db.selectFrom('organisations').select(['id']).where('kind', '=', 'mediation').where('site', '=', 'guangzhou').executeTakeFirstOrThrow();
  const creds = await s.services.documents.credentials.forOrg(org.id);
  const a = sampleAgreement({ pages: 1 });
  const sealed = Buffer.from(await signPdf(await renderAgreementPdf({ agreement: a, caseInfo: CASE_INFO, parties: PARTIES, signatures: sampleSignatures(a) }), {
    credentials: creds, name: creds.subjectName, reason: 'Seal of the mediation organisation', location: 'Guangzhou',
  }));
  const changed = Buffer.from(sealed);
  const at = changed.indexOf('stream\n', changed.indexOf('/Filter /FlateDecode')) + 30;
  changed[at] = changed[at]! ^ 0x20;
  return { orgId: org.id, sealed, changed };
}
