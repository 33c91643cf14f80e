/** A tiny typed event emitter (no framework, no DOM): the room's plain-TypeScript modules use it to tell the views. */
export class Emitter<E extends Record<string, unknown>> {
  private readonly listeners = new Map<keyof E, Set<(v: never) => void>>();

  on<K extends keyof E>(event: K, fn: (value: E[K]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(fn as (v: never) => void);
    return () => {
      set.delete(fn as (v: never) => void);
    };
  }

  emit<K extends keyof E>(event: K, value: E[K]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const fn of [...set]) {
      try {
        (fn as (v: E[K]) => void)(value);
      } catch (err) {
        // One broken listener must not stop the others (or the socket handler that emitted).
        console.error(`listener for ${String(event)} failed`, err);
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
