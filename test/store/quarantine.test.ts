import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { classifyError } from '../../src/store/influx.js';
import { Quarantine } from '../../src/store/quarantine.js';
import { silentLogger } from '../../src/util/logger.js';
import { reading, tempDir } from './support.js';

describe('quarantine file', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  it('keeps every refused point with its reason, rotating instead of filling the disk', async () => {
    const tmp = await tempDir();
    const q = new Quarantine({
      file: path.join(tmp.dir, 'quarantine.jsonl'),
      maxBytes: 2000,
      logger: silentLogger(),
      now: Date.now,
    });
    cleanup.push(tmp.remove, () => q.close());
    for (let i = 0; i < 40; i++) await q.append([{ point: reading(i), error: `conflict ${i}` }]);
    expect(q.count).toBe(40);
    expect((await readdir(tmp.dir)).sort()).toEqual(['quarantine.1.jsonl', 'quarantine.jsonl']);
    const current = (await readFile(path.join(tmp.dir, 'quarantine.jsonl'), 'utf8')).trim().split('\n');
    expect(Buffer.byteLength(current.join('\n'))).toBeLessThanOrEqual(2000);
    const last = JSON.parse(current.at(-1)!) as { error: string; point: unknown; at: string };
    expect(last).toMatchObject({ error: 'conflict 39', point: reading(39) });
    expect(Number.isNaN(Date.parse(last.at))).toBe(false);
  });
});

describe('InfluxDB failure classes', () => {
  const http = (statusCode: number, message = '') => Object.assign(new Error(message), { res: { statusCode } });

  it('retries what may pass later and isolates what never will', () => {
    expect(classifyError(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }))).toBe('transient');
    expect(classifyError(new Error('Request timed out'))).toBe('transient');
    expect(classifyError(http(500))).toBe('transient');
    // Credentials are configuration, not bad data: keep the points.
    expect(classifyError(http(401, 'authorization failed'))).toBe('transient');
    expect(classifyError(http(403))).toBe('transient');
    expect(classifyError(http(429))).toBe('transient');
    expect(classifyError(http(404, 'A 404 Not Found error occurred: {"error":"database not found: \\"x\\""}'))).toBe(
      'no-database',
    );
    expect(classifyError(http(400, 'partial write: field type conflict'))).toBe('bad');
    expect(classifyError(http(413))).toBe('bad');
  });
});
