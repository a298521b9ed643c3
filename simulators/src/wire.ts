/**
 * The wire format of SPEC §1, as devices and gateways write it:
 * topic `gas/{site}/{sensor}`, payload `{"value":12.5,"ts":1764316800123,"unit":"ppm","status":"ok"}`,
 * a JSON array of such objects for a batch, or a bare JSON number.
 */
import { GAS_LEL, type Gas } from './layout.js';

export type ReadingStatus = 'ok' | 'fault' | 'maintenance' | 'calibrating';

/** One reading as the device means it: what a correct decoder must recover from the payload. */
export interface IntendedReading {
  value: number;
  /** Epoch ms; null for a bare-number payload, which the daemon stamps with its time of receipt. */
  ts: number | null;
  unit: string;
  status: ReadingStatus;
}

export function topicOf(site: string, sensor: string): string {
  return `gas/${site}/${sensor}`;
}

/**
 * Digits a transmitter of that unit reports: a detector resolves 0.1 ppm, a pressure transmitter
 * 1 kPa. The published number is exactly the intended one (no float tails like 3.3000000000000003).
 */
const DECIMALS: Readonly<Record<string, number>> = {
  ppm: 1,
  '%LEL': 3,
  '%vol': 4,
  'mg/m3': 1,
  MPa: 3,
  kPa: 1,
  bar: 2,
  C: 1,
  '%': 1,
};

export function quantise(value: number, unit: string): number {
  const d = DECIMALS[unit] ?? 3;
  const q = Number(value.toFixed(d));
  return Object.is(q, -0) ? 0 : q;
}

/** A gas concentration in ppm expressed in `unit` (ppm, %vol, %LEL). */
export function fromPpm(ppm: number, unit: string, gas: Gas | undefined): number {
  switch (unit) {
    case 'ppm':
      return ppm;
    case '%vol':
      return ppm / 10_000;
    case '%LEL':
      if (gas === undefined) throw new Error('%LEL needs the gas');
      return (ppm / 10_000 / GAS_LEL[gas]) * 100;
    default:
      throw new Error(`the simulator does not convert ppm to ${unit}`);
  }
}

/** A gas concentration in `unit` (ppm, %vol, %LEL) expressed in ppm. */
export function toPpm(value: number, unit: string, gas: Gas | undefined): number {
  return value / fromPpm(1, unit, gas);
}

export function encodeReading(r: IntendedReading): string {
  return `{"value":${JSON.stringify(r.value)},"ts":${r.ts},"unit":${JSON.stringify(r.unit)},"status":"${r.status}"}`;
}

export function encodeBatch(rs: readonly IntendedReading[]): string {
  return `[${rs.map(encodeReading).join(',')}]`;
}

export function encodeBare(value: number): string {
  return JSON.stringify(value);
}
