/**
 * The house rules of STYLE.md, enforced: each room of src/ knows nothing of the rooms its row says
 * (imports are read from the source), the pure rooms touch no clock or I/O, and no module grows past
 * ~300 lines without saying why in its opening comment.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../src');

/** room → rooms (folders of src/) and packages it must not import. */
const KNOWS_NOTHING_OF: Record<string, string[]> = {
  config: ['ingest', 'store', 'alarms', 'evaluate', 'publish', 'http', 'notify', 'pipeline', 'views', 'mqtt', 'influx'],
  domain: ['*'],
  ingest: ['decode', 'alarms', 'evaluate', 'store', 'notify', 'http', 'publish', 'pipeline', 'views'],
  decode: ['ingest', 'alarms', 'evaluate', 'store', 'notify', 'http', 'publish', 'pipeline', 'views', 'mqtt'],
  evaluate: ['*'],
  alarms: ['notify', 'publish', 'ingest', 'http', 'store', 'pipeline', 'views', 'decode', 'mqtt', 'influx'],
  notify: ['alarms', 'evaluate', 'ingest', 'store', 'http', 'publish', 'pipeline', 'views', 'mqtt', 'influx'],
  store: ['alarms', 'evaluate', 'ingest', 'decode', 'notify', 'http', 'publish', 'pipeline', 'views', 'mqtt'],
  http: ['ingest', 'alarms', 'evaluate', 'store', 'notify', 'publish', 'pipeline', 'decode', 'mqtt', 'influx'],
  views: ['ingest', 'alarms', 'evaluate', 'store', 'notify', 'http', 'publish', 'pipeline', 'decode', 'mqtt', 'influx'],
  publish: ['alarms', 'evaluate', 'store', 'notify', 'http', 'pipeline', 'views', 'decode', 'influx'],
  jobs: ['alarms', 'ingest', 'store', 'http', 'publish', 'pipeline', 'mqtt', 'influx'],
  util: ['*'],
  hazards: ['alarms', 'evaluate', 'ingest', 'store', 'notify', 'http', 'publish', 'pipeline', 'views', 'kpis', 'mqtt'],
  kpis: ['alarms', 'evaluate', 'ingest', 'store', 'notify', 'http', 'publish', 'pipeline', 'views', 'hazards', 'mqtt'],
};
// The hazard register and the KPIs (SPEC §11) are reached through domain/ ports and the streams only.
for (const room of ['config', 'ingest', 'decode', 'alarms', 'notify', 'store', 'http', 'views', 'publish'])
  KNOWS_NOTHING_OF[room]?.push('hazards', 'kpis');
/** What the pure rooms ('*') may import besides themselves. */
const PURE_MAY_USE: Record<string, string[]> = { domain: [], evaluate: ['domain'], util: [] };

const MAX_LINES = 300;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'public' ? [] : files(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

/** The rooms (src/ folders) and packages a file imports. */
function imports(file: string): { rooms: string[]; packages: string[]; node: string[] } {
  const text = readFileSync(file, 'utf8');
  const rooms: string[] = [];
  const packages: string[] = [];
  const node: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm)) {
    const spec = m[1] as string;
    if (spec.startsWith('.')) {
      const rel = path.relative(SRC, path.resolve(path.dirname(file), spec)).split(path.sep);
      if (rel.length > 1) rooms.push(rel[0] as string);
    } else if (spec.startsWith('node:')) node.push(spec);
    else packages.push(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] as string));
  }
  return { rooms, packages, node };
}

const all = files(SRC);

describe('the house rules (STYLE.md)', () => {
  for (const [room, forbidden] of Object.entries(KNOWS_NOTHING_OF)) {
    it(`${room}/ knows nothing of ${forbidden.join(', ')}`, () => {
      const problems: string[] = [];
      for (const f of all.filter((f) => path.relative(SRC, f).startsWith(`${room}${path.sep}`))) {
        const { rooms, packages, node } = imports(f);
        const rel = path.relative(SRC, f);
        if (forbidden.includes('*')) {
          const allowed = new Set([room, ...(PURE_MAY_USE[room] ?? [])]);
          for (const r of rooms) if (!allowed.has(r)) problems.push(`${rel} imports ${r}/`);
          if (room !== 'util') {
            for (const p of packages) problems.push(`${rel} imports the package ${p}`);
            for (const n of node) problems.push(`${rel} imports ${n}`);
          }
        } else {
          for (const r of rooms) if (forbidden.includes(r)) problems.push(`${rel} imports ${r}/`);
          for (const p of packages) if (forbidden.includes(p)) problems.push(`${rel} imports the package ${p}`);
        }
      }
      expect(problems).toEqual([]);
    });
  }

  it('evaluate/ reads no clock: time comes in as an argument', () => {
    const problems: string[] = [];
    for (const f of all.filter((f) => path.relative(SRC, f).startsWith(`evaluate${path.sep}`))) {
      const text = readFileSync(f, 'utf8');
      for (const pat of ['Date.now(', 'new Date(', 'performance.now(', 'setTimeout(', 'setInterval('])
        if (text.includes(pat)) problems.push(`${path.relative(SRC, f)} uses ${pat}`);
    }
    expect(problems).toEqual([]);
  });

  it(`no module is over ${MAX_LINES} lines without saying why in its opening comment`, () => {
    const problems: string[] = [];
    for (const f of all) {
      const text = readFileSync(f, 'utf8');
      const lines = text.split('\n').length;
      const opening = /^\/\*\*[\s\S]*?\*\//.exec(text)?.[0] ?? '';
      if (lines > MAX_LINES && !/longer than \d+ lines because/i.test(opening))
        problems.push(`${path.relative(SRC, f)}: ${lines} lines`);
    }
    expect(problems).toEqual([]);
  });
});
