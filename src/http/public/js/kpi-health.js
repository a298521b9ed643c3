// How each alarm-system KPI of `GET /api/kpis` stands against its target, so that an operator or
// a supervisor sees at a glance whether the alarm system is healthy. Pure: the console's KPI page
// and its unit test use it as is. The targets (and where they come from):
//
// | KPI                       | within target | needs attention | beyond the limit | source                         |
// | ------------------------- | ------------- | --------------- | ---------------- | ------------------------------ |
// | alarms per 10 min, mean   | ≤ 1           | ≤ 2             | > 2              | EEMUA 191: ~1 "very likely acceptable", ~2 "manageable" |
// | alarms per 10 min, peak   | ≤ 10          | —               | > 10             | ISA-18.2: more than 10 in 10 min is a flood |
// | time in flood             | < 1 %         | —               | ≥ 1 %            | ISA-18.2: under ~1 % of the time |
// | standing over 24 h        | 0             | 1–4             | ≥ 5              | ISA-18.2: fewer than 5, with plans to clear them |
// | chattering                | 0             | —               | ≥ 1              | ISA-18.2: zero, each one corrected |
// | priority distribution     | high ≤ 10 %, medium ≤ 30 % | otherwise | —        | EEMUA 191 ~80/15/5 %; twice the guidance of the top bands means priorities lose their meaning |
//
// The distribution is only judged from MIN_FOR_DISTRIBUTION alarms on: a handful of alarms makes
// any share look extreme.

export const MIN_FOR_DISTRIBUTION = 20;

/** `k`: the KPI answer; returns each KPI's level: 'ok' | 'warn' | 'bad' | 'info' (not judged). */
export function judge(k) {
  const band = (name) => k.priorities.bands.find((b) => b.band === name)?.share ?? 0;
  const mean = k.per10min.mean;
  const standing = k.standing.count;
  return {
    mean: mean <= 1 ? 'ok' : mean <= 2 ? 'warn' : 'bad',
    peak: k.per10min.peak <= 10 ? 'ok' : 'bad',
    flood: k.flood.share < 0.01 ? 'ok' : 'bad',
    standing: standing === 0 ? 'ok' : standing < 5 ? 'warn' : 'bad',
    chattering: k.chattering.count === 0 ? 'ok' : 'bad',
    distribution:
      k.raised < MIN_FOR_DISTRIBUTION ? 'info' : band('high') <= 0.1 && band('medium') <= 0.3 ? 'ok' : 'warn',
  };
}

/** The whole system's state: the worst of its KPIs, with how many are beyond the limit and how many need attention. */
export function verdict(levels) {
  const all = Object.values(levels);
  const bad = all.filter((l) => l === 'bad').length;
  const warn = all.filter((l) => l === 'warn').length;
  return { level: bad ? 'bad' : warn ? 'warn' : 'ok', bad, warn };
}

/** The share of all raised alarms the ten most frequent make (ISA-18.2: a few per cent at most). */
export function topShare(k) {
  return k.raised ? k.top.reduce((n, a) => n + a.raised, 0) / k.raised : 0;
}
