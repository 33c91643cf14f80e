/**
 * Opt-in trace of the media negotiation, for tests and field debugging: set `window.__concordDebug = true` (or
 * `localStorage['concord.debug'] = '1'`) and every step is written to the console with a timestamp.
 */
export function debugOn(): boolean {
  const g = globalThis as unknown as { __concordDebug?: boolean; localStorage?: Storage };
  if (g.__concordDebug) return true;
  try {
    return g.localStorage?.getItem('concord.debug') === '1';
  } catch {
    return false;
  }
}

export function trace(what: string, data?: unknown): void {
  if (!debugOn()) return;
  console.debug(`[concord ${new Date().toISOString().slice(11, 23)}] ${what}${data === undefined ? '' : ` ${JSON.stringify(data)}`}`);
}

/** m-lines of an SDP in one short string: `mid:kind:direction:streamId`. */
export function sdpSummary(sdp: string): string {
  return sdp
    .split(/\r?\nm=/)
    .slice(1)
    .map((s) => {
      const kind = s.slice(0, 5);
      const mid = /a=mid:(\S+)/.exec(s)?.[1] ?? '?';
      const dir = /a=(sendonly|recvonly|sendrecv|inactive)/.exec(s)?.[1] ?? '?';
      const msid = /a=msid:(\S+)/.exec(s)?.[1] ?? '-';
      return `${mid}:${kind}:${dir}:${msid.slice(0, 8)}`;
    })
    .join(',');
}
