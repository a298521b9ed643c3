/**
 * Every text the register writes into a hazard record — descriptions of what a rule found, and the
 * notes of its own history lines — one function per text, in English, so that they can move into
 * the message catalogues (`locale`) as they are. Times are ISO-8601: a record is read in many zones.
 */

/** "45 s", "12 min", "3 h 5 min", "7 d", "2 d 4 h". */
export function span(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const min = Math.round(ms / 60_000);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

const iso = (t: number) => new Date(t).toISOString();

export function staleDescription(site: string, sensor: string, since: number, forMs: number): string {
  return (
    `${site}/${sensor} has sent no valid reading for long: its stale alarm has stood since ${iso(since)} ` +
    `(rule: stale for ${span(forMs)}). The area it watches is unmonitored until it is repaired.`
  );
}

export function standingDescription(alarm: string, since: number, forMs: number): string {
  return (
    `Alarm ${alarm} has stood since ${iso(since)} (rule: standing for ${span(forMs)}). A standing alarm ` +
    `hides the next one: resolve its cause, or fix its setpoint.`
  );
}

export function chatteringDescription(alarm: string, count: number, per: number): string {
  return (
    `Alarm ${alarm} was raised ${count} times within ${span(per)} (rule: chattering). Check its setpoint, ` +
    `deadband and delays, and the detector itself.`
  );
}

export function shelvedDescription(alarm: string, count: number, per: number): string {
  return (
    `Alarm ${alarm} was shelved ${count} times within ${span(per)} (rule: shelved). A nuisance alarm is ` +
    `being hidden instead of fixed.`
  );
}

export function driftDescription(
  site: string,
  sensor: string,
  value: number,
  unit: string,
  above: number,
  since: number,
): string {
  return (
    `${site}/${sensor} has read at or above ${above} ${unit} since ${iso(since)} without an alarm ` +
    `(last ${Number(value.toPrecision(4))} ${unit}; rule: drift). Zero drift or a small leak: check with a ` +
    `portable detector and recalibrate.`
  );
}

export function calibrationDescription(site: string, sensor: string, calibratedAt: number, dueAt: number): string {
  return (
    `${site}/${sensor} was due for calibration on ${iso(dueAt).slice(0, 10)} (last calibrated ` +
    `${iso(calibratedAt).slice(0, 10)}; rule: calibration). Calibrate it and update calibratedAt in its site file.`
  );
}

export function conditionClearedNote(): string {
  return 'the condition went away by itself; the hazard stays open until it is rectified and verified';
}

export function ruleOffNote(rule: string): string {
  return `the ${rule} rule was turned off: its condition is no longer watched; the hazard stays open until it is rectified and verified`;
}

export function conditionReturnedNote(): string {
  return 'the condition is present again';
}

export function reopenedByConditionNote(): string {
  return 'the condition came back after rectification: the fix did not hold';
}

export function overdueNote(deadline: string, to: string | null): string {
  return `not rectified by its deadline ${deadline}${to ? `; sent to ${to}` : ''}`;
}

export function escalatedNote(to: string, step: number, of: number, overdueFor: number): string {
  return `still open ${span(overdueFor)} after its deadline; sent to ${to} (${step + 1}/${of} of the chain)`;
}

export function openedByRuleNote(rule: string): string {
  return `registered by the ${rule} rule`;
}
