/**
 * The undeclared sensors tracked for the console's *unconfigured* list (SPEC §1), bounded so that a
 * flood of invented topics cannot exhaust memory: least recently heard first out. A sensor heard
 * again moves to the back, so every undeclared sensor that keeps publishing — a typo in a site file,
 * a new detector nobody declared — stays listed unless more than `max` other undeclared sensors are
 * heard between two of its readings; an evicted one reappears with its next reading. (A cap that is
 * never freed, as before issue 11, hid a genuine typo for good once a flood had filled it.)
 */
export class RecentKeys {
  /** Insertion order is last-heard order: the first key is the least recently heard. */
  private readonly keys = new Set<string>();
  /** Keys evicted since start, for the metric. */
  evicted = 0;

  constructor(readonly max: number) {}

  get size(): number {
    return this.keys.size;
  }

  /** Mark `key` heard now; returns the key evicted to make room for it, if any. */
  touch(key: string): string | undefined {
    if (this.keys.delete(key)) {
      this.keys.add(key);
      return undefined;
    }
    this.keys.add(key);
    if (this.keys.size <= this.max) return undefined;
    const oldest = this.keys.values().next().value as string;
    this.keys.delete(oldest);
    this.evicted++;
    return oldest;
  }

  delete(key: string): void {
    this.keys.delete(key);
  }
}
