import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';

export const CASE_TABS = ['overview', 'hearings', 'documents', 'recordings', 'audit'] as const;
export type CaseTab = (typeof CASE_TABS)[number];

const fromHash = (): CaseTab => {
  const h = location.hash.replace(/^#/, '');
  return (CASE_TABS as readonly string[]).includes(h) ? (h as CaseTab) : 'overview';
};

/** The case page's chosen section, kept in the URL hash (`/cases/:id#documents`) so a reload or a shared link keeps it. */
export function useCaseTab(): [CaseTab, (t: CaseTab) => void] {
  const [tab, setTab] = useState<CaseTab>(fromHash);
  useEffect(() => {
    const on = () => setTab(fromHash());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  const choose = (next: CaseTab) => {
    setTab(next);
    history.replaceState(history.state, '', `${location.pathname}${location.search}#${next}`);
  };
  return [tab, choose];
}

/**
 * The tab bar (WAI-ARIA tabs: arrow keys, Home and End move between tabs and select them; only the chosen tab is in
 * the Tab order). On a phone the bar scrolls sideways instead of wrapping.
 */
export function CaseTabBar({ tab, onChoose }: { tab: CaseTab; onChoose: (t: CaseTab) => void }) {
  const bar = useRef<HTMLDivElement>(null);
  const focus = (next: CaseTab) => {
    onChoose(next);
    bar.current?.querySelector<HTMLButtonElement>(`#case-tab-${next}`)?.focus();
  };
  const onKey = (e: KeyboardEvent) => {
    const i = CASE_TABS.indexOf(tab);
    const n = CASE_TABS.length;
    const to = e.key === 'ArrowRight' ? (i + 1) % n : e.key === 'ArrowLeft' ? (i + n - 1) % n : e.key === 'Home' ? 0 : e.key === 'End' ? n - 1 : -1;
    if (to < 0) return;
    e.preventDefault();
    focus(CASE_TABS[to]!);
  };
  return (
    <div class="case-tabs" role="tablist" aria-label={t('detail.tabs')} ref={bar} onKeyDown={onKey} data-testid="case-tabs">
      {CASE_TABS.map((k) => (
        <button key={k} type="button" role="tab" id={`case-tab-${k}`} aria-controls={`case-panel-${k}`} aria-selected={tab === k}
          tabIndex={tab === k ? 0 : -1} class="case-tab" data-testid={`case-tab-${k}`} onClick={() => onChoose(k)}>
          {t(`detail.tab.${k}`)}
        </button>
      ))}
    </div>
  );
}

/** One tab's panel: kept mounted while hidden, so its data is loaded and its state survives switching. */
export function CaseTabPanel({ id, tab, children }: { id: CaseTab; tab: CaseTab; children: ComponentChildren }) {
  return (
    <div role="tabpanel" id={`case-panel-${id}`} aria-labelledby={`case-tab-${id}`} hidden={tab !== id} data-testid={`case-panel-${id}`} class="case-panel">
      {children}
    </div>
  );
}
