import type { Page } from 'playwright-core';
import { AUDIT_ACTIONS } from '../../signaling/protocol/audit.js';

/**
 * The text a person sees (or hears from a screen reader) on a page, for the language checks of
 * test/e2e/languages.test.ts: visible text nodes and the aria-label, title, placeholder and alt of visible elements,
 * whitespace collapsed, each string once. Skipped: text in another language than the page's, as marked with `lang`
 * (the language menu's own names, the server's English detail in an error banner), `translate="no"`, and code-like
 * elements (code, pre, kbd, samp), scripts and media.
 */
const COLLECT = `(() => {
  const out = new Set();
  const SKIP = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'CODE', 'PRE', 'KBD', 'SAMP', 'VIDEO', 'AUDIO', 'CANVAS', 'svg', 'SVG']);
  const pageLang = document.documentElement.lang;
  const skipped = (el) => {
    for (let e = el; e && e !== document.documentElement; e = e.parentElement) {
      if (SKIP.has(e.tagName)) return true;
      const l = e.getAttribute('lang');
      if (l && l !== pageLang) return true;
      if (e.getAttribute('translate') === 'no') return true;
    }
    return false;
  };
  const visible = (el) => {
    const target = el.tagName === 'OPTION' || el.tagName === 'OPTGROUP' ? el.closest('select') : el;
    return !target || !target.checkVisibility || target.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });
  };
  const clean = (s) => s.replace(/\\s+/g, ' ').trim();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const t = clean(n.nodeValue || '');
    const el = n.parentElement;
    if (!t || !el || skipped(el) || !visible(el)) continue;
    out.add(t);
  }
  for (const el of document.body.querySelectorAll('[aria-label], [title], [placeholder], [alt]')) {
    if (skipped(el) || !visible(el)) continue;
    for (const a of ['aria-label', 'title', 'placeholder', 'alt']) {
      const v = clean(el.getAttribute(a) || '');
      if (v) out.add(v);
    }
  }
  return [...out];
})()`;

export async function visibleStrings(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(COLLECT);
}

/** Audit action codes: shown as the tooltip of their translated words (client/src/components/AuditAction.tsx). */
const AUDIT_CODES: ReadonlySet<string> = new Set(AUDIT_ACTIONS);

/** A message key shown as itself ("room.leave", "audit.event.case.registered"): how a key with no message would show. */
export function looksLikeKey(s: string): boolean {
  return !AUDIT_CODES.has(s) && /^[a-z][a-zA-Z0-9]*(\.[a-zA-Z0-9_-]+)+$/.test(s) && !/\.(pdf|json|txt|webm|png|zip)$/i.test(s) && !/^demo\./.test(s);
}

/** Codes, numbers and technical names written the same in every language. */
const CODES: RegExp[] = [
  /https?:\/\/\S+/g,
  /\b[\w.+-]+@[\w-]+(\.[\w-]+)+\b/g,
  /\b[A-Z]{2}-\d{4}-\d{6}\b/g, // case numbers
  /\b[A-Z][A-Za-z]+\/[A-Za-z_]+(\/[A-Za-z_]+)?\b/g, // IANA time zones (Asia/Shanghai)
  /\b(staff|link|system|participant|party|guest):[\w.:-]+/g, // actor ids (audit)
  /\b[a-z]{2,6}_[A-Za-z0-9_-]+/g, // ids
  /\b[0-9a-f]{6,}\b/gi, // hashes
  /\b(SHA-?256|PDF|PAdES|JSON|IP|UTC|GMT|CNY|HKD|MOP|USD|Concord|WebRTC|OK|ID|Hash|YYYY-MM-DD|v\d+|[A-Z]{1,3}\d*)\b/g,
  /\b\d+ min\b/g, // minutes: the same unit in English and Portuguese
  /^Fake (Default )?(Audio|Video) (Input|Output)( \d+)?$/g, // device names (Chromium's fake devices in the pre-join checks)
];

/**
 * May a string with Latin letters read the same as in English? Yes when what is left after taking out the names
 * (people, organisations, the case number: data, not interface) and codes has no Latin letter left.
 */
export function allowedSameAsEnglish(s: string, names: readonly string[]): boolean {
  if (AUDIT_CODES.has(s)) return true;
  let rest = s;
  for (const n of [...names].sort((a, b) => b.length - a.length)) if (n) rest = rest.split(n).join(' ');
  for (const re of CODES) rest = rest.replace(re, ' ');
  return !/[A-Za-z]/.test(rest);
}
