import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The layering of docs/ARCHITECTURE.md, enforced by .dependency-cruiser.cjs. First the real tree must pass; then a
 * fixture with the same folder names and the same config, built in a temp folder (the real tree is never touched),
 * proves each rule actually reports a violation and lets the allowed imports through.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const depcruise = path.join(root, 'node_modules/.bin/depcruise');

interface Violation { rule: { name: string; severity: string }; from: string; to: string }

const TARGETS = ['server', 'signaling', 'recordings', 'client/src'];

/** As `npm run lint:deps` runs it: the `err` reporter, whose exit code is the number of errors. */
function lint(cwd: string) {
  const r = spawnSync(depcruise, [...TARGETS, '--config', '.dependency-cruiser.cjs'], { cwd, encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** The violations as data (the json reporter always exits 0). */
function violations(cwd: string): Violation[] {
  const r = spawnSync(depcruise, [...TARGETS, '--config', '.dependency-cruiser.cjs', '--output-type', 'json'], {
    cwd, encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  try {
    return JSON.parse(r.stdout).summary.violations;
  } catch {
    throw new Error(`depcruise gave no JSON (exit ${r.status}): ${r.stderr}`);
  }
}

describe('import rules on the real tree', () => {
  it('npm run lint:deps passes: no error-level violation', () => {
    const r = lint(root);
    expect(r.status, r.output).toBe(0);
    expect(r.output).toMatch(/no dependency violations found|\(0 errors/);
  });
});

/** Fixture files: path -> source. Names ending in `violation` must be reported; the rest are allowed imports. */
const FIXTURE: Record<string, string> = {
  'signaling/protocol/domain.ts': `export const SITES = ['guangzhou'] as const;\n`,
  'signaling/protocol/errors.ts': `export type ErrorCode = 'validation';\n`,
  'signaling/protocol/core_violation.ts': `import fs from 'node:fs';\nexport const x = fs;\n`,
  'signaling/protocol/internal_violation.ts': `import { AppError } from '../../server/lib/errors.js';\nexport const y = AppError;\n`,
  'server/config/index.ts': `export const config = Object.freeze({});\n`,
  'server/lib/errors.ts': `import type { ErrorCode } from '../../signaling/protocol/errors.js';\nexport class AppError extends Error { code?: ErrorCode }\n`,
  'server/lib/cycle_a.ts': `import { b } from './cycle_b.js';\nexport const a = () => b;\n`,
  'server/lib/cycle_b.ts': `import { a } from './cycle_a.js';\nexport const b = () => a;\n`,
  'server/store/db.ts': `import { config } from '../config/index.js';\nimport { AppError } from '../lib/errors.js';\nexport const db = { config, AppError };\n`,
  'server/store/cases_violation.ts': `import { CaseService } from '../cases/cases.js';\nexport const s = CaseService;\n`,
  'server/store/test_violation.ts': `import { helper } from '../../test/helpers/server.js';\nexport const h = helper;\n`,
  'server/auth/tokens.ts': `import { config } from '../config/index.js';\nimport { AppError } from '../lib/errors.js';\nimport { SITES } from '../../signaling/protocol/domain.js';\nexport const t = { config, AppError, SITES };\n`,
  'server/auth/cases_violation.ts': `import type { CaseService } from '../cases/cases.js';\nexport type C = CaseService;\n`,
  'server/cases/cases.ts': `import type { Database } from '../store/schema.js';\nimport { db } from '../store/db.js';\nimport { SITES } from '../../signaling/protocol/domain.js';\nexport class CaseService { db?: Database; x = [db, SITES]; }\n`,
  'server/store/schema.ts': `export interface Database { cases: unknown }\n`,
  'server/cases/__violation_tmp.ts': `import { createApp } from '../http/app.js';\nexport const app = createApp;\n`,
  'server/cases/auth_violation.ts': `import { t } from '../auth/tokens.js';\nexport const tt = t;\n`,
  'server/http/app.ts': `import { CaseService } from '../cases/cases.js';\nimport { t } from '../auth/tokens.js';\nimport { config } from '../config/index.js';\nexport const createApp = () => [CaseService, t, config];\n`,
  'server/http/store_violation.ts': `import { db } from '../store/db.js';\nexport const d = db;\n`,
  'server/http/wiring_violation.ts': `import { wire } from '../wiring.js';\nexport const w = wire;\n`,
  'server/newplace/thing_violation.ts': `import { AppError } from '../lib/errors.js';\nexport const e = AppError;\n`,
  'server/wiring.ts': `import { db } from './store/db.js';\nimport { createApp } from './http/app.js';\nimport { CaseService } from './cases/cases.js';\nexport const wire = () => [db, createApp, CaseService];\n`,
  'server/main.ts': `import { wire } from './wiring.js';\nimport { config } from './config/index.js';\nwire(); void config;\n`,
  'server/cli/demo.ts': `import { db } from '../store/db.js';\nimport { wire } from '../wiring.js';\nvoid db; wire();\n`,
  'server/media/engine.ts': `export interface MediaEngine { close(): void }\n`,
  'server/media/werift/engine.ts': `import type { MediaEngine } from '../engine.js';\nimport { AppError } from '../../lib/errors.js';\nexport const e = (m: MediaEngine) => [m, AppError];\n`,
  'server/hearings/hearing.ts': `import type { MediaEngine } from '../media/engine.js';\nimport { CaseService } from '../cases/cases.js';\nexport const h = (m: MediaEngine) => [m, CaseService];\n`,
  'server/hearings/engine_violation.ts': `import { e } from '../media/werift/engine.js';\nexport const x = e;\n`,
  'recordings/recorder.ts': `import { AppError } from '../server/lib/errors.js';\nimport { config } from '../server/config/index.js';\nimport type { MediaEngine } from '../server/media/engine.js';\nexport const r = (m: MediaEngine) => [m, AppError, config];\n`,
  'recordings/cases_violation.ts': `import { CaseService } from '../server/cases/cases.js';\nexport const c = CaseService;\n`,
  'client/src/app.tsx': `import { SITES } from '../../signaling/protocol/domain.js';\nimport { t } from './i18n/index.js';\nexport const App = () => <p>{t(SITES[0])}</p>;\n`,
  'client/src/i18n/index.ts': `import { en } from './en.js';\nexport type Catalogue = Record<string, string>;\nexport const t = (k: string) => en[k] ?? k;\n`,
  // A cycle made only through a type import is allowed (it is erased at run time).
  'client/src/i18n/en.ts': `import type { Catalogue } from './index.js';\nexport const en: Catalogue = {};\n`,
  'client/src/server_violation.ts': `import { AppError } from '../../server/lib/errors.js';\nexport const e = AppError;\n`,
  'client/src/core_violation.ts': `import path from 'node:path';\nexport const p = path;\n`,
  'signaling/document/agreement.ts': `export const parseAgreement = (s: string) => [s];\n`,
  'signaling/document/core_violation.ts': `import fs from 'node:fs';\nexport const f = fs;\n`,
  'signaling/document/internal_violation.ts': `import { AppError } from '../../server/lib/errors.js';\nexport const e = AppError;\n`,
  'client/src/doc.ts': `import { parseAgreement } from '../../signaling/document/agreement.js';\nexport const d = parseAgreement;\n`,
  'test/helpers/server.ts': `import { wire } from '../../server/wiring.js';\nexport const helper = wire;\n`,
};

/** Each violation file and the rules it must trip (one file can break more than one rule). */
const EXPECTED: [from: string, to: string, rule: string][] = [
  ['signaling/protocol/core_violation.ts', 'fs', 'protocol-only-zod'],
  ['signaling/protocol/internal_violation.ts', 'server/lib/errors.ts', 'protocol-imports-nothing-internal'],
  ['server/store/cases_violation.ts', 'server/cases/cases.ts', 'store-imports-lib-config'],
  ['server/store/test_violation.ts', 'test/helpers/server.ts', 'nothing-imports-test'],
  ['server/store/test_violation.ts', 'test/helpers/server.ts', 'store-imports-lib-config'],
  ['server/auth/cases_violation.ts', 'server/cases/cases.ts', 'auth-imports-lib-config-protocol'],
  ['server/cases/__violation_tmp.ts', 'server/http/app.ts', 'cases-imports-lib-store-protocol'],
  ['server/cases/auth_violation.ts', 'server/auth/tokens.ts', 'cases-imports-lib-store-protocol'],
  ['server/http/store_violation.ts', 'server/store/db.ts', 'http-imports-auth-cases-documents-signing-court-pad-recordings-lib-config-protocol'],
  ['server/http/wiring_violation.ts', 'server/wiring.ts', 'http-imports-auth-cases-documents-signing-court-pad-recordings-lib-config-protocol'],
  ['server/newplace/thing_violation.ts', 'server/lib/errors.ts', 'server-folder-has-a-layer'],
  ['server/hearings/engine_violation.ts', 'server/media/werift/engine.ts', 'hearings-imports-lib-cases-media-interface-protocol'],
  ['recordings/cases_violation.ts', 'server/cases/cases.ts', 'recordings-imports-lib-config-media-interface-protocol'],
  ['client/src/server_violation.ts', 'server/lib/errors.ts', 'client-imports-only-protocol'],
  ['client/src/core_violation.ts', 'path', 'client-no-node-core'],
  ['signaling/document/core_violation.ts', 'fs', 'document-only-markdown-it'],
  ['signaling/document/internal_violation.ts', 'server/lib/errors.ts', 'document-imports-nothing-internal'],
];

describe('import rules bite (fixture in a temp folder, same config)', () => {
  let dir: string;
  let found: Violation[];
  let linted: ReturnType<typeof lint>;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-depcruise-'));
    for (const f of ['.dependency-cruiser.cjs', 'tsconfig.json', 'package.json']) fs.copyFileSync(path.join(root, f), path.join(dir, f));
    for (const [file, src] of Object.entries(FIXTURE)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), src);
    }
    found = violations(dir);
    linted = lint(dir);
  });
  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const errors = () => found.filter((v) => v.rule.severity === 'error');

  it('lint exits non-zero, naming the rules', () => {
    expect(linted.status).not.toBe(0);
    expect(linted.output).toContain('cases-imports-lib-store-protocol: server/cases/__violation_tmp.ts');
  });

  it.each(EXPECTED)('%s -> %s breaks %s', (from, to, rule) => {
    expect(errors().some((v) => v.from === from && v.to === to && v.rule.name === rule)).toBe(true);
  });

  it('reports the runtime cycle and not the type-only one', () => {
    // One report per cycle, from whichever member the cruise met first.
    const cycles = errors().filter((v) => v.rule.name === 'no-circular');
    expect(cycles).toHaveLength(1);
    expect([cycles[0]!.from, cycles[0]!.to].sort()).toEqual(['server/lib/cycle_a.ts', 'server/lib/cycle_b.ts']);
  });

  it('reports nothing else: allowed imports and the wiring files stay clean', () => {
    const expected = new Set(EXPECTED.map(([f, t, r]) => `${r}: ${f} -> ${t}`));
    const unexpected = errors()
      .filter((v) => v.rule.name !== 'no-circular')
      .map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`)
      .filter((s) => !expected.has(s));
    expect(unexpected).toEqual([]);
    for (const v of errors()) expect(v.from).not.toMatch(/^server\/(main|wiring)\.ts$|^server\/cli\/|^test\//);
  });

  it('leaves the real tree alone', () => {
    expect(fs.existsSync(path.join(root, 'server/cases/__violation_tmp.ts'))).toBe(false);
  });
});
