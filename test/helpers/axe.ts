import fs from 'node:fs';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';

/**
 * axe-core on the page as it stands (WCAG 2.x A and AA rules plus axe's best practices): counts by impact and the
 * violations, each with its rule, help text and the first few offending elements, so a failing test says what to fix.
 */
export type Impact = 'critical' | 'serious' | 'moderate' | 'minor';
export type AxeCounts = Record<Impact, number>;
export interface AxeViolation { id: string; impact: Impact; help: string; targets: string[] }
export interface AxeReport { counts: AxeCounts; violations: AxeViolation[] }

const IMPACTS: Impact[] = ['critical', 'serious', 'moderate', 'minor'];

export async function runAxe(page: Page): Promise<AxeReport> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
    .analyze();
  const counts: AxeCounts = { critical: 0, serious: 0, moderate: 0, minor: 0 };
  const violations: AxeViolation[] = [];
  for (const v of result.violations) {
    const impact: Impact = IMPACTS.includes(v.impact as Impact) ? (v.impact as Impact) : 'minor';
    // A rule counts once per offending element, as axe's own summary does.
    counts[impact] += v.nodes.length;
    violations.push({ id: v.id, impact, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) });
  }
  return { counts, violations };
}

/** Per page state and language: the counts, written as JSON for docs/TESTING.md's table. */
export class AxeLog {
  readonly entries: { state: string; lang: string; counts: AxeCounts; violations: AxeViolation[] }[] = [];
  constructor(private readonly file = path.join('test-results', 'axe.json')) {}
  /** Adds one result and rewrites the file, so a run cut short still leaves what it measured. */
  add(state: string, lang: string, report: AxeReport): void {
    this.entries.push({ state, lang, ...report });
    this.write();
  }
  write(): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    fs.writeFileSync(this.file, JSON.stringify(this.entries, null, 2));
  }
}
