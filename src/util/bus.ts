/**
 * A small typed event map for fan-out after alarm transitions (STYLE: "one failing listener is
 * logged and cannot stop the others").
 */
import type { Logger } from './logger.js';

export class Bus<Events extends { [K in keyof Events]: unknown }> {
  private listeners = new Map<keyof Events, Set<(payload: never) => void>>();

  constructor(private readonly logger: Logger) {}

  on<K extends keyof Events>(name: K, fn: (payload: Events[K]) => void): () => void {
    let set = this.listeners.get(name);
    if (!set) {
      set = new Set();
      this.listeners.set(name, set);
    }
    set.add(fn as (payload: never) => void);
    return () => set.delete(fn as (payload: never) => void);
  }

  emit<K extends keyof Events>(name: K, payload: Events[K]): void {
    const set = this.listeners.get(name);
    if (!set) return;
    for (const fn of set) {
      try {
        (fn as (p: Events[K]) => void)(payload);
      } catch (err) {
        this.logger.error({ err, event: String(name) }, 'event listener failed');
      }
    }
  }
}
