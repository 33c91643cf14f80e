/**
 * A test hook, and nothing else: the browser tests set `window.__concordPadFault = 'decorations'` (no page, link or
 * setting does) to make the headings plugin hand CodeMirror one bad decoration, so the editor's recovery from an
 * extension error is exercised in a real browser. Taking the fault clears it: it happens once.
 */
export function takeFault(name: 'decorations'): boolean {
  const g = globalThis as { __concordPadFault?: string };
  if (g.__concordPadFault !== name) return false;
  delete g.__concordPadFault;
  return true;
}
