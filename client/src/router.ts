import { useEffect, useState } from 'preact/hooks';

/** A tiny pathname router: history.pushState + popstate, no hash routing (the hash carries join tokens). */
const EVENT = 'concord:navigate';

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  const current = location.pathname + location.search + location.hash;
  if (to === current) return;
  if (opts.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  window.dispatchEvent(new Event(EVENT));
  if (!opts.replace) window.scrollTo(0, 0);
}

/** Replace only the query string (list filters), without a new history entry or a re-render. */
export function replaceQuery(params: Record<string, string | number | undefined>): void {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '' && v !== 0) sp.set(k, String(v));
  const qs = sp.toString();
  history.replaceState(null, '', location.pathname + (qs ? `?${qs}` : ''));
}

export function usePathname(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const update = () => setPath(location.pathname);
    window.addEventListener('popstate', update);
    window.addEventListener(EVENT, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(EVENT, update);
    };
  }, []);
  return path;
}

export type Route =
  | { name: 'login' }
  | { name: 'cases' }
  | { name: 'newCase' }
  | { name: 'case'; id: string }
  | { name: 'join' }
  | { name: 'waiting' }
  | { name: 'room' }
  | { name: 'pad'; id: string | null }
  | { name: 'verify' }
  | { name: 'sign' }
  | { name: 'court' }
  | { name: 'courtRequest'; id: string }
  | { name: 'retention' }
  | { name: 'notFound' };

export function matchRoute(pathname: string): Route {
  const p = pathname.replace(/\/+$/, '') || '/';
  if (p === '/') return { name: 'cases' };
  if (p === '/login') return { name: 'login' };
  if (p === '/cases/new') return { name: 'newCase' };
  if (p === '/join') return { name: 'join' };
  if (p === '/waiting') return { name: 'waiting' };
  if (p === '/room') return { name: 'room' };
  if (p === '/pad') return { name: 'pad', id: null };
  const pad = /^\/pad\/([^/]+)$/.exec(p);
  if (pad?.[1]) return { name: 'pad', id: decodeURIComponent(pad[1]) };
  if (p === '/verify') return { name: 'verify' };
  if (p === '/sign') return { name: 'sign' };
  if (p === '/court') return { name: 'court' };
  if (p === '/settings/retention') return { name: 'retention' };
  const court = /^\/court\/requests\/([^/]+)$/.exec(p);
  if (court?.[1]) return { name: 'courtRequest', id: decodeURIComponent(court[1]) };
  const m = /^\/cases\/([^/]+)$/.exec(p);
  if (m?.[1]) return { name: 'case', id: decodeURIComponent(m[1]) };
  return { name: 'notFound' };
}

/** Client-side navigation for plain links; modified clicks (new tab etc.) keep the browser default. */
export function onLinkClick(e: MouseEvent): void {
  const a = e.currentTarget as HTMLAnchorElement | null;
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  navigate(a.getAttribute('href') ?? '/');
}
