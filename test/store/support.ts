/** Shared by the store tests: temp state dirs, a log capture, point makers, reading a spool back. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { MainConfig } from '../../src/config/schema.js';
import type { Point } from '../../src/store/port.js';
import { Spool } from '../../src/store/spool.js';
import type { Logger } from '../../src/util/logger.js';

export async function tempDir(prefix = 'gaswatch-store-'): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A pino logger whose lines the test can read. */
export function captureLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const dest = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n')) if (l) lines.push(JSON.parse(l) as LogLine);
      cb();
    },
  });
  return { logger: pino({ level: 'debug' }, dest), lines };
}

export function influxConfig(over: Partial<MainConfig['influx']> = {}): MainConfig['influx'] {
  return {
    enabled: true,
    url: 'http://127.0.0.1:8086',
    database: 'gaswatch',
    batchSize: 500,
    flushInterval: 20,
    spoolMaxBytes: 64 * 1024 * 1024,
    ...over,
  };
}

export const T0 = Date.parse('2026-11-28T08:00:00.000Z');

/** A reading whose sequence number is both its value and (in ms after T0) its time. */
export function reading(seq: number, sensor = 'PT-101'): Point {
  return {
    measurement: 'reading',
    tags: { site: 'zjk-depot', sensor, kind: 'pressure', asset: 'tank-1', unit: 'MPa', configured: 'true' },
    fields: { value: seq + 0.5 },
    ts: T0 + seq,
  };
}

export function alarmEvent(seq: number, comment: string | null = null): Point {
  const fields: Record<string, string | number> = { state: 'active_unacked', value: 52.5, threshold: 40 };
  if (comment !== null) fields['comment'] = comment;
  fields['seq'] = seq;
  return {
    measurement: 'alarm_event',
    tags: { site: 'zjk-depot', sensor: 'GD-12', condition: 'hihi', priority: 'critical', type: 'raised' },
    fields,
    ts: T0 + seq,
  };
}

/** Everything a spool directory holds, oldest first, without deleting it. */
export async function readSpoolDir(dir: string, logger: Logger): Promise<Point[]> {
  const spool = new Spool({ dir, maxBytes: Number.MAX_SAFE_INTEGER, logger, now: Date.now });
  await spool.open();
  const out: Point[] = [];
  const taken = [];
  for (let seg = await spool.checkout(); seg; seg = await spool.checkout()) {
    taken.push(seg);
    out.push(...(await spool.read(seg)));
  }
  for (const seg of taken) await spool.release(seg, false);
  await spool.close();
  return out;
}
