/**
 * Taking over the hazard register from another node (SPEC §10, §11): the retained hazard records
 * (`{prefix}/hazards/{site}/H-{n}`) are the live hazards as the node before published them —
 * rectifications, reopenings and overdue escalations made there included. Pure.
 *
 * - A retained record newer than this node's entry (or unknown to it) is taken; what the record does
 *   not carry is derived from its history: who rectified it and when (the two-person rule), when it
 *   went overdue and how far its escalation climbed, and its rule key (one live hazard per rule
 *   and sensor).
 * - A live hazard of this node's state directory with no retained record was verified (its record
 *   emptied) or never existed on the other node: it is dropped. Verified ones are kept as history.
 * - Hazard numbers continue after the highest seen, so no two hazards of a site share an id.
 * - The rules' counts (raises, shelves, drift) are this node's own: those of the other node's term
 *   are not on the broker, so a count starts from what this node saw.
 */
import { HAZARD_RULES, type HazardRecord, type HazardRule } from '../domain/hazards.js';
import type { HazardEntry, RegisterDoc } from './register.js';
import { hazardKey } from './rules.js';

export function adoptHazards(
  doc: RegisterDoc | undefined,
  retained: readonly HazardRecord[],
  owns: (site: string) => boolean,
  escalateAfter: number,
): RegisterDoc {
  const own = new Map((doc?.hazards ?? []).map((e) => [e.record.id, e]));
  const next = new Map(Object.entries(doc?.next ?? {}));
  const hazards: HazardEntry[] = [];
  for (const r of retained) {
    if (!owns(r.site) || r.state === 'verified') continue;
    const n = Number(/\/H-(\d+)$/.exec(r.id)?.[1]);
    if (Number.isSafeInteger(n)) next.set(r.site, Math.max(next.get(r.site) ?? 1, n + 1));
    const e = own.get(r.id);
    own.delete(r.id);
    hazards.push(e && e.record.updatedAt >= r.updatedAt ? e : derive(structuredClone(r), escalateAfter));
  }
  for (const e of own.values()) if (e.record.state === 'verified' || !owns(e.record.site)) hazards.push(e);
  return {
    version: 1,
    next: Object.fromEntries(next),
    hazards,
    closed: doc?.closed ?? [],
    watch: doc?.watch ?? { raises: [], shelves: [], drift: [] },
  };
}

/** The register's entry of a record, from what its history says. */
function derive(r: HazardRecord, escalateAfter: number): HazardEntry {
  const last = (action: string) => [...r.history].reverse().find((h) => h.action === action);
  const rectified = r.state === 'rectified' ? last('rectified') : undefined;
  const overdue = r.overdue ? last('overdue') : undefined;
  const overdueSince = overdue ? Date.parse(overdue.at) : null;
  const escalated = overdue ? last('escalated') : undefined;
  const slot =
    overdueSince === null
      ? null
      : escalated && Date.parse(escalated.at) >= overdueSince
        ? Math.floor((Date.parse(escalated.at) - overdueSince) / Math.max(1, escalateAfter))
        : 0;
  const rule = (HAZARD_RULES as readonly string[]).includes(r.kind) ? (r.kind as HazardRule) : undefined;
  return {
    record: r,
    key: rule && r.sensor !== null ? hazardKey(rule, r.site, r.sensor) : null,
    rectifiedBy: rectified?.by ?? null,
    rectifiedAt: rectified ? Date.parse(rectified.at) : null,
    overdueSince,
    slot,
  };
}
