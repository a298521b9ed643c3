/**
 * Where the time goes in a V8 CPU profile (`node --cpu-prof`): self time by function and by file,
 * the share of GC, idle and the rest. `node dist/bench/profile-summary.js FILE.cpuprofile [TOP]`.
 * The bench writes daemon profiles with `BENCH_DAEMON_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=DIR"`.
 */
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface Share {
  name: string;
  ms: number;
  pct: number;
}

export function summarize(
  p: Profile,
  top = 25,
): { totalMs: number; busyMs: number; functions: Share[]; files: Share[] } {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) {
    const id = p.samples[i] as number;
    self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0));
  }
  const fn = new Map<string, number>();
  const file = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of self) {
    const n = byId.get(id);
    if (!n) continue;
    total += us;
    const f = n.callFrame;
    if (f.functionName === '(idle)') idle += us;
    const short = f.url.replace(/^.*\/node_modules\//, '').replace(/^file:\/\/.*\/dist\//, '');
    const key = f.url ? `${f.functionName || '(anonymous)'} ${short}:${f.lineNumber + 1}` : f.functionName;
    fn.set(key, (fn.get(key) ?? 0) + us);
    const fk = f.url ? short.replace(/\/[^/]*$/, (m) => (short.includes('/') ? m : '')) : f.functionName;
    file.set(fk || '(native)', (file.get(fk || '(native)') ?? 0) + us);
  }
  const busy = total - idle;
  const rank = (m: Map<string, number>): Share[] =>
    [...m]
      .filter(([k]) => k !== '(idle)')
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: us / 1000, pct: (us / busy) * 100 }));
  return { totalMs: total / 1000, busyMs: busy / 1000, functions: rank(fn), files: rank(file) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const p = JSON.parse(await readFile(process.argv[2] as string, 'utf8')) as Profile;
  const s = summarize(p, Number(process.argv[3] ?? 25));
  console.log(
    `profile ${(s.totalMs / 1000).toFixed(1)} s, busy ${(s.busyMs / 1000).toFixed(1)} s (share of busy time)`,
  );
  console.log('-- self time by function');
  for (const x of s.functions) console.log(`${x.pct.toFixed(1).padStart(5)} %  ${x.name}`);
  console.log('-- self time by file');
  for (const x of s.files) console.log(`${x.pct.toFixed(1).padStart(5)} %  ${x.name}`);
}
