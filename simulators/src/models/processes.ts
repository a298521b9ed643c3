/**
 * The physical processes behind the pressure, temperature and level transmitters. Each returns the
 * true value at run time t (ms since the start); the sensor adds its own noise and resolution.
 * Daily cycles follow local clock time (startTime + t), so a demo started in the afternoon sees the
 * afternoon's warmth.
 */
import type { Rng } from '../rng.js';
import { Drift, daily, localHour, slowWaves } from './noise.js';

export type Signal = (t: number) => number;

/**
 * Ambient air at the depot, °C: a late-autumn day in Hebei, around 0 °C with a ±6 °C daily swing
 * peaking at 15:00, plus weather that wanders over hours.
 */
export function ambientAir(rng: Rng, startTime: number): Signal {
  const weather = slowWaves(rng, 2, [31, 13, 5.3]);
  return (t) => 6 * daily(startTime + t, 15) + weather(t);
}

/**
 * A CNG storage tank, MPa gauge. Compressors fill it and trailers or the city main draw it down on a
 * six-hour cycle anchored to the clock (tanks offset by `offsetH`): fill 1.5 h from 17.5 to 22.5 MPa at
 * a reference 15 °C, hold 0.5 h, withdraw 3.5 h, idle 0.5 h. The gas follows the ambient temperature
 * at constant volume (Gay-Lussac), which gives the daily swing. The top stays clear of the shipped
 * `hi` setpoint (23 MPa) even on the warmest afternoon, so `normal` never alarms.
 */
export function cngTank(startTime: number, offsetH: number, ambient: Signal): Signal {
  const low = 17.5;
  const high = 22.5;
  return (t) => {
    const h = (((localHour(startTime + t) + offsetH) % 6) + 6) % 6;
    let p: number;
    if (h < 1.5) p = low + (high - low) * (h / 1.5);
    else if (h < 2) p = high;
    else if (h < 5.5) p = high - (high - low) * ((h - 2) / 3.5);
    else p = low;
    return (p * (273.15 + ambient(t))) / (273.15 + 15);
  };
}

/**
 * An LNG tank's vapour space, MPa gauge: around 0.45 MPa, rising with boil-off and brought back down
 * by the BOG compressor, over hours.
 */
export function lngTank(rng: Rng): Signal {
  const waves = slowWaves(rng, 0.025, [7, 2.9]);
  const drift = new Drift(rng, 0.004, 30 * 60_000);
  return (t) => 0.45 + waves(t) + drift.at(t);
}

/** Vapour pressure of propane, bar absolute: Antoine equation, NIST WebBook (277.6–361.8 K). */
export function propaneVapourBar(celsius: number): number {
  return 10 ** (4.53678 - 1149.36 / (celsius + 273.15 + 24.906));
}

const STEP_MS = 10_000;
const CAR_LEVEL_PCT = 0.07; // ~35 L of LPG from a 50 m³ tank
const CAR_STEPS = 18; // a fill takes three minutes
const REFILL_BELOW_PCT = 20;
const TANKER_DELAY_MS = 45 * 60_000;
const REFILL_MS = 40 * 60_000;
// The shipped lpg-tank-level profile alarms `hi` at 85 % (GB 50156 fill limit): a tanker stops short of it.
const REFILL_TO_PCT = 80;

/**
 * The buried LPG tank of a filling station: level falls as the dispensers sell (cars arrive more
 * often by day, with rush-hour peaks), a tanker comes 45 minutes after the level drops below 20 % and
 * refills it to 80 % over 40 minutes. The pressure is propane's vapour pressure at the tank's
 * temperature (the ground damps and delays the daily swing: 20 ± 3 °C, warmest at 18:00), pulled
 * down a little while cars draw liquid and pushed up while the tanker's pump runs.
 *
 * The state advances on a fixed 10 s grid from the start, so the level at time t does not depend on
 * which sensor asked first or how often.
 */
export class LpgTank {
  private t = 0;
  private level: number;
  private cars: number[] = [];
  private tankerAt: number | undefined;
  private refillRate = 0;
  private readonly weather: Signal;

  constructor(
    private readonly rng: Rng,
    private readonly startTime: number,
  ) {
    this.level = rng.range(45, 70);
    this.weather = slowWaves(rng, 0.6, [29, 11]);
  }

  levelAt(t: number): number {
    this.advanceTo(t);
    return this.level;
  }

  pressureAt(t: number): number {
    this.advanceTo(t);
    const celsius = 20 + 3 * daily(this.startTime + t, 18) + this.weather(t);
    const drawdown = 0.008 * Math.min(this.cars.length, 4);
    const pump = this.refilling() ? 0.04 : 0;
    return propaneVapourBar(celsius) / 10 - 0.101325 - drawdown + pump;
  }

  private refilling(): boolean {
    return this.tankerAt !== undefined && this.t >= this.tankerAt;
  }

  private advanceTo(t: number): void {
    while (this.t + STEP_MS <= t) this.step();
  }

  private step(): void {
    this.t += STEP_MS;
    const carsPerHour = carRate(localHour(this.startTime + this.t));
    if (this.rng.chance((carsPerHour * STEP_MS) / 3_600_000)) this.cars.push(CAR_STEPS);
    this.level -= (this.cars.length * CAR_LEVEL_PCT) / CAR_STEPS;
    this.cars = this.cars.map((n) => n - 1).filter((n) => n > 0);

    if (this.tankerAt === undefined && this.level < REFILL_BELOW_PCT) {
      this.tankerAt = this.t + TANKER_DELAY_MS;
    } else if (this.tankerAt !== undefined && this.t >= this.tankerAt) {
      if (this.refillRate === 0) this.refillRate = ((REFILL_TO_PCT - this.level) * STEP_MS) / REFILL_MS;
      this.level += this.refillRate;
      if (this.level >= REFILL_TO_PCT) {
        this.tankerAt = undefined;
        this.refillRate = 0;
      }
    }
    this.level = Math.max(2, this.level);
  }
}

/** Cars per hour at a neighbourhood station: few at night, busy by day, peaks at 08:00 and 18:00. */
function carRate(h: number): number {
  if (h < 6 || h >= 22) return 3;
  const peak = (c: number) => Math.exp(-((h - c) ** 2) / 2);
  return 18 + 14 * (peak(8) + peak(18));
}
