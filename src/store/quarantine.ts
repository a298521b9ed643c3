/**
 * Points InfluxDB refused as bad (4xx: field type conflict, unparsable, beyond retention) are
 * kept here, one JSON line each (`{"at", "error", "point"}`), for an operator to inspect or
 * re-import; they are never retried, so a bad point cannot block or loop the rest.
 *
 * The file is rotated at `maxBytes` into `quarantine.1.jsonl` (the previous one is replaced):
 * a systematic conflict (someone wrote `value` as integer first) would otherwise quarantine every
 * reading and fill the disk. The counter counts every point, rotated away or not.
 */
import { type FileHandle, open, rename, stat } from 'node:fs/promises';
import { type Logger, RateLimitedLog } from '../util/logger.js';
import type { QuarantineItem } from './influx.js';

export interface QuarantineOptions {
  file: string;
  maxBytes: number;
  logger: Logger;
  now: () => number;
}

export class Quarantine {
  /** Points quarantined since start. */
  count = 0;
  private fh: FileHandle | undefined;
  private size = 0;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly rate = new RateLimitedLog(60_000);

  constructor(private readonly opts: QuarantineOptions) {}

  /** Appends and fsyncs; resolves once the points are durable here. */
  append(items: QuarantineItem[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    const run = this.chain.then(async () => {
      const at = new Date(this.opts.now()).toISOString();
      const buf = Buffer.from(items.map((i) => `${JSON.stringify({ at, error: i.error, point: i.point })}\n`).join(''));
      if (this.fh && this.size > 0 && this.size + buf.length > this.opts.maxBytes) {
        await this.closeFile();
        await rename(this.opts.file, this.opts.file.replace(/\.jsonl$/, '') + '.1.jsonl');
      }
      if (!this.fh) {
        this.fh = await open(this.opts.file, 'a');
        this.size = (await stat(this.opts.file)).size;
      }
      await this.fh.writeFile(buf);
      await this.fh.datasync();
      this.size += buf.length;
      this.count += items.length;
      const suppressed = this.rate.take('quarantine', this.opts.now());
      if (suppressed >= 0) {
        this.opts.logger.warn(
          { points: items.length, total: this.count, error: items[0]!.error, file: this.opts.file },
          'InfluxDB refused points as bad; moved to quarantine',
        );
      }
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  close(): Promise<void> {
    const run = this.chain.then(() => this.closeFile());
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async closeFile(): Promise<void> {
    const fh = this.fh;
    this.fh = undefined;
    if (fh) await fh.close();
  }
}
