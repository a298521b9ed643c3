/**
 * The register's timed pass: each rule's findings reconciled with the live hazards — a new
 * condition opens a hazard, a condition that went away is noted (the hazard stays open, see
 * machine.ts), one that came back after rectification reopens it — and open hazards past their
 * deadline climb the chain (overdue.ts).
 */
import type { HazardsConfig } from '../config/schema-hazards.js';
import { HAZARD_RULES, type HazardRule, REGISTER_ACTOR } from '../domain/hazards.js';
import type { ResponsibleDef } from '../domain/sensor.js';
import type { Translate } from '../i18n/index.js';
import { getOrSet } from '../util/maps.js';
import { step } from './machine.js';
import { overdueStep, personAt } from './overdue.js';
import {
  calibrationFindings,
  countFindings,
  driftFindings,
  type Finding,
  staleFindings,
  standingFindings,
} from './rules.js';
import type { Zone } from './texts.js';
import * as text from './texts.js';
import { emit, type HazardEntry, line, type NewHazard, ownerIn, type Tx } from './tx.js';
import type { HazardWatch } from './watch.js';

export interface PassContext {
  cfg: HazardsConfig;
  watch: HazardWatch;
  /** Live hazards of the rules by key. */
  live: ReadonlyMap<string, HazardEntry>;
  entries: ReadonlyMap<string, HazardEntry>;
  after(key: string): number;
  open(tx: Tx, h: NewHazard): HazardEntry;
  chain(site: string): readonly ResponsibleDef[];
  /** The language of the texts the pass writes (config `locale`). */
  t: Translate;
  /** The zone of a site's times in those texts. */
  zone(site: string): Zone;
}

export function runPass(ctx: PassContext, tx: Tx, now: number): void {
  const { rules } = ctx.cfg;
  const w = ctx.watch;
  // The live hazards of each rule, so that each rule looks at its own only.
  const byRule = new Map<string, HazardEntry[]>();
  for (const e of ctx.live.values()) getOrSet(byRule, e.record.kind, () => []).push(e);
  const reconcile = (rule: HazardRule, findings: Finding[]) =>
    reconcileRule(ctx, tx, now, rule, findings, byRule.get(rule) ?? []);
  if (rules.stale) reconcile('stale', staleFindings(w.standing.values(), rules.stale, now));
  if (rules.standing) reconcile('standing', standingFindings(w.standing.values(), rules.standing, now, !!rules.stale));
  if (rules.chattering)
    reconcile('chattering', countFindings('chattering', w.raises, rules.chattering, now, ctx.after));
  if (rules.shelved) reconcile('shelved', countFindings('shelved', w.shelves, rules.shelved, now, ctx.after));
  if (rules.drift) reconcile('drift', driftFindings(w.driftingSensors(), rules.drift, now));
  if (rules.calibration) reconcile('calibration', calibrationFindings(w.dueCalibrations(), now));
  // A rule turned off no longer watches its condition: say so, or its hazards could never be verified.
  for (const rule of HAZARD_RULES)
    if (!rules[rule]) reconcileRule(ctx, tx, now, rule, [], byRule.get(rule) ?? [], text.ruleOffNote(ctx.t, rule));
  for (const e of ctx.entries.values()) if (e.record.state === 'open') overdue(ctx, tx, e, now);
}

function reconcileRule(
  ctx: PassContext,
  tx: Tx,
  now: number,
  rule: HazardRule,
  findings: Finding[],
  live: readonly HazardEntry[],
  clearedNote = text.conditionClearedNote(ctx.t),
): void {
  const severity = ctx.cfg.rules[rule]?.severity ?? 'major';
  const found = new Set<string>();
  for (const f of findings) {
    found.add(f.key);
    const e = ctx.live.get(f.key);
    if (!e) {
      ctx.open(tx, {
        site: f.site,
        sensor: f.sensor,
        kind: rule,
        severity,
        description: f.describe(ctx.t, ctx.zone(f.site)),
        key: f.key,
        alarm: f.alarm,
        by: REGISTER_ACTOR,
        note: text.openedByRuleNote(ctx.t, rule),
      });
      continue;
    }
    if (e.record.condition === 'present') continue;
    e.record.condition = 'present';
    const res = step(
      { state: e.record.state, rectifiedBy: e.rectifiedBy, conditionPresent: true },
      { type: 'condition_returns' },
    );
    if (res.ok && res.event === 'hazard_reopened') {
      e.record.state = res.next;
      e.rectifiedBy = e.rectifiedAt = null;
      const note = text.reopenedByConditionNote(ctx.t);
      line(tx, e, now, REGISTER_ACTOR, 'reopened', note);
      emit(tx, 'hazard_reopened', e, now, REGISTER_ACTOR, note, ownerIn(ctx.chain(e.record.site), e.record.owner));
    } else line(tx, e, now, REGISTER_ACTOR, 'condition_returned', text.conditionReturnedNote(ctx.t));
  }
  for (const e of live)
    if (e.record.condition === 'present' && !found.has(e.key as string)) {
      e.record.condition = 'cleared';
      line(tx, e, now, REGISTER_ACTOR, 'condition_cleared', clearedNote);
    }
}

function overdue(ctx: PassContext, tx: Tx, e: HazardEntry, now: number): void {
  const r = e.record;
  const s = overdueStep(
    { state: r.state, deadline: Date.parse(r.deadline), overdueSince: e.overdueSince, slot: e.slot },
    now,
    ctx.cfg.escalateAfter,
  );
  if (s.kind === 'none') return;
  const chain = ctx.chain(r.site);
  const i = personAt(s.slot, chain.length);
  const person = i === undefined ? undefined : chain[i];
  const to = person && i !== undefined ? { name: person.name, step: i, of: chain.length } : null;
  e.overdueSince = s.since;
  e.slot = s.slot;
  if (s.kind === 'overdue') {
    r.overdue = true;
    const note = text.overdueNote(ctx.t, ctx.zone(r.site), r.deadline, to?.name ?? null);
    line(tx, e, now, REGISTER_ACTOR, 'overdue', note);
    emit(tx, 'hazard_overdue', e, now, REGISTER_ACTOR, note, to);
  } else if (to) {
    const note = text.escalatedNote(ctx.t, to.name, to.step, to.of, now - s.since);
    line(tx, e, now, REGISTER_ACTOR, 'escalated', note);
    emit(tx, 'hazard_overdue', e, now, REGISTER_ACTOR, note, to);
  }
}
