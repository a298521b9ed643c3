/**
 * Components with a lifecycle (STYLE habit 13, after zigbee2mqtt's controller and extensions).
 * Each long-lived part of the daemon is a component with `start()`/`stop()` and the names of the
 * components it needs; the runner starts them in dependency order, stops them in reverse, and never
 * lets a component start before everything it needs has started. A start that fails stops what
 * had started, in reverse, and rethrows.
 */
import type { Logger } from './logger.js';

export interface Component {
  readonly name: string;
  /** Components that must have started before this one starts (and stop after it stops). */
  readonly needs?: readonly string[];
  start?(): Promise<void> | void;
  stop?(): Promise<void> | void;
  /**
   * The runner is stopping while this component's start() is still pending (a connect that may wait
   * its whole timeout): make that start settle now. Its stop() still runs once it has.
   */
  abort?(): void;
}

type RunnerState = 'new' | 'starting' | 'started' | 'stopping' | 'stopped';

export class Runner {
  private readonly ordered: Component[];
  private readonly started: Component[] = [];
  /** The component whose start() is pending, and the start loop. */
  private current: Component | undefined;
  private starting: Promise<void> | undefined;
  private state: RunnerState = 'new';

  constructor(
    components: readonly Component[],
    private readonly logger: Logger,
  ) {
    this.ordered = order(components);
  }

  /** The components in start order. */
  get components(): readonly Component[] {
    return this.ordered;
  }

  get running(): boolean {
    return this.state === 'started';
  }

  async start(): Promise<void> {
    if (this.state !== 'new') throw new Error(`runner already ${this.state}`);
    this.state = 'starting';
    this.starting = this.startAll();
    try {
      await this.starting;
    } finally {
      this.starting = undefined;
    }
  }

  /**
   * Stops what started, in reverse; a failing stop is logged and the rest still stop. Called while
   * starting, it aborts the start pending and resolves once that component has stopped too.
   */
  async stop(): Promise<void> {
    if (this.state === 'stopped' || this.state === 'stopping') return;
    const starting = this.state === 'starting' ? this.starting : undefined;
    this.state = 'stopping';
    this.current?.abort?.();
    // The start loop settles first: once the pending start() has, it stops what started, that
    // component included, in reverse.
    await starting?.catch(() => undefined);
    await this.stopAll(this.started.splice(0).reverse());
    this.state = 'stopped';
  }

  private async startAll(): Promise<void> {
    for (const c of this.ordered) {
      if (this.state !== 'starting') return; // stop() was called meanwhile
      this.current = c;
      try {
        await c.start?.();
      } catch (err) {
        this.current = undefined;
        this.logger.debug({ component: c.name }, 'component failed to start; stopping the others');
        if (this.state === 'starting') {
          this.state = 'stopping';
          await this.stopAll(this.started.splice(0).reverse());
          this.state = 'stopped';
        }
        throw err;
      }
      this.current = undefined;
      this.started.push(c);
      // stop() was called while this one was starting: stop it and the others, in reverse.
      if ((this.state as RunnerState) !== 'starting') {
        await this.stopAll(this.started.splice(0).reverse());
        return;
      }
    }
    this.state = 'started';
  }

  private async stopAll(components: Component[]): Promise<void> {
    for (const c of components) {
      try {
        await c.stop?.();
      } catch (err) {
        this.logger.error({ err, component: c.name }, `stopping ${c.name} failed`);
      }
    }
  }
}

/** Dependency order, keeping the given order where nothing constrains it; fails fast on a mistake. */
export function order(components: readonly Component[]): Component[] {
  const byName = new Map<string, Component>();
  for (const c of components) {
    if (byName.has(c.name)) throw new Error(`component "${c.name}" is listed twice`);
    byName.set(c.name, c);
  }
  for (const c of components)
    for (const n of c.needs ?? [])
      if (!byName.has(n)) throw new Error(`component "${c.name}" needs "${n}", which is not listed`);
  const out: Component[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (c: Component, path: string[]): void => {
    const s = state.get(c.name);
    if (s === 'done') return;
    if (s === 'visiting')
      throw new Error(`components depend on each other in a cycle: ${[...path, c.name].join(' → ')}`);
    state.set(c.name, 'visiting');
    for (const n of c.needs ?? []) visit(byName.get(n) as Component, [...path, c.name]);
    state.set(c.name, 'done');
    out.push(c);
  };
  for (const c of components) visit(c, []);
  return out;
}

/** A sub-runner's list: needs on components outside it (the process's own, started before) dropped. */
export function scoped<T extends Component>(parts: readonly T[]): T[] {
  const names = new Set(parts.map((p) => p.name));
  return parts.map((p) => ({ ...p, needs: (p.needs ?? []).filter((n) => names.has(n)) }));
}
