import { useEffect, useRef, useState } from 'preact/hooks';
/** Re-render on an emitter's `state` event. */
export function useEmitterState<S>(emitter: { on(event: 'state', fn: (s: S) => void): () => void }, initial: () => S): S {
  const [state, setState] = useState<S>(initial);
  useEffect(() => emitter.on('state', setState), [emitter]);
  return state;
}

/** The current time, ticking every `ms` while mounted (timers on banners). */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}

/** mm:ss (or h:mm:ss) since an ISO time. */
export function elapsed(sinceIso: string, now: number): string {
  const s = Math.max(0, Math.floor((now - Date.parse(sinceIso)) / 1000));
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** A `<video>`/`<audio>` ref whose srcObject follows `track` (a new MediaStream only when the track changes). */
export function useMediaElement<E extends HTMLMediaElement>(track: MediaStreamTrack | null | undefined) {
  const ref = useRef<E>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (!track) {
      el.srcObject = null;
      return;
    }
    el.srcObject = new MediaStream([track]);
    el.play().catch(() => undefined); // autoplay may wait for a gesture; the join click usually gave one
  }, [track]);
  return ref;
}

/** Whether a media query matches, following changes. */
export function useMedia(query: string): boolean {
  const [match, setMatch] = useState(() => typeof matchMedia !== 'undefined' && matchMedia(query).matches);
  useEffect(() => {
    const mq = matchMedia(query);
    const on = () => setMatch(mq.matches);
    mq.addEventListener('change', on);
    on();
    return () => mq.removeEventListener('change', on);
  }, [query]);
  return match;
}
