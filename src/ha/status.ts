/**
 * The retained status of a partition (`{prefix}/status/{instance}`, SPEC §4, §10) as a pair of nodes
 * reads and writes it: who holds the partition (`node`) and in which `term`, a number each takeover
 * raises. The term is the fencing token: of two claims the higher one wins, so a node that was away
 * — partitioned, paused, restarted — and comes back holding an old term learns that it lost.
 *
 *   {"state":"online","since":ISO,"version":"x.y.z","node":"a","term":7}     the active node (republished as its heartbeat)
 *   {"state":"offline","node":"a","term":7}                                  its Last Will, or its stop
 *   {"state":"offline","node":"a","term":7,"handover":true}                  a clean stop: the standby may take over at once
 *
 * A status without `node`/`term` (a daemon without `ha`) is a claim of term 0 by nobody.
 */

export interface Claim {
  term: number;
  node: string;
}

export interface Status extends Claim {
  online: boolean;
  /** Offline after a clean stop: nothing is left to wait for. */
  handover: boolean;
}

/** Orders claims: a higher term wins; at the same term the node whose name sorts first wins. */
export function compareClaims(a: Claim, b: Claim): number {
  if (a.term !== b.term) return a.term - b.term;
  return a.node === b.node ? 0 : a.node < b.node ? 1 : -1;
}

/** The status in a payload, or undefined for an empty (deleted) or unreadable one. */
export function parseStatus(payload: Buffer | string): Status | undefined {
  const text = typeof payload === 'string' ? payload : payload.toString('utf8');
  if (text.length === 0 || text.length > 4096) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof doc !== 'object' || doc === null) return undefined;
  const d = doc as Record<string, unknown>;
  if (d.state !== 'online' && d.state !== 'offline') return undefined;
  const term = typeof d.term === 'number' && Number.isSafeInteger(d.term) && d.term >= 0 ? d.term : 0;
  const node = typeof d.node === 'string' ? d.node : '';
  return { term, node, online: d.state === 'online', handover: d.state === 'offline' && d.handover === true };
}

export function onlineStatus(c: Claim, since: string, version: string): string {
  return JSON.stringify({ state: 'online', since, version, node: c.node, term: c.term });
}

export function offlineStatus(c: Claim, handover = false): string {
  return JSON.stringify({ state: 'offline', node: c.node, term: c.term, ...(handover ? { handover: true } : {}) });
}
