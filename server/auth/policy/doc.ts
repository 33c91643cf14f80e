import { CONDITIONS } from './conditions.js';
import type { Cell } from './cells.js';
import { POLICY } from './table.js';
import { POLICY_ROLES, ROLE_LABELS } from './types.js';

const cellText = (cell: Cell | undefined): string =>
  cell === undefined ? '—' : cell.map((alt) => alt.join(' + ')).join(' <br>or ');

/** docs/ACCESS.md, rendered from the policy table (npm run access:doc); a test regenerates it and compares. */
export function renderAccessDoc(): string {
  const out: string[] = [
    '# Who may do what in Concord',
    '',
    '<!-- Generated from server/auth/policy/table.ts by `npm run access:doc`. Do not edit by hand:',
    '     test/unit/access-doc.test.ts fails when this file and the table differ. -->',
    '',
    'Every HTTP route, every socket event (hearing and pad namespaces) and every operator tool that touches case data',
    'asks one function, `can(principal, action, resource)`, about one of the actions below. A cell names the conditions',
    'under which the role may do the action ("a + b": both must hold; "or": either line); "—" means never. Anything not',
    'in this table is denied.',
    '',
    '## Roles',
    '',
    '| role | who |',
    '|---|---|',
    ...POLICY_ROLES.map((r) => `| \`${r}\` | ${ROLE_LABELS[r]} |`),
    '',
    '## Conditions',
    '',
    '| condition | meaning |',
    '|---|---|',
    ...Object.entries(CONDITIONS).map(([c, m]) => `| \`${c}\` | ${m} |`),
    '',
    '## Actions',
    '',
  ];
  for (const row of POLICY) {
    const allow: Partial<Record<string, Cell>> = row.allow;
    out.push(`### \`${row.action}\``, '', row.description, '', '| role | allowed when |', '|---|---|');
    for (const r of POLICY_ROLES) if (allow[r] !== undefined) out.push(`| \`${r}\` | ${cellText(allow[r])} |`);
    const never = POLICY_ROLES.filter((r) => allow[r] === undefined);
    out.push('', `Never: ${never.map((r) => `\`${r}\``).join(', ') || 'nobody is refused'}.`, '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
