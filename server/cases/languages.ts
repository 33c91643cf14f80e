import { CaseLanguages, type CaseLanguage } from '../../signaling/protocol/languages.js';

/**
 * Which languages a case's documents are printed in (issue 17). Explicit on the case when staff chose them at
 * registration (`cases.languages`), otherwise derived from its site and parties by deriveCaseLanguages, which lives in
 * signaling/protocol/languages.ts so the new-case form shows the same result before the case exists.
 */
export { deriveCaseLanguages } from '../../signaling/protocol/languages.js';

/** The stored column (JSON or null) read back through the one schema; a value that does not parse counts as unset. */
export function storedCaseLanguages(json: string | null | undefined): CaseLanguage[] | null {
  if (!json) return null;
  try {
    const r = CaseLanguages.safeParse(JSON.parse(json));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}
