import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderAccessDoc } from '../../server/auth/policy/doc.js';
import { ACTIONS, POLICY } from '../../server/auth/policy.js';

describe('docs/ACCESS.md', () => {
  it('is exactly what the policy table renders (run `npm run access:doc` after changing the table)', () => {
    expect(readFileSync('docs/ACCESS.md', 'utf8')).toBe(renderAccessDoc());
  });

  it('names every action once, each with a description', () => {
    expect(new Set(ACTIONS).size).toBe(ACTIONS.length);
    for (const row of POLICY) expect(row.description.length, row.action).toBeGreaterThan(10);
  });
});
