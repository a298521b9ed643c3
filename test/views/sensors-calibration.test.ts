/** `GET /api/sensors` shows each sensor's calibration dates from its site file (SPEC §11, additive fields). */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/util/clock.js';
import { SensorView } from '../../src/views/sensors.js';
import { DEPOT, GAS_PROFILES, sitesFrom } from '../helpers/engine.js';

describe('sensor view: calibration', () => {
  it('calibratedAt and the due date, or null when the site file gives none', () => {
    const sensors = [
      { ...DEPOT.sensors[0], calibratedAt: '2026-06-01', calibrationInterval: '180d' },
      DEPOT.sensors[1],
    ];
    const view = new SensorView({ clock: new ManualClock() });
    view.applyConfig(sitesFrom(GAS_PROFILES, [{ ...DEPOT, sensors }]));
    expect(view.list().map((s) => [s.sensor, s.calibratedAt, s.calibrationDue])).toEqual([
      ['GD-12', '2026-06-01T00:00:00.000Z', '2026-11-28T00:00:00.000Z'],
      ['PT-101', null, null],
    ]);
  });
});
