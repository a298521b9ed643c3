/** A writable copy of the shipped config/ in a temp dir, for reload and diff tests. */
import { cp, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TempConfig {
  dir: string;
  main: string;
  /** Replace `from` by `to` in a file under the copy; throws when `from` is not there. */
  edit(file: string, from: string | RegExp, to: string): Promise<void>;
  /** Save the way editors do: write a new file, then rename it over the old one. */
  saveAtomically(file: string, text: string): Promise<void>;
  remove(): Promise<void>;
}

export async function tempConfig(): Promise<TempConfig> {
  const dir = await mkdtemp(path.join(tmpdir(), 'gaswatch-config-'));
  await cp('config', dir, { recursive: true });
  const abs = (f: string) => path.join(dir, f);
  return {
    dir,
    main: abs('gaswatch.yaml'),
    async edit(file, from, to) {
      const text = await readFile(abs(file), 'utf8');
      const next = text.replace(from, to);
      if (next === text) throw new Error(`${String(from)} not found in ${file}`);
      await writeFile(abs(file), next);
    },
    async saveAtomically(file, text) {
      const tmp = path.join(path.dirname(abs(file)), `.${path.basename(file)}.tmp`);
      await writeFile(tmp, text);
      await rename(tmp, abs(file));
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
