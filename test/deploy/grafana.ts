/**
 * The parts of Grafana the dashboard test needs: every query of a dashboard JSON (template
 * variables, panel targets, annotations), and the expansion Grafana applies to an InfluxQL query
 * before sending it — template variables, `$timeFilter`, `$__interval` — as its InfluxDB
 * datasource does:
 *
 * - a single-value variable is regex-escaped; a multi-value or "All" one (without a custom all
 *   value) becomes `(a|b|c)` of regex-escaped values (Grafana docs, "Formatting multi-value
 *   variables");
 * - `$timeFilter` is `time >= now() - 6h` for a range relative to now, or
 *   `time >= 1700000000000ms and time <= 1700003600000ms` for an absolute one;
 * - `$__interval` / `$interval` is the group-by interval Grafana picked for the panel width.
 */

export interface Target {
  panel: string;
  datasource: 'influxdb' | 'prometheus';
  /** InfluxQL or PromQL. */
  query: string;
  /** 'table' or 'time_series' for InfluxDB targets. */
  format?: string;
}

interface Datasource {
  type?: string;
  uid?: string;
}

interface PanelJson {
  type: string;
  title: string;
  datasource?: Datasource;
  targets?: Array<{ datasource?: Datasource; query?: string; expr?: string; resultFormat?: string }>;
  panels?: PanelJson[];
}

export interface DashboardJson {
  templating: {
    list: Array<{ name: string; query: string; multi?: boolean; includeAll?: boolean; datasource?: Datasource }>;
  };
  annotations: { list: Array<{ name: string; query?: string; datasource?: Datasource }> };
  panels: PanelJson[];
}

/** Every panel query of the dashboard, rows' nested panels included. */
export function panelTargets(d: DashboardJson): Target[] {
  const out: Target[] = [];
  const visit = (p: PanelJson) => {
    for (const t of p.targets ?? []) {
      const type = t.datasource?.type ?? p.datasource?.type;
      if (type === 'influxdb' && t.query)
        out.push({ panel: p.title, datasource: 'influxdb', query: t.query, format: t.resultFormat });
      else if (type === 'prometheus' && t.expr) out.push({ panel: p.title, datasource: 'prometheus', query: t.expr });
      else throw new Error(`panel "${p.title}": a target with no query or an unknown datasource ${type}`);
    }
    for (const child of p.panels ?? []) visit(child);
  };
  for (const p of d.panels) visit(p);
  return out;
}

export function annotationTargets(d: DashboardJson): Target[] {
  return d.annotations.list
    .filter((a) => a.datasource?.type === 'influxdb')
    .map((a) => {
      if (!a.query) throw new Error(`annotation "${a.name}" has no query`);
      return { panel: `annotation: ${a.name}`, datasource: 'influxdb' as const, query: a.query };
    });
}

/** Grafana's escapeRegex (packages/grafana-data, text.ts). */
export function escapeRegex(value: string): string {
  return value.replace(/[\\^$*+?.()|[\]{}/]/g, '\\$&');
}

export type Range = { relative: string } | { from: number; to: number };

export interface Expansion {
  /** Variable name → the selected values (one for a single-value variable). */
  vars: Record<string, string[]>;
  range: Range;
  interval: string;
}

export function timeFilter(range: Range): string {
  return 'relative' in range
    ? `time >= now() - ${range.relative}`
    : `time >= ${range.from}ms and time <= ${range.to}ms`;
}

export function expandInfluxQL(query: string, e: Expansion): string {
  let out = query.replaceAll('$timeFilter', timeFilter(e.range));
  out = out.replaceAll('$__interval', e.interval).replaceAll('$interval', e.interval);
  // Longest names first, so $sensor is not taken for $s + "ensor".
  for (const name of Object.keys(e.vars).sort((a, b) => b.length - a.length)) {
    const values = e.vars[name] ?? [];
    const text = values.length === 1 ? escapeRegex(values[0] ?? '') : `(${values.map(escapeRegex).join('|')})`;
    out = out.replaceAll(`$${name}`, text).replaceAll(`\${${name}}`, text);
  }
  const left = out.match(/\$[A-Za-z_{][\w}]*/);
  if (left) throw new Error(`unexpanded ${left[0]} in ${query}`);
  return out;
}

/** Metric names a PromQL expression reads (gaswatch's own, by prefix). */
export function promMetrics(expr: string): string[] {
  return [...new Set(expr.match(/\bgaswatch_[a-z0-9_]+\b/g) ?? [])];
}

/** Label names a PromQL expression groups or filters by (`by (a, b)`, `{a="…"}`). */
export function promLabels(expr: string): string[] {
  const labels = new Set<string>();
  for (const m of expr.matchAll(/\b(?:by|without)\s*\(([^)]*)\)/g))
    for (const l of (m[1] ?? '').split(',')) if (l.trim()) labels.add(l.trim());
  for (const m of expr.matchAll(/\{([^}]*)\}/g))
    for (const l of (m[1] ?? '').matchAll(/([A-Za-z_]\w*)\s*(=~|!~|!=|=)/g)) labels.add(l[1] ?? '');
  return [...labels];
}

/** Sample names and their label names in Prometheus text exposition. */
export function exposition(text: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = line.match(/^([a-zA-Z_:][\w:]*)(\{([^}]*)\})?\s/);
    if (!m?.[1]) continue;
    const labels = out.get(m[1]) ?? new Set<string>();
    for (const l of (m[3] ?? '').matchAll(/([A-Za-z_]\w*)="/g)) labels.add(l[1] ?? '');
    out.set(m[1], labels);
  }
  return out;
}
