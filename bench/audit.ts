import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore, type DatabaseConfig } from '../server/store/db.js';
import { AuditLog } from '../server/cases/audit.js';
import { fmt } from './lib.js';

/**
 * Audit chain: appends per second (each in its own transaction, as the service writes them) and verification speed,
 * against a baseline of the same rows inserted without the chain (no hash, no head row) in the same run.
 */
export async function benchAudit(db: DatabaseConfig, label: string, n: number): Promise<Record<string, string>> {
  const store = await openStore(db);
  const audit = new AuditLog(store.db, store.dialect);
  const chain = `bench:${Date.now()}`;
  const data = { from: 'scheduled', to: 'mediating', reason: '双方同意开始调解 / both sides agree to start mediation' };

  let t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await audit.record(chain, { actor: 'staff:bench', action: 'case.status_changed', data });
  const appendS = Number(process.hrtime.bigint() - t) / 1e9;

  t = process.hrtime.bigint();
  const v = await audit.verify(chain);
  const verifyS = Number(process.hrtime.bigint() - t) / 1e9;
  if (!v.ok || v.checked !== n) throw new Error(`bench chain did not verify: ${JSON.stringify(v)}`);

  const baseChain = `${chain}:plain`;
  t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    await store.db.transaction().execute((trx) =>
      trx.insertInto('audit_entries').values({
        chain_id: baseChain, seq: i + 1, at: new Date().toISOString(), actor: 'staff:bench', action: 'case.status_changed',
        data: JSON.stringify(data), prev_hash: '', hash: '',
      }).execute(),
    );
  }
  const plainS = Number(process.hrtime.bigint() - t) / 1e9;
  await store.close();
  return {
    store: label,
    entries: String(n),
    'append/s': fmt(n / appendS, 0),
    'plain insert/s (baseline)': fmt(n / plainS, 0),
    'append cost vs plain': `${fmt(appendS / plainS, 2)}x`,
    'verify entries/s': fmt(n / verifyS, 0),
  };
}

export function tempSqlite(): { cfg: DatabaseConfig; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-bench-'));
  return { cfg: { kind: 'sqlite', file: path.join(dir, 'bench.sqlite') }, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
