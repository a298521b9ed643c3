/**
 * The arithmetic of a responsibility chain (SPEC §9): where an unacknowledged alarm stands on its
 * site's chain some time after it was raised, and what the journal says about who was reached.
 * Pure, so that a restart resumes every chain exactly where the clock says it should be.
 */
import type { ResponsibleDef, SiteDef } from '../domain/sensor.js';
import type { AlarmEvent, AlarmRecord } from '../domain/types.js';

/** The comment of `notified` events the escalation records, so a restart can find them. */
export const ESCALATION_NOTICE = 'escalation';

/**
 * `elapsed` ms after the start: the index of the person who has it now, and when (ms after the
 * start) the next step falls due — past the end of the chain, the next reminder on the last
 * person's grid.
 */
export function chainPosition(
  chain: readonly { escalateAfter: number }[],
  elapsed: number,
): { index: number; nextAt: number } {
  const after = (i: number) => (chain[i] as { escalateAfter: number }).escalateAfter;
  let index = 0;
  let nextAt = after(0);
  while (index < chain.length - 1 && elapsed >= nextAt) {
    index++;
    nextAt += after(index);
  }
  if (elapsed >= nextAt) {
    const every = after(index);
    nextAt += (Math.floor((elapsed - nextAt) / every) + 1) * every;
  }
  return { index, nextAt };
}

/** An `escalated` event, or a `notified` one the escalation recorded (not a routed delivery). */
export function isOurs(e: AlarmEvent): boolean {
  if (!e.operator) return false;
  return e.type === 'escalated' || (e.type === 'notified' && (e.comment?.startsWith(ESCALATION_NOTICE) ?? false));
}

/** Index of the furthest person of the chain reached since this raise, by the journal's notices; -1 none. */
export function reached(r: AlarmRecord, chain: readonly { name: string }[], notices: readonly AlarmEvent[]): number {
  const since = Date.parse(r.raisedAt as string);
  let best = -1;
  for (const e of notices) {
    if (Date.parse(e.at) < since) continue;
    const i = chain.findIndex((p) => p.name === e.operator);
    if (i > best) best = i;
  }
  return best;
}

/** "site: name" of every person of the sites' chains that `reached` says no path reaches. */
export function unreachablePeople(sites: Iterable<SiteDef>, reached: (p: ResponsibleDef) => boolean): string[] {
  const out: string[] = [];
  for (const site of sites) for (const p of site.responsible) if (!reached(p)) out.push(`${site.id}: ${p.name}`);
  return out;
}
