/**
 * What the controller of a pair (controller.ts) and the active set of one term (term.ts, built by
 * compose-pair.ts) ask of each other.
 */
import type { Component } from '../util/lifecycle.js';
import type { Claim } from './status.js';

/** The active set of one term, as the controller runs it. */
export interface ActiveSet {
  parts: Component[];
  /** Republish the online status now. */
  assertStatus(): void;
  /** Taken over from another node: say so to the operators (a system alarm). */
  tookOver?(from: Claim, term: number): void;
  close(): void;
}

/** What a term asks of the node; term.ts `TermHa` extends it with what compose-pair.ts adds. */
export interface TermLink {
  term: number;
  /**
   * The partition was another node's before this term: its retained records are the truth. When
   * it was this node's own (or nobody's), this node's state directory is, as for a single node —
   * it also holds when the broker lost its retained messages.
   */
  adopt: boolean;
  onlinePayload(): string;
  offlinePayload: string;
  /** True once this term is over for any reason but a clean stop: its connection publishes no status then. */
  deposed(): boolean;
  onPartitionClosed(reasonCode: number | undefined): void;
  /** The heartbeat went unacknowledged too long: the broker may think this node gone (term.ts). */
  onLeaseLapsed(): void;
  sync(): Promise<void>;
}
