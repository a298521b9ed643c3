/**
 * The catalogues (src/i18n/locales) are complete in every language, and nothing a person reads in
 * the console is written outside them (issue 14). The scanner is tested on planted labels too, so
 * a scan that found nothing because it looked at nothing would fail here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { consoleDir } from '../../src/http/public-dir.js';
import { LOCALES, localesDir, readCatalogue, translator } from '../../src/i18n/index.js';
import { scanHtml, scanJs } from './scan.js';

type Tree = { [k: string]: string | Tree };
const PLURAL = /_(zero|one|two|few|many|other)$/;

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    if (typeof v === 'string') out.set(prefix + k, v);
    else for (const [kk, vv] of flatten(v, `${prefix}${k}.`)) out.set(kk, vv);
  }
  return out;
}

const catalogues = new Map(LOCALES.map((l) => [l, flatten(readCatalogue(l) as Tree)]));
const base = (key: string) => key.replace(PLURAL, '');
const vars = (s: string) => new Set([...s.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1] as string));

/**
 * Keys whose code passes more than English shows, so that each language picks: English robot
 * titles show ids, Chinese the names as written (src/notify/message.ts); hazard texts the rule's
 * config id or its name (src/hazards/texts.ts, src/notify/hazard-message.ts).
 */
const PICKS: Record<string, string[]> = {
  'notify.whatSensor': ['site', 'siteId', 'sensor', 'condition', 'conditionId'],
  'notify.whatSite': ['site', 'siteId', 'sensor', 'condition', 'conditionId'],
  'hazard.what.sensor': ['kind', 'kindId'],
  'hazard.what.site': ['kind', 'kindId'],
  'hazard.note.ruleOff': ['rule', 'ruleId'],
  'hazard.note.openedByRule': ['rule', 'ruleId'],
};

/** Keys (and key prefixes) present in every catalogue. */
function hasKey(key: string): boolean {
  return LOCALES.every((l) => {
    const flat = catalogues.get(l) as Map<string, string>;
    if (flat.has(key)) return true;
    for (const k of flat.keys()) if (base(k) === key || k.startsWith(`${key}.`)) return true;
    return false;
  });
}

describe('catalogues', () => {
  it('exist for every language, one JSON file each', () => {
    expect(readdirSync(localesDir()).sort()).toEqual(LOCALES.map((l) => `${l}.json`).sort());
  });

  it('have every key in every language, none empty, every plural form the language needs', () => {
    const problems: string[] = [];
    const bases = new Set<string>();
    const plural = new Set<string>();
    for (const flat of catalogues.values())
      for (const k of flat.keys()) {
        bases.add(base(k));
        if (PLURAL.test(k)) plural.add(base(k));
      }
    for (const [lng, flat] of catalogues) {
      for (const [k, v] of flat) if (v.trim() === '') problems.push(`${lng}: ${k} is empty`);
      const forms = new Intl.PluralRules(lng).resolvedOptions().pluralCategories;
      for (const b of bases)
        if (plural.has(b)) {
          for (const f of forms) if (!flat.has(`${b}_${f}`)) problems.push(`${lng}: ${b}_${f} missing`);
        } else if (!flat.has(b)) problems.push(`${lng}: ${b} missing`);
    }
    expect(problems).toEqual([]);
  });

  it('use in every language only variables English gives them', () => {
    const en = catalogues.get('en') as Map<string, string>;
    const problems: string[] = [];
    for (const [lng, flat] of catalogues)
      for (const [k, v] of flat) {
        const known = new Set(
          [...en]
            .filter(([ek]) => base(ek) === base(k))
            .flatMap(([, ev]) => [...vars(ev), 'count', ...(PICKS[base(k)] ?? [])]),
        );
        for (const name of vars(v)) if (!known.has(name)) problems.push(`${lng}: ${k} uses {{${name}}}`);
      }
    expect(problems).toEqual([]);
  });

  it('hold every key the daemon asks for', () => {
    const problems: string[] = [];
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
        d.isDirectory() ? walk(path.join(dir, d.name)) : d.name.endsWith('.ts') ? [path.join(dir, d.name)] : [],
      );
    let seen = 0;
    for (const file of walk(path.join('src'))) {
      const src = readFileSync(file, 'utf8');
      // t('key'), tr('key'), t(`prefix.${…}`) and the catalogue-key arguments of conditionName.
      for (const m of src.matchAll(/\b(?:t|tr|translate)\(\s*(['`])([a-zA-Z][\w.-]*?)(\$\{|\1)/g)) {
        seen++;
        const key = (m[2] as string).replace(/\.$/, '');
        if (!hasKey(key)) problems.push(`${file}: ${key}`);
      }
    }
    expect(seen).toBeGreaterThan(40);
    expect(problems).toEqual([]);
  });

  it('translate with plurals and interpolation by i18next', () => {
    const en = translator('en');
    const zh = translator('zh-CN');
    expect(en('report.quiet', { count: 1 })).toBe('1 site quiet: nothing to report.');
    expect(en('report.quiet', { count: 3 })).toBe('3 sites quiet: nothing to report.');
    expect(zh('report.quiet', { count: 3 })).toBe('3 个场站平稳，无事项。');
    expect(zh('conditionGas.hihi')).toBe('二级报警');
    expect(zh('condition.hihi')).toBe('高高限');
  });
});

describe('console source', () => {
  const dir = consoleDir();
  const files = [
    path.join(dir, 'index.html'),
    ...readdirSync(path.join(dir, 'js')).map((f) => path.join(dir, 'js', f)),
  ];

  it('holds no text a person reads outside the catalogues', () => {
    const findings = files.flatMap((f) => {
      const src = readFileSync(f, 'utf8');
      const rel = path.relative(dir, f);
      return f.endsWith('.html') ? scanHtml(rel, src, hasKey) : scanJs(rel, src, hasKey);
    });
    expect(findings).toEqual([]);
  });

  it('scans what it should: every planted label is found', () => {
    const js = [
      `el('button', { type: 'button', text: 'Delete' });`,
      `el('td', { text: 'maintenance' });`,
      `node.textContent = 'Reconnecting…';`,
      `node.title = \`Last seen \${when}\`;`,
      `b.setAttribute('aria-label', 'Close dialog');`,
      `banner('x', () => 'Session over, log in');`,
      `showError(\`Export failed: \${e.message}\`);`,
      `const label = '确认';`,
      `throw new ApiError(0, 'network', 'server unreachable');`,
      `throw new Error('Could not load the catalogue');`,
      `cell.replaceChildren(badge, 'Overdue');`,
      `el('button', { type: 'button', 'aria-label': 'Verify H-17', text: t('hazard.action.verify') });`,
      `t(\`console.hazards.\${action}.title\`);`,
      `t('console.no.such.key');`,
      `t(\`nowhere.\${k}\`);`,
    ];
    for (const line of js) expect(scanJs('planted.js', line, hasKey), line).not.toEqual([]);
    const html = [
      '<button type="button">Export</button>',
      '<input name="q" placeholder="Search">',
      '<span title="Close">×</span>',
      '<h2 data-i18n="console.not.there"></h2>',
      '<p>报警</p>',
      '<input type="submit" value="Send">',
    ];
    for (const frag of html) expect(scanHtml('planted.html', frag, hasKey), frag).not.toEqual([]);
  });

  it('lets pass what names things rather than says them', () => {
    const clean = [
      `document.querySelector('#journal-filters select[name=site]');`,
      `function f(ev) { if (ev.key !== 'ArrowRight') return; }`,
      `el('td', { class: 'num value', text: withUnit(v, u) });`,
      `el('button', { class: 'primary', 'data-action': 'ack', text: t('console.action.ack') });`,
      `import { t } from './i18n.js';`,
      `fetch(\`/locales/\${lng}.json\`);`,
    ];
    for (const line of clean) expect(scanJs('clean.js', line, hasKey), line).toEqual([]);
  });

  it('serves the same i18next the daemon uses (the vendored copy is in step with node_modules)', () => {
    const vendored = readFileSync(path.join(dir, 'vendor', 'i18next.js'), 'utf8');
    const installed = readFileSync(path.join('node_modules', 'i18next', 'dist', 'esm', 'i18next.js'), 'utf8');
    expect(vendored === installed).toBe(true);
  });
});
