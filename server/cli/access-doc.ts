import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderAccessDoc } from '../auth/policy/doc.js';

/** `npm run access:doc`: writes docs/ACCESS.md from the policy table (server/auth/policy/table.ts). */
const target = resolve(process.argv[2] ?? 'docs/ACCESS.md');
writeFileSync(target, renderAccessDoc());
console.log(`wrote ${target}`);
