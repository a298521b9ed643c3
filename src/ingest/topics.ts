/**
 * Telemetry topic patterns (SPEC §1). Accepted forms of a pattern, one MQTT topic level each:
 *   `{site}`   captures the site id          `{sensor}` captures the sensor id
 *   `+`        matches any one level          `#`        matches the rest (last level only)
 *   anything else matches itself
 * Default `gas/{site}/{sensor}`. A pattern must capture both `{site}` and `{sensor}`.
 */
export interface TopicPattern {
  pattern: string;
  /** The MQTT subscription filter: captures become `+`. */
  filter: string;
  levels: string[];
}

export function compilePattern(pattern: string): TopicPattern {
  const levels = pattern.split('/');
  const site = levels.filter((l) => l === '{site}').length;
  const sensor = levels.filter((l) => l === '{sensor}').length;
  if (site !== 1 || sensor !== 1)
    throw new Error(`topic pattern "${pattern}" must contain {site} and {sensor} once each, as whole levels`);
  levels.forEach((l, i) => {
    if (l === '#' && i !== levels.length - 1) throw new Error(`topic pattern "${pattern}": # must be the last level`);
    if (!['{site}', '{sensor}', '+', '#'].includes(l) && /[{}+#]/.test(l))
      throw new Error(`topic pattern "${pattern}": level "${l}" mixes a wildcard with text`);
  });
  return {
    pattern,
    filter: levels.map((l) => (l === '{site}' || l === '{sensor}' ? '+' : l)).join('/'),
    levels,
  };
}

/**
 * The subscription filters for the patterns: every site (`+`), or, when `sites` is given, only those
 * sites — one instance owning a partition of sites (SPEC §10).
 */
export function subscriptionFilters(patterns: readonly TopicPattern[], sites?: Iterable<string>): string[] {
  if (sites === undefined) return [...new Set(patterns.map((p) => p.filter))];
  const out = new Set<string>();
  for (const site of sites)
    for (const p of patterns)
      out.add(p.levels.map((l) => (l === '{site}' ? site : l === '{sensor}' ? '+' : l)).join('/'));
  return [...out];
}

/** `{site, sensor}` of a topic, or null when no pattern matches it. */
export function parseTopic(patterns: readonly TopicPattern[], topic: string): { site: string; sensor: string } | null {
  const parts = topic.split('/');
  for (const p of patterns) {
    const m = match(p.levels, parts);
    if (m) return m;
  }
  return null;
}

function match(levels: string[], parts: string[]): { site: string; sensor: string } | null {
  let site: string | undefined;
  let sensor: string | undefined;
  for (let i = 0; i < levels.length; i++) {
    const l = levels[i] as string;
    if (l === '#') break;
    const part = parts[i];
    if (part === undefined) return null;
    if (l === '{site}') {
      if (part === '') return null;
      site = part;
    } else if (l === '{sensor}') {
      if (part === '') return null;
      sensor = part;
    } else if (l !== '+' && l !== part) return null;
  }
  if (levels[levels.length - 1] !== '#' && parts.length !== levels.length) return null;
  return site !== undefined && sensor !== undefined ? { site, sensor } : null;
}

/** MQTT topic filter matching (MQTT 3.1.1 §4.7): `+` one level, `#` the rest; wildcards skip `$` topics. */
export function topicMatches(filter: string, topic: string): boolean {
  if (topic.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false;
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

/**
 * Topics that arrive on our session but are not telemetry: echoes of what gaswatch itself publishes
 * under its prefix (STYLE habit 7), and the broker's `$SYS` statistics (broker-health.ts).
 */
export function isOwnOrBrokerTopic(prefix: string, topic: string): boolean {
  return topic.startsWith('$') || topic.startsWith(`${prefix}/`);
}
