/**
 * The on-disk spool (SPEC §5): points that could not reach InfluxDB, kept until they can.
 *
 * Layout: append-only segment files `{dir}/000001.seg`, `000002.seg`…, one record a line
 * (`segment-format.ts`): a class marker, telemetry or alarm event, then the point as JSON.
 *
 * - `append()` writes one group commit and fsyncs it (fdatasync) before resolving: what it has
 *   resolved survives `kill -9` and power loss. A failed write is truncated away so the segment
 *   never holds half a record followed by good ones.
 * - Bounded by `maxBytes`: to make room the oldest segment still holding telemetry is rewritten
 *   with its alarm events only, and every telemetry record removed is counted in `dropped`. Alarm
 *   events are never dropped; when only they remain the bound is exceeded and logged loudly.
 * - Replay takes the oldest segment (`checkout`), sealing it if it is the one being appended to,
 *   so appends continue in a new segment while it is read. `advance()` records how far replay got,
 *   so a replay interrupted by another outage resumes there instead of writing (and quarantining,
 *   and counting) the same records again. `release(done)` deletes it once all is in InfluxDB.
 * - Segments found at `open()` come from an earlier run and are never appended to; the last one
 *   may end in a torn line (`kill -9` mid-write, never acknowledged): such lines are skipped and
 *   counted in `torn`, once.
 */
import { type FileHandle, mkdir, open, readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { syncDir, writeFileAtomic } from '../util/atomic-file.js';
import { type Logger, RateLimitedLog } from '../util/logger.js';
import type { Point } from './port.js';
import { classOf, encode, parse } from './segment-format.js';

export { classOf, type RecordClass } from './segment-format.js';

const SEGMENT_NAME = /^(\d+)\.seg$/;

export interface SpoolOptions {
  dir: string;
  maxBytes: number;
  /** Size at which a new segment is started; the unit of dropping. Default maxBytes/32 in [4 KiB, 16 MiB]. */
  segmentBytes?: number | undefined;
  logger: Logger;
  /** Epoch ms, for rate-limiting log lines. */
  now: () => number;
}

/** A segment as handed to the replayer. */
export interface Segment {
  readonly id: number;
  readonly file: string;
  bytes: number;
  /** Telemetry records in the file; undefined until read for segments found at open(). */
  telemetry: number | undefined;
  replaying: boolean;
  /** Records (complete lines) already replayed by this process. */
  resumeAt: number;
  /** Torn and corrupt lines of this file have been counted. */
  checked: boolean;
}

export class Spool {
  /** Telemetry records removed to respect the bound. */
  dropped = 0;
  /** Torn or corrupt lines skipped. */
  torn = 0;
  private segments: Segment[] = [];
  private active: { seg: Segment; fh: FileHandle } | undefined;
  private nextId = 1;
  private total = 0;
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;
  private readonly segmentBytes: number;
  private readonly rate = new RateLimitedLog(60_000);

  constructor(private readonly opts: SpoolOptions) {
    this.segmentBytes = opts.segmentBytes ?? Math.min(16 << 20, Math.max(4096, Math.floor(opts.maxBytes / 32)));
  }

  get bytes(): number {
    return this.total;
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  async open(): Promise<void> {
    await mkdir(this.opts.dir, { recursive: true });
    const found: Segment[] = [];
    for (const name of await readdir(this.opts.dir)) {
      const file = path.join(this.opts.dir, name);
      // A rewrite that a crash interrupted; the original segment is still in place.
      if (name.endsWith('.tmp')) await rm(file, { force: true });
      const m = SEGMENT_NAME.exec(name);
      if (!m) continue;
      const { size } = await stat(file);
      found.push({
        id: Number(m[1]),
        file,
        bytes: size,
        telemetry: undefined,
        replaying: false,
        resumeAt: 0,
        checked: false,
      });
    }
    found.sort((a, b) => a.id - b.id);
    this.segments = found;
    this.total = found.reduce((n, s) => n + s.bytes, 0);
    this.nextId = (found.at(-1)?.id ?? 0) + 1;
    this.closed = false;
    if (found.length > 0) {
      this.opts.logger.info({ segments: found.length, bytes: this.total }, 'spool holds points from an earlier run');
    }
  }

  /** Appends and fsyncs the points; resolves once they are durable. */
  append(points: Point[]): Promise<void> {
    return this.exclusive(async () => {
      if (this.closed) throw new Error('spool is closed');
      if (points.length === 0) return;
      let body = '';
      let telemetry = 0;
      for (const p of points) {
        body += encode(p);
        if (classOf(p) === 'telemetry') telemetry++;
      }
      let buf = Buffer.from(body);
      if (!(await this.makeRoom(buf.length))) {
        // Nothing older is left to drop: the oldest telemetry of this batch goes next. Alarm events
        // and the newest readings that still fit are kept.
        const events = points.filter((p) => classOf(p) === 'event').map(encode);
        const eventBytes = events.reduce((n, line) => n + Buffer.byteLength(line), 0);
        let room = this.opts.maxBytes - this.total - eventBytes;
        const newestFirst = points.filter((p) => classOf(p) === 'telemetry').sort((a, b) => b.ts - a.ts);
        const keep: string[] = [];
        for (const p of newestFirst) {
          const line = encode(p);
          const size = Buffer.byteLength(line);
          if (size > room) break;
          room -= size;
          keep.push(line);
        }
        this.dropped += telemetry - keep.length;
        telemetry = keep.length;
        buf = Buffer.from(events.join('') + keep.reverse().join(''));
        if (this.total + buf.length > this.opts.maxBytes && events.length > 0) {
          this.opts.logger.error(
            { spoolBytes: this.total + buf.length, maxBytes: this.opts.maxBytes },
            'spool holds only alarm events and is over its bound: keeping them, disk use grows',
          );
        }
        if (buf.length === 0) return;
      }
      const active = await this.activeFor(buf.length);
      try {
        let off = 0;
        while (off < buf.length) off += (await active.fh.write(buf, off, buf.length - off)).bytesWritten;
        await active.fh.datasync();
      } catch (err) {
        await active.fh.truncate(active.seg.bytes).catch(() => undefined);
        await this.seal().catch(() => undefined);
        throw err;
      }
      active.seg.bytes += buf.length;
      active.seg.telemetry = (active.seg.telemetry ?? 0) + telemetry;
      this.total += buf.length;
    });
  }

  /** The oldest segment, sealed and marked as replaying; undefined when the spool is empty. */
  checkout(): Promise<Segment | undefined> {
    return this.exclusive(async () => {
      const seg = this.segments.find((s) => !s.replaying);
      if (!seg) return undefined;
      if (this.active?.seg === seg) await this.seal();
      seg.replaying = true;
      return seg;
    });
  }

  /** The records of a checked-out segment not yet replayed, oldest first. */
  read(seg: Segment): Promise<Point[]> {
    return this.exclusive(async () => {
      // A segment someone deleted by hand is simply gone; retrying it forever would stall replay.
      const text = await readFile(seg.file, 'utf8').catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return '';
        throw err;
      });
      const { records, corrupt } = parse(text);
      this.countCorrupt(seg, corrupt);
      seg.telemetry = records.filter((r) => r.cls === 'telemetry').length;
      return records.slice(seg.resumeAt).map((r) => r.point!);
    });
  }

  /** `n` more records of the segment are in InfluxDB. */
  advance(seg: Segment, n: number): void {
    seg.resumeAt += n;
  }

  /** Ends a replay: `done` deletes the segment, otherwise it waits for the next attempt. */
  release(seg: Segment, done: boolean): Promise<void> {
    return this.exclusive(async () => {
      seg.replaying = false;
      if (!done) return;
      // Deleting is not fsynced: if a crash undoes it the segment is replayed again, and a point
      // written twice with the same series and time is stored once.
      await rm(seg.file, { force: true });
      this.remove(seg);
    });
  }

  close(): Promise<void> {
    return this.exclusive(async () => {
      this.closed = true;
      await this.seal();
    });
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async activeFor(size: number): Promise<{ seg: Segment; fh: FileHandle }> {
    if (this.active && (this.active.seg.bytes === 0 || this.active.seg.bytes + size <= this.segmentBytes)) {
      return this.active;
    }
    await this.seal();
    const id = this.nextId++;
    const file = path.join(this.opts.dir, `${String(id).padStart(6, '0')}.seg`);
    const fh = await open(file, 'a');
    // The new directory entry must be durable too, or an fsynced record could vanish with its file.
    await syncDir(this.opts.dir);
    const seg: Segment = { id, file, bytes: 0, telemetry: 0, replaying: false, resumeAt: 0, checked: true };
    this.segments.push(seg);
    this.active = { seg, fh };
    return this.active;
  }

  private async seal(): Promise<void> {
    const a = this.active;
    this.active = undefined;
    if (a) await a.fh.close();
  }

  private remove(seg: Segment): void {
    const i = this.segments.indexOf(seg);
    if (i < 0) return;
    this.segments.splice(i, 1);
    this.total -= seg.bytes;
  }

  private countCorrupt(seg: Segment, corrupt: number): void {
    if (seg.checked) return;
    seg.checked = true;
    if (corrupt === 0) return;
    this.torn += corrupt;
    this.opts.logger.warn({ segment: path.basename(seg.file), lines: corrupt }, 'spool: skipped torn or corrupt lines');
  }

  /** Drops the oldest telemetry until `size` more bytes fit; false if it cannot. */
  private async makeRoom(size: number): Promise<boolean> {
    while (this.total + size > this.opts.maxBytes) {
      const victim = this.segments.find((s) => !s.replaying && s.telemetry !== 0);
      if (!victim) return false;
      await this.dropTelemetry(victim);
    }
    return true;
  }

  private async dropTelemetry(seg: Segment): Promise<void> {
    if (this.active?.seg === seg) await this.seal();
    const { records, corrupt } = parse(await readFile(seg.file, 'utf8'));
    this.countCorrupt(seg, corrupt);
    // Records before resumeAt are already in InfluxDB: neither dropped nor kept.
    const rest = records.slice(seg.resumeAt);
    const kept = rest.filter((r) => r.cls === 'event');
    const dropped = rest.length - kept.length;
    this.dropped += dropped;
    if (dropped > 0 && this.rate.take('drop', this.opts.now()) >= 0) {
      this.opts.logger.warn(
        { segment: path.basename(seg.file), dropped, droppedTotal: this.dropped, maxBytes: this.opts.maxBytes },
        'spool full: dropped oldest telemetry',
      );
    }
    if (kept.length === 0) {
      await rm(seg.file, { force: true });
      this.remove(seg);
      return;
    }
    const body = Buffer.from(kept.map((r) => `${r.line}\n`).join(''));
    await writeFileAtomic(seg.file, body);
    this.total += body.length - seg.bytes;
    seg.bytes = body.length;
    seg.telemetry = 0;
    seg.resumeAt = 0;
  }
}
