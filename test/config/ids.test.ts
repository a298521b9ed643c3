/** Config ids follow SPEC §4's one id rule (src/domain/ids.ts), and `_gaswatch` is not a site. */
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { type TempConfig, tempConfig } from './temp-config.js';

let cfg: TempConfig | undefined;
afterEach(async () => {
  await cfg?.remove();
  cfg = undefined;
});

async function errorsWithSiteId(id: string): Promise<string[]> {
  cfg = await tempConfig();
  await cfg.edit('sites/hx-station.yaml', /^id: .*$/m, `id: "${id}"`);
  const r = await loadConfig(cfg.main, {});
  return r.ok ? [] : r.errors.map((l) => l.replace(cfg?.dir ?? '', 'DIR'));
}

describe('site ids in config', () => {
  it('refuses the reserved site of system alarms', async () => {
    expect(await errorsWithSiteId('_gaswatch')).toEqual([
      expect.stringMatching(
        /sites\/hx-station\.yaml:\d+:\d+ {2}id {2}"_gaswatch" is reserved for gaswatch's own system alarms/,
      ),
    ]);
  });

  it('refuses ids the ingest and the API would refuse: longer than 128, or starting with "."', async () => {
    expect(await errorsWithSiteId('x'.repeat(129))).toEqual([
      expect.stringMatching(/ {2}id {2}expected an id of 1–128/),
    ]);
    expect(await errorsWithSiteId('.hx')).toEqual([expect.stringMatching(/ {2}id {2}expected an id of 1–128/)]);
    expect(await errorsWithSiteId(`_${'x'.repeat(127)}`)).toEqual([]);
  });
});
