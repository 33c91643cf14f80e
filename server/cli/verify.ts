import fs from 'node:fs';
import { verifyPdf, type VerifyReport } from '../documents/verify.js';

/**
 * `npm run verify -- file.pdf [--json] [--trust ca.pem]... [--store]`
 * Checks every signature of a PDF and whether it changed after signing (server/documents/verify.ts).
 * --trust: a PEM certificate to trust as a root (repeatable); --store: trust the CAs of every organisation in the
 * configured store (what POST /api/verify does). Exit code 0: signed, every signature valid, unchanged since;
 * 2: not signed, a signature invalid, or content changed after signing; 1: usage or read error.
 */
const args = process.argv.slice(2);
const files: string[] = [];
const trust: string[] = [];
let json = false;
let useStore = false;
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  if (a === '--json') json = true;
  else if (a === '--store') useStore = true;
  else if (a === '--trust' && args[i + 1]) trust.push(fs.readFileSync(args[++i]!, 'utf8'));
  else if (a.startsWith('-')) files.length = 0, (process.exitCode = 1);
  else files.push(a);
}
if (files.length !== 1 || process.exitCode === 1) {
  process.stderr.write('usage: npm run verify -- <file.pdf> [--json] [--trust ca.pem]... [--store]\n');
  process.exit(1);
}

function summary(r: VerifyReport): string {
  const out = [`${files[0]}: ${r.size} bytes, ${r.pages} pages, SHA-256 ${r.sha256}`];
  for (const s of r.signatures) {
    out.push(
      `  #${s.index + 1} ${s.valid ? 'VALID  ' : 'INVALID'} ${s.signerName} (${s.fieldName ?? '-'}, ${s.subFilter ?? '-'})`,
      `      time ${s.signingTime ?? '-'}; certificate ${s.certificate?.subject ?? '-'}; issuer ${s.certificate?.issuer ?? '-'}; ${s.trusted ? 'trusted' : 'not a trusted root'}`,
      `      digest ${s.digestValid ? 'ok' : 'MISMATCH'}, signature ${s.signatureValid ? 'ok' : 'BAD'}, ${s.coversWholeDocument ? 'covers the whole file' : `${s.changesAfter.bytesAfter} bytes added after it (${s.changesAfter.signaturesAdded} signatures, ${s.changesAfter.certificatePagesAdded.length} certificate page(s)${s.changesAfter.contentChanged ? ', CONTENT CHANGED' : ''})`}`,
      ...s.problems.map((p) => `      problem: ${p}`),
    );
  }
  out.push(...r.problems.map((p) => `  problem: ${p}`));
  out.push(r.ok ? 'RESULT: valid, unchanged since signing' : r.modifiedAfterSigning ? 'RESULT: CHANGED after signing' : 'RESULT: NOT valid');
  return `${out.join('\n')}\n`;
}

let bytes: Buffer;
try {
  bytes = fs.readFileSync(files[0]!);
} catch (err) {
  process.stderr.write(`cannot read ${files[0]}: ${(err as Error).message}\n`);
  process.exit(1);
}
if (useStore) {
  const { loadConfig } = await import('../config/index.js');
  const { createLogger } = await import('../lib/logger.js');
  const { createServices } = await import('../wiring.js');
  const services = await createServices(loadConfig(), createLogger('silent'));
  try {
    trust.push(...(await services.documents.credentials.trustAnchors()).map((a) => a.caPem));
  } finally {
    await services.store.close();
  }
}
const report = await verifyPdf(bytes, { trustAnchors: trust });
process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : summary(report));
process.exitCode = report.ok ? 0 : 2;
