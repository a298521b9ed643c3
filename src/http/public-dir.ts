/**
 * Where the console's static files are. The build compiles only TypeScript, so the files stay in
 * `src/http/public` of the package; this module runs from `src/http/` (tests) or `dist/src/http/`
 * (the built daemon), so the package root is found by walking up to gaswatch's package.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageRoot(from = path.dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'gaswatch') return dir;
    if (path.dirname(dir) === dir) throw new Error(`gaswatch package.json not found above ${from}`);
  }
}

export function consoleDir(): string {
  return path.join(packageRoot(), 'src', 'http', 'public');
}
