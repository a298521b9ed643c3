/**
 * Live tuning machinery on real files and real fs.watch: a saved profile is reloaded, a broken
 * edit is reported with its error lines, a new site file is picked up, SIGHUP's reload() always
 * reloads, and a save that changes nothing reloads nothing.
 */
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { diffConfig } from '../../src/config/diff.js';
import { type LoadedConfig, type LoadResult, loadConfig } from '../../src/config/load.js';
import { ConfigWatcher, type ReloadCause } from '../../src/config/watch.js';
import { createLogger } from '../../src/util/logger.js';
import { waitFor } from '../helpers/wait.js';
import { type TempConfig, tempConfig } from './temp-config.js';

describe('ConfigWatcher', () => {
  let cfg: TempConfig;
  let watcher: ConfigWatcher;
  let initial: LoadedConfig;
  const reloads: { result: LoadResult; cause: ReloadCause }[] = [];
  const logLines: string[] = [];

  beforeEach(async () => {
    reloads.length = 0;
    logLines.length = 0;
    cfg = await tempConfig();
    const r = await loadConfig(cfg.main, {});
    if (!r.ok) throw new Error(r.errors.join('\n'));
    initial = r.config;
    const destination = new Writable({
      write(chunk, _enc, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    watcher = new ConfigWatcher({
      file: cfg.main,
      env: {},
      current: initial,
      debounceMs: 100,
      logger: createLogger({ level: 'debug', destination }),
      onReload: (result, cause) => reloads.push({ result, cause }),
    });
    await watcher.start();
  });
  afterEach(async () => {
    await watcher.stop();
    await cfg.remove();
  });

  const nth = (n: number) =>
    waitFor(() => reloads[n - 1], { timeout: 5000, message: `reload #${n}` }).then((r) => r.result);

  it('reloads a changed profile, rejects a broken edit, then accepts the fix', async () => {
    await cfg.edit('profiles.yaml', 'hi: { value: 20, priority: high }', 'hi: { value: 18, priority: high }');
    const first = await nth(1);
    expect(reloads[0]?.cause).toBe('watch');
    if (!first.ok) throw new Error(first.errors.join('\n'));
    expect(diffConfig(initial, first.config).setpointChanges).toContain('hx-station/GD-25/hi 20 → 18 %LEL');

    await cfg.edit('profiles.yaml', 'hi: { value: 18, priority: high }', 'hi: { value: 18, priorty: high }');
    const second = await nth(2);
    expect(second.ok).toBe(false);
    expect(second.ok ? [] : second.errors).toEqual([
      expect.stringMatching(
        /profiles\.yaml:\d+:\d+ {2}combustible-gas\.setpoints\.hi\.priority {2}missing required key "priority"$/,
      ),
      expect.stringMatching(
        /profiles\.yaml:\d+:\d+ {2}combustible-gas\.setpoints\.hi\.priorty {2}unknown key "priorty" \(did you mean "priority"\?\)$/,
      ),
    ]);

    // Saved the way editors do it: a new file renamed over the old one.
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(`${cfg.dir}/profiles.yaml`, 'utf8');
    await cfg.saveAtomically('profiles.yaml', text.replace('priorty', 'priority'));
    const third = await nth(3);
    expect(third.ok).toBe(true);
    expect(reloads).toHaveLength(3);
  });

  it('picks up a new site file in the sites directory', async () => {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(
      `${cfg.dir}/sites/new-station.yaml`,
      'id: new-station\ntype: station\nsensors:\n  - { id: GD-31, kind: gas, gas: propane, unit: ppm, profile: combustible-gas }\n',
    );
    const r = await nth(1);
    if (!r.ok) throw new Error(r.errors.join('\n'));
    expect(diffConfig(initial, r.config).addedSensors).toEqual(['new-station/GD-31']);
    // The new file is watched from now on.
    await writeFile(`${cfg.dir}/sites/new-station.yaml`, 'id: new-station\ntype: station\nsensors: []\n');
    const again = await nth(2);
    if (!again.ok) throw new Error(again.errors.join('\n'));
    expect(diffConfig(r.config, again.config).removedSensors).toEqual(['new-station/GD-31']);
  });

  it('ignores a save that changes nothing and files it does not read; reload() always reloads', async () => {
    const { readFile, writeFile } = await import('node:fs/promises');
    await writeFile(`${cfg.dir}/sites/notes.txt`, 'not a site file');
    await writeFile(`${cfg.dir}/profiles.yaml`, await readFile(`${cfg.dir}/profiles.yaml`));
    await waitFor(() => logLines.some((l) => l.includes('touched but unchanged')), { timeout: 5000 });
    expect(reloads).toHaveLength(0);

    const result = await watcher.reload();
    expect(result?.ok).toBe(true);
    expect(reloads.map((r) => r.cause)).toEqual(['signal']);
  });
});
