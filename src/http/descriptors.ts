/**
 * How many HTTP connections the process can afford: its open-file limit (RLIMIT_NOFILE) minus a
 * reserve for what must never starve — the MQTT link, InfluxDB, the alarm journal and state files,
 * the spool, the log and node's own descriptors. Node has no getrlimit(), so the soft limit is read
 * from /proc/self/limits (Linux) or, elsewhere, from the shell's `ulimit -n`, which a child inherits.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** The soft open-file limit, or undefined when it cannot be read or is unlimited. */
export function readDescriptorLimit(): number | undefined {
  try {
    const m = /^Max open files\s+(\d+|unlimited)\s/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (m) return m[1] === 'unlimited' ? undefined : Number(m[1]);
  } catch {
    // Not Linux: ask a shell.
  }
  try {
    const out = execFileSync('/bin/sh', ['-c', 'ulimit -n'], { encoding: 'utf8', timeout: 2000 }).trim();
    return /^\d+$/.test(out) ? Number(out) : undefined;
  } catch {
    return undefined;
  }
}

/** When the limit is unknown, assume the common default of 1024 rather than none at all. */
export const ASSUMED_LIMIT = 1024;

export interface ConnectionBudget {
  max: number;
  /** The descriptor limit it was derived from, for the log line. */
  limit: number | undefined;
  /** Set when the budget had to be squeezed below what was configured. */
  warning?: string;
}

/**
 * `configured` is `http.connections.max` ('auto' or a number); a number above what the limit
 * allows is lowered to it (and said), since the cap exists to keep descriptors for the rest.
 */
export function connectionBudget(
  configured: number | 'auto',
  reserve: number,
  limit: number | undefined,
): ConnectionBudget {
  const known = limit ?? ASSUMED_LIMIT;
  // With a tiny limit the reserve cannot be kept whole: keep at least a quarter for HTTP.
  const affordable = Math.max(16, known - reserve, Math.floor(known / 4));
  if (configured === 'auto') {
    const warning =
      known - reserve < affordable
        ? `the open-file limit ${known} leaves less than the reserve of ${reserve} descriptors; raise it (ulimit -n, LimitNOFILE=)`
        : undefined;
    return { max: affordable, limit, ...(warning ? { warning } : {}) };
  }
  if (configured > affordable)
    return {
      max: affordable,
      limit,
      warning: `http.connections.max ${configured} lowered to ${affordable}: the open-file limit is ${known} and ${reserve} are reserved`,
    };
  return { max: configured, limit };
}
