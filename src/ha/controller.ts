/**
 * A node of a hot-standby pair as a component (SPEC §10, docs/ha.md): it watches the partition's
 * status (watch.ts), feeds what it sees to the role machine (role.ts) and carries out its effects —
 * a fresh active set started for each term it takes (term.ts, on a runner of its own) and stopped
 * when the term ends, its status asserted, the takeover timer. While standby it runs the standby
 * set instead (the other node's events into its journal, its own undelivered notifications).
 *
 * Effects run one at a time, in order: a term is never stopped while it is still starting (its
 * connection could otherwise come up after the stop and hold the partition with nobody behind it).
 * The highest term this node has held is kept in `ha.json` in the state directory, so its next
 * term is higher even when the broker lost the retained status.
 */
import type { Clock, Timer } from '../util/clock.js';
import { type Component, Runner, scoped } from '../util/lifecycle.js';
import type { Logger } from '../util/logger.js';
import type { ActiveSet, TermLink } from './active-set.js';
import type { Mirror } from './mirror.js';
import type { DemoteReason, Role, RoleEffect, RoleInput, RoleState } from './role.js';
import * as machine from './role.js';
import { type Claim, compareClaims, offlineStatus, onlineStatus } from './status.js';
import { loadTerm, saveTerm } from './term-file.js';
import type { HaWatch, WatchOptions } from './watch.js';

/** MQTT 5 reason code of a DISCONNECT sent to a client whose session another connection took. */
const SESSION_TAKEN_OVER = 0x8e;

export type { ActiveSet, TermLink };

export interface ControllerDeps<T extends ActiveSet> {
  node: string;
  takeoverAfter: number;
  version: string;
  stateDir: string;
  clock: Clock;
  logger: Logger;
  mirror: Mirror;
  /** The watch; built with `controller.watchCallbacks()`. */
  watch: () => HaWatch;
  buildActive: (link: TermLink) => T;
  buildStandby: () => Component[];
  /** Told every role change (metrics, presence). */
  onRole?: (role: Role, term: number) => void;
  random?: () => number;
}

export class HaController<T extends ActiveSet = ActiveSet> {
  readonly name = 'ha';
  private state: RoleState;
  private timer: Timer | undefined;
  private queue: Promise<void> = Promise.resolve();
  private active: { set: T; runner: Runner; term: number } | undefined;
  private standby: Runner | undefined;
  /** Time from the decision to take over to the active set running, of the last takeover (ms). */
  lastTakeoverMs: number | undefined;
  takeovers = 0;
  private readonly peers = new Map<string, string>();

  constructor(private readonly deps: ControllerDeps<T>) {
    this.state = machine.initialRole(deps.node, 0);
  }

  get role(): Role {
    return this.state.role;
  }
  get term(): number {
    return this.state.term;
  }

  /** The node the status says holds the partition (null when none is known to). */
  get activeNode(): { node: string; term: number; online: boolean } | null {
    const h = this.state.highest;
    return h ? { node: h.node, term: h.term, online: h.online } : null;
  }

  /** Whether the watch sees the partition's status now. */
  get watching(): boolean {
    return this.state.watching;
  }
  /** The other nodes of the pair and their roles, as their presence says. */
  get peerRoles(): Record<string, string> {
    return Object.fromEntries(this.peers);
  }

  /** The callbacks the watch feeds. */
  watchCallbacks(): Pick<WatchOptions, 'onSynced' | 'onStatus' | 'onLost' | 'onPeer'> {
    const now = () => this.deps.clock.now();
    return {
      onSynced: (status) => this.input({ type: 'synced', status, now: now() }),
      onStatus: (status) => this.input({ type: 'status', status, now: now() }),
      onLost: () => this.input({ type: 'watch_lost' }),
      onPeer: (node, role) => {
        this.peers.set(node, role);
        this.input({ type: 'peer', standby: [...this.peers.values()].includes('standby') });
      },
    };
  }

  async start(): Promise<void> {
    const term = await loadTerm(this.deps.stateDir);
    this.state = machine.initialRole(this.deps.node, term);
    const { node, takeoverAfter } = this.deps;
    this.deps.logger.info({ node, lastTerm: term, takeoverAfter }, 'hot standby: starting as standby');
    this.deps.mirror.collect(true);
    this.enqueue(() => this.startStandby());
    this.deps.onRole?.('standby', term);
    this.deps.watch().start();
  }

  async stop(): Promise<void> {
    this.timer?.cancel();
    this.input({ type: 'stop' });
    this.enqueue(async () => {
      await this.standby?.stop();
      this.standby = undefined;
    });
    await this.queue;
    await this.deps.watch().stop();
  }

  /** The active set of the term in force, if any. */
  current(): T | undefined {
    return this.state.role === 'active' ? this.active?.set : undefined;
  }

  private input(i: RoleInput): void {
    const before = this.state;
    const { state, effects } = machine.stepRole(before, i, this.deps.takeoverAfter);
    this.state = state;
    if (state.role !== before.role) {
      this.deps.onRole?.(state.role, state.term);
      this.deps.watch().publishPresence();
    }
    for (const e of effects) this.effect(e, before);
  }

  private effect(e: RoleEffect, before: RoleState): void {
    switch (e.type) {
      case 'wake':
        this.wake(e.at);
        return;
      case 'assert':
        this.active?.set.assertStatus();
        return;
      case 'promote':
        this.enqueue(() => this.promote(e.term, before));
        return;
      case 'demote':
        this.enqueue(() => this.demote(e.reason));
        return;
    }
  }

  private wake(at: number): void {
    this.timer?.cancel();
    const now = this.deps.clock.now();
    // A little jitter, so that two nodes that saw the same status do not both try at the same moment.
    const jitter =
      at <= now ? 0 : Math.floor((this.deps.random ?? Math.random)() * Math.min(500, this.deps.takeoverAfter / 10));
    const delay = Math.max(0, at - now) + jitter;
    this.timer = this.deps.clock.setTimeout(() => this.input({ type: 'tick', now: this.deps.clock.now() }), delay);
  }

  private enqueue(fn: () => Promise<void>): void {
    this.queue = this.queue.then(fn).catch((err) => this.deps.logger.error({ err }, 'hot standby: step failed'));
  }

  private async promote(term: number, before: RoleState): Promise<void> {
    const log = this.deps.logger;
    const from = before.highest;
    const started = this.deps.clock.now();
    log.info(
      { term, from: from ? { node: from.node, term: from.term, online: from.online } : null },
      `hot standby: taking the partition over (term ${term})`,
    );
    await saveTerm(this.deps.stateDir, this.deps.node, term, this.deps.clock.now(), this.deps.logger);
    await this.standby?.stop();
    this.standby = undefined;
    let set: T;
    const link = this.link(term, from !== null && from.node !== this.deps.node);
    try {
      set = this.deps.buildActive(link);
    } catch (err) {
      log.error({ err }, 'hot standby: building the active set failed');
      await this.afterFailure();
      return;
    }
    const runner = new Runner(scoped(set.parts), log);
    this.active = { set, runner, term };
    try {
      await runner.start();
    } catch (err) {
      log.error({ err: (err as Error).message, term }, 'hot standby: taking the partition over failed; standing by');
      set.close();
      this.active = undefined;
      await this.afterFailure();
      return;
    }
    if (this.state.role !== 'promoting' || this.state.term !== term) return; // a demotion is queued behind us
    this.deps.mirror.collect(false);
    this.lastTakeoverMs = this.deps.clock.now() - started;
    this.takeovers++;
    // A failover is worth an alarm; a planned handover (a clean stop) is not.
    if (from && from.node !== this.deps.node && !from.handover) set.tookOver?.(from, term);
    this.input({ type: 'promoted', now: this.deps.clock.now() });
    log.info({ term, tookMs: this.lastTakeoverMs }, `hot standby: active (term ${term})`);
  }

  /** What the active set of `term` asks of this node. */
  private link(term: number, adopt: boolean): TermLink {
    const claim: Claim = { term, node: this.deps.node };
    const since = new Date(this.deps.clock.now()).toISOString();
    return {
      term,
      adopt,
      onlinePayload: () => onlineStatus(claim, since, this.deps.version),
      offlinePayload: offlineStatus(claim),
      deposed: () => this.deposed(term) || (this.state.role !== 'stopped' && this.active?.term !== term),
      onPartitionClosed: (code) =>
        this.lost(
          term,
          code === SESSION_TAKEN_OVER
            ? 'hot standby: another connection took the partition’s session over'
            : 'hot standby: lost the partition’s connection',
          { reasonCode: code },
        ),
      // The standby takes over when it has not heard the heartbeat for takeoverAfter: stop first.
      onLeaseLapsed: () =>
        this.lost(term, 'hot standby: the broker has not acknowledged the heartbeat; the partition may be another’s'),
      sync: () => this.deps.watch().sync(),
    };
  }

  /** The term's link to the partition is gone or in doubt: step down (role.ts `partition_lost`). */
  private lost(term: number, why: string, detail: Record<string, unknown> = {}): void {
    if (this.active?.term !== term || (this.state.role !== 'active' && this.state.role !== 'promoting')) return;
    this.deps.logger.warn({ term, ...detail }, why);
    this.input({ type: 'partition_lost', now: this.deps.clock.now() });
  }

  private async afterFailure(): Promise<void> {
    await this.startStandby();
    this.input({ type: 'failed', now: this.deps.clock.now() });
  }

  private async demote(reason: DemoteReason): Promise<void> {
    const log = this.deps.logger;
    const began = this.deps.clock.now();
    const a = this.active;
    // From here the term is over: its connection says nothing more on the status (TermLink.deposed).
    if (reason !== 'stop') this.active = undefined;
    if (a) {
      const h = this.state.highest;
      log.warn(
        { term: a.term, reason, highest: h ? { node: h.node, term: h.term } : null },
        reason === 'stop'
          ? 'hot standby: stopping the active set'
          : reason === 'deposed'
            ? `hot standby: node ${h?.node} holds the partition now (term ${h?.term}); standing by`
            : 'hot standby: the partition is no longer ours; stopping the active set and standing by',
      );
      await a.runner.stop();
      a.set.close();
      this.active = undefined;
      if (reason === 'stop' && !this.deposed(a.term)) await this.handover(a.term);
    }
    if (reason === 'stop') return;
    this.deps.mirror.collect(true);
    await this.startStandby();
    this.input({ type: 'demoted', now: this.deps.clock.now() });
    log.info({ tookMs: this.deps.clock.now() - began }, 'hot standby: standing by');
  }

  /** A clean stop: the standby need not wait for a Last Will. */
  private async handover(term: number): Promise<void> {
    try {
      await this.deps.watch().publishStatus(offlineStatus({ term, node: this.deps.node }, true));
      this.deps.logger.info({ term }, 'hot standby: handed the partition over');
    } catch (err) {
      this.deps.logger.warn({ err: (err as Error).message }, 'hot standby: could not publish the handover');
    }
  }

  private deposed(term: number): boolean {
    const h = this.state.highest;
    return h !== null && compareClaims(h, { term, node: this.deps.node }) > 0;
  }

  private async startStandby(): Promise<void> {
    if (this.standby || this.state.role === 'stopped') return;
    const runner = new Runner(scoped(this.deps.buildStandby()), this.deps.logger);
    this.standby = runner;
    try {
      await runner.start();
    } catch (err) {
      this.deps.logger.error({ err }, 'hot standby: the standby set failed to start');
    }
  }
}
