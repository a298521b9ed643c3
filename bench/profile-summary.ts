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

/** Areas of the daemon by the file a sample's function is in (first match wins). */
const AREAS: [string, RegExp][] = [
  ['garbage collection', /^\(garbage collector\)$/],
  ['PUBACK queue and connection', /src\/ingest\/(ack-queue|connection)/],
  ['topic parsing and pipeline', /src\/ingest\//],
  ['decoding JSON payloads', /src\/decode\//],
  ['alarm engine and evaluation', /src\/(alarms|evaluate)\//],
  // writev is mostly the InfluxDB request bodies (PUBACKs are one small write per flush).
  ['group commit, line protocol, InfluxDB requests', /src\/store\/|^influx\/|node:_http|node:http|^writev$/],
  [
    'MQTT receive (mqtt.js, mqtt-packet, streams, sockets)',
    /mqtt|^bl\/|^debug\/|node:(internal\/)?(streams|net|stream_base|buffer)|^writev$|^read$|utf8Slice/,
  ],
  ['metrics', /prom-client/],
  ['HTTP server', /fastify|find-my-way|avvio|light-my-request/],
  [
    'startup (module loading, config)',
    /node:internal\/modules|^yaml\/|^zod\/|src\/config\/|wrapSafe|compileSourceTextModule/,
  ],
];

export function summarize(
  p: Profile,
  top = 25,
): { totalMs: number; busyMs: number; functions: Share[]; files: Share[]; areas: Share[] } {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) {
    const id = p.samples[i] as number;
    self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0));
  }
  const fn = new Map<string, number>();
  const file = new Map<string, number>();
  const area = new Map<string, number>();
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
    const where = f.url ? short : f.functionName;
    const a = AREAS.find(([, re]) => re.test(where))?.[0] ?? 'other (Node and V8 internals)';
    if (f.functionName !== '(idle)') area.set(a, (area.get(a) ?? 0) + us);
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
  return { totalMs: total / 1000, busyMs: busy / 1000, functions: rank(fn), files: rank(file), areas: rank(area) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const p = JSON.parse(await readFile(process.argv[2] as string, 'utf8')) as Profile;
  const s = summarize(p, Number(process.argv[3] ?? 25));
  console.log(
    `profile ${(s.totalMs / 1000).toFixed(1)} s, busy ${(s.busyMs / 1000).toFixed(1)} s (share of busy time)`,
  );
  console.log('-- by area');
  for (const x of s.areas) console.log(`${x.pct.toFixed(1).padStart(5)} %  ${x.name}`);
  console.log('-- self time by function');
  for (const x of s.functions) console.log(`${x.pct.toFixed(1).padStart(5)} %  ${x.name}`);
  console.log('-- self time by file');
  for (const x of s.files) console.log(`${x.pct.toFixed(1).padStart(5)} %  ${x.name}`);
}
