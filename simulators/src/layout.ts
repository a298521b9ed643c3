/**
 * The simulated facilities. The ids, assets and units here are the ones the shipped gaswatch config
 * (config/sites/*.yaml) declares: change one side, change the other.
 *
 * Positions are metres on a local grid, x to the east and y to the north, so a wind can carry a gas
 * cloud across the detectors. Wind directions are meteorological: the bearing the wind blows FROM.
 */

export type SensorKind = 'pressure' | 'gas' | 'temperature' | 'level';
export type Gas = 'methane' | 'propane';

/** Which physical process drives a sensor's signal (see models/). */
export type ModelName = 'detector' | 'cng-tank' | 'lng-tank' | 'ambient' | 'lpg-pressure' | 'lpg-level';

export interface Position {
  x: number;
  y: number;
}

export interface Wind {
  /** Bearing the wind blows from, degrees clockwise from north (270 = a west wind, blowing east). */
  fromDeg: number;
  /** m/s */
  speed: number;
}

export interface SensorSpec {
  site: string;
  id: string;
  kind: SensorKind;
  asset: string;
  /**
   * Unit the gaswatch config declares for the sensor; a bare-number payload is in this unit. Gas
   * detectors are modelled in ppm whatever it is, and converted on the way out.
   */
  unit: string;
  /** Unit the device writes in its payloads; differs from `unit` where the daemon has to convert. */
  wireUnit: string;
  gas?: Gas;
  /** Publish interval, ms. */
  intervalMs: number;
  position: Position;
  /** Measuring range in `unit`: the output saturates at its ends, as a transmitter's does. */
  range: readonly [number, number];
  model: ModelName;
}

export interface SiteSpec {
  id: string;
  name: string;
  type: 'storage' | 'station';
  wind: Wind;
  sensors: readonly SensorSpec[];
}

/** LEL in %vol, IEC 60079-20-1 (the same table the daemon uses). */
export const GAS_LEL: Readonly<Record<Gas, number>> = { methane: 4.4, propane: 1.7 };

/** ppm at `percentLel` %LEL of `gas`: %LEL = ppm / 10000 / LEL × 100 (SPEC §2). */
export function ppmAtLel(gas: Gas, percentLel: number): number {
  return percentLel * GAS_LEL[gas] * 100;
}

export const DETECTOR_INTERVAL_MS = 2000;
export const PRESSURE_INTERVAL_MS = 5000;
export const SLOW_INTERVAL_MS = 10_000;

type SensorInit = Omit<SensorSpec, 'site' | 'wireUnit' | 'intervalMs' | 'range'> &
  Partial<Pick<SensorSpec, 'wireUnit' | 'intervalMs' | 'range'>>;

function site(id: string, name: string, type: SiteSpec['type'], wind: Wind, sensors: SensorInit[]): SiteSpec {
  return {
    id,
    name,
    type,
    wind,
    sensors: sensors.map((s) => ({
      ...s,
      site: id,
      wireUnit: s.wireUnit ?? s.unit,
      intervalMs: s.intervalMs ?? defaultInterval(s.kind),
      range: s.range ?? defaultRange(s),
    })),
  };
}

function defaultInterval(kind: SensorKind): number {
  if (kind === 'gas') return DETECTOR_INTERVAL_MS;
  if (kind === 'pressure') return PRESSURE_INTERVAL_MS;
  return SLOW_INTERVAL_MS;
}

/** Gas detectors read 0–100 %LEL full scale, the usual range of catalytic and infrared heads. */
function defaultRange(s: SensorInit): readonly [number, number] {
  if (s.kind === 'gas' && s.unit === '%LEL') return [0, 100];
  if (s.kind === 'gas' && s.gas !== undefined) return [0, ppmAtLel(s.gas, 100)];
  if (s.kind === 'level') return [0, 100];
  if (s.kind === 'temperature') return [-40, 60];
  throw new Error(`sensor ${s.id} needs an explicit range`);
}

const methane = (id: string, asset: string, x: number, y: number): SensorInit => ({
  id,
  kind: 'gas',
  gas: 'methane',
  asset,
  unit: 'ppm',
  position: { x, y },
  model: 'detector',
});

const propane = (id: string, asset: string, x: number, y: number): SensorInit => ({
  ...methane(id, asset, x, y),
  gas: 'propane',
});

/**
 * Storage depot. The gas holder sits upwind (west) of the compressors, the valve manifold and the
 * east fence, in that order, as at the Zhangjiakou plant where a leaked cloud drifted from the holder
 * across the works to the road outside the gate (28 Nov 2018). The CNG tanks lie south, off that line.
 */
export const ZJK_DEPOT: SiteSpec = site('zjk-depot', 'Zhangjiakou gas storage depot', 'storage', fromWest(1.5), [
  {
    id: 'PT-101',
    kind: 'pressure',
    asset: 'cng-tank-1',
    unit: 'MPa',
    position: { x: 30, y: 5 },
    range: [0, 40],
    model: 'cng-tank',
  },
  {
    id: 'PT-102',
    kind: 'pressure',
    asset: 'cng-tank-2',
    unit: 'MPa',
    position: { x: 30, y: -25 },
    range: [0, 40],
    model: 'cng-tank',
  },
  {
    id: 'PT-103',
    kind: 'pressure',
    asset: 'lng-tank-1',
    unit: 'MPa',
    position: { x: -40, y: 10 },
    range: [0, 1.6],
    model: 'lng-tank',
  },
  { id: 'TT-101', kind: 'temperature', asset: 'ambient', unit: 'C', position: { x: -10, y: -30 }, model: 'ambient' },
  methane('GD-11', 'compressor-1', 70, 48),
  methane('GD-12', 'compressor-2', 45, 64),
  methane('GD-13', 'valve-manifold', 110, 56),
  methane('GD-14', 'cng-tank-1', 30, 9),
  methane('GD-15', 'gas-holder', 0, 60),
  methane('GD-16', 'fence-east', 170, 60),
]);

/**
 * Filling station with homes beyond its north-east fence. The LPG tank is buried; the dispensers
 * stand 20 m east of it. GD-25 is a %LEL-output head (configured in %LEL too, as config/ declares it),
 * so its payloads carry %LEL where the other detectors carry ppm.
 */
export const HX_STATION: SiteSpec = site(
  'hx-station',
  'Huaxing filling station',
  'station',
  { fromDeg: 225, speed: 2 },
  [
    {
      id: 'PT-201',
      kind: 'pressure',
      asset: 'lpg-tank',
      unit: 'MPa',
      position: { x: 0, y: 0 },
      range: [0, 2.5],
      model: 'lpg-pressure',
    },
    { id: 'LT-201', kind: 'level', asset: 'lpg-tank', unit: '%', position: { x: 0, y: 1 }, model: 'lpg-level' },
    propane('GD-21', 'dispenser-1', 20, 8),
    propane('GD-22', 'dispenser-2', 20, -6),
    propane('GD-23', 'lpg-tank-pit', 1, 0),
    methane('GD-24', 'cng-dispenser', 20, -20),
    { ...propane('GD-25', 'fence-homes', 45, 25), unit: '%LEL' },
  ],
);

/** The facility every scenario but `load` runs on. */
export const FACILITY: readonly SiteSpec[] = [ZJK_DEPOT, HX_STATION];

function fromWest(speed: number): Wind {
  return { fromDeg: 270, speed };
}

/** `site/sensor`, the key used throughout the simulator and in scenario targets. */
export function sensorKey(s: { site: string; id: string }): string {
  return `${s.site}/${s.id}`;
}

export function allSensors(sites: readonly SiteSpec[]): SensorSpec[] {
  return sites.flatMap((s) => s.sensors);
}

/** Ids for the load layout: `load-0001`, `S-0001` (zero-padded to at least four digits). */
export function loadId(prefix: string, n: number): string {
  return `${prefix}${String(n).padStart(4, '0')}`;
}

/** `sites` × `sensors` methane detectors publishing every `intervalMs`, on a 10 m grid per site. */
export function loadLayout(sites: number, sensors: number, intervalMs: number): SiteSpec[] {
  const out: SiteSpec[] = [];
  for (let i = 1; i <= sites; i++) {
    const id = loadId('load-', i);
    const list: SensorInit[] = [];
    for (let j = 1; j <= sensors; j++) {
      list.push({
        ...methane(loadId('S-', j), 'load', ((j - 1) % 10) * 10, Math.floor((j - 1) / 10) * 10),
        intervalMs,
      });
    }
    out.push(site(id, `Load site ${i}`, 'station', fromWest(2), list));
  }
  return out;
}

/**
 * Downwind and crosswind offsets (m) of `p` from `source` under `wind`: how far along the wind the
 * point lies, and how far off the plume's centre line.
 */
export function windOffsets(source: Position, p: Position, wind: Wind): { downwind: number; crosswind: number } {
  const toward = ((wind.fromDeg + 180) * Math.PI) / 180;
  const ux = Math.sin(toward);
  const uy = Math.cos(toward);
  const dx = p.x - source.x;
  const dy = p.y - source.y;
  return { downwind: dx * ux + dy * uy, crosswind: Math.abs(-dx * uy + dy * ux) };
}
