/**
 * Server-Sent Events for the console (`GET /api/events`).
 *
 * Alarm events go to every client at once: they are few and each one matters; so do the hazard
 * register's changed records (`event: hazards`, SPEC §11), or — when one transaction changed more
 * than `MAX_HAZARDS_PER_MESSAGE` of them (a calibration rule turned on over a whole fleet) — a
 * `{"resync":true}` that sends the console back to `GET /api/hazards`. Readings are
 * coalesced: at 100k sensors no browser can take every reading, so only the latest value per
 * sensor is kept and sent at most once per `readingsIntervalMs`, and a client may ask for the
 * readings of some sites only. Each message is serialised once per flush, not once per client.
 *
 * A client that reads too slowly skips reading flushes (the next flush carries fresher values);
 * one whose buffer still grows past `maxBufferedBytes` is disconnected and reconnects: the console
 * re-reads /api/alarms on every (re)connect, so nothing is lost but time.
 */
import type { ServerResponse } from 'node:http';
import type { HazardBatch } from '../domain/hazards.js';
import type { AlarmEvent, Reading } from '../domain/types.js';
import type { Clock, Timer } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import type { LiveFeed } from './ports.js';

export interface EventStreamOptions {
  readingsIntervalMs?: number;
  heartbeatMs?: number;
  maxBufferedBytes?: number;
}

interface Client {
  res: ServerResponse;
  /** undefined: readings of all sites; empty: none. */
  sites: ReadonlySet<string> | undefined;
  /** Checked at each heartbeat: false once the session behind the stream has ended. */
  stillAllowed: () => boolean;
}

/** Records per `hazards` message at most; a bigger batch is announced as a resync instead. */
export const MAX_HAZARDS_PER_MESSAGE = 200;

type WireReading = Pick<Reading, 'site' | 'sensor' | 'value' | 'ts' | 'unit' | 'status' | 'configured'>;

export class EventStream {
  private readonly clients = new Set<Client>();
  /** How many clients want each site's readings, and how many want all: readings nobody wants are not kept. */
  private readonly wanted = new Map<string, number>();
  private wantAll = 0;
  private pending = new Map<string, Map<string, WireReading>>();
  private unsubscribe: (() => void)[] = [];
  private timers: Timer[] = [];
  private seq = 0;
  readonly readingsIntervalMs: number;
  private readonly heartbeatMs: number;
  private readonly maxBufferedBytes: number;

  constructor(
    private readonly live: LiveFeed,
    private readonly clock: Clock,
    private readonly logger: Logger,
    opts: EventStreamOptions = {},
  ) {
    this.readingsIntervalMs = opts.readingsIntervalMs ?? 1000;
    this.heartbeatMs = opts.heartbeatMs ?? 10_000;
    this.maxBufferedBytes = opts.maxBufferedBytes ?? 4 * 1024 * 1024;
  }

  start(): void {
    this.unsubscribe.push(
      this.live.onAlarmEvent((e) => this.broadcastAlarm(e)),
      this.live.onReading((r) => this.queueReading(r)),
    );
    if (this.live.onHazards) this.unsubscribe.push(this.live.onHazards((b) => this.broadcastHazards(b)));
    this.timers.push(
      this.clock.setInterval(() => this.flushReadings(), this.readingsIntervalMs),
      this.clock.setInterval(() => this.heartbeat(), this.heartbeatMs),
    );
  }

  stop(): void {
    for (const u of this.unsubscribe) u();
    for (const t of this.timers) t.cancel();
    this.unsubscribe = [];
    this.timers = [];
    for (const c of [...this.clients]) {
      c.res.end();
      this.remove(c);
    }
    this.pending.clear();
  }

  get size(): number {
    return this.clients.size;
  }

  /** Takes over a response whose headers the caller has not sent yet. */
  open(
    res: ServerResponse,
    headers: Record<string, string>,
    sites: ReadonlySet<string> | undefined,
    stillAllowed: () => boolean,
  ) {
    res.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store, no-transform',
      connection: 'keep-alive',
      // Reverse proxies (nginx) would otherwise buffer the stream and delay alarms.
      'x-accel-buffering': 'no',
    });
    const client: Client = { res, sites, stillAllowed };
    this.add(client);
    res.on('close', () => this.remove(client));
    if (res.closed || res.socket?.destroyed) this.remove(client);
    const hello = {
      now: new Date(this.clock.now()).toISOString(),
      readingsIntervalMs: this.readingsIntervalMs,
      heartbeatMs: this.heartbeatMs,
    };
    res.write(`retry: 3000\nevent: hello\ndata: ${JSON.stringify(hello)}\n\n`);
  }

  private add(c: Client): void {
    this.clients.add(c);
    if (c.sites === undefined) this.wantAll++;
    else for (const s of c.sites) this.wanted.set(s, (this.wanted.get(s) ?? 0) + 1);
  }

  private remove(c: Client): void {
    if (!this.clients.delete(c)) return;
    if (c.sites === undefined) this.wantAll--;
    else
      for (const s of c.sites) {
        const n = (this.wanted.get(s) ?? 1) - 1;
        if (n > 0) this.wanted.set(s, n);
        else this.wanted.delete(s);
      }
  }

  private broadcastAlarm(e: AlarmEvent): void {
    if (this.clients.size === 0) return;
    const msg = `id: ${++this.seq}\nevent: alarm\ndata: ${JSON.stringify(e)}\n\n`;
    for (const c of this.clients) this.send(c, msg);
  }

  private broadcastHazards(b: HazardBatch): void {
    if (this.clients.size === 0 || b.changed.length === 0) return;
    const data =
      b.changed.length > MAX_HAZARDS_PER_MESSAGE ? '{"resync":true}' : JSON.stringify({ changed: b.changed });
    const msg = `id: ${++this.seq}\nevent: hazards\ndata: ${data}\n\n`;
    for (const c of this.clients) this.send(c, msg);
  }

  private queueReading(r: Reading): void {
    if (this.wantAll === 0 && !this.wanted.has(r.site)) return;
    let site = this.pending.get(r.site);
    if (!site) {
      site = new Map();
      this.pending.set(r.site, site);
    }
    site.set(r.sensor, {
      site: r.site,
      sensor: r.sensor,
      value: r.value,
      ts: r.ts,
      unit: r.unit,
      status: r.status,
      configured: r.configured,
    });
  }

  private flushReadings(): void {
    if (this.pending.size === 0) return;
    const pending = this.pending;
    this.pending = new Map();
    const bySite = new Map<string, string>();
    const siteJson = (site: string): string | undefined => {
      let s = bySite.get(site);
      if (s === undefined) {
        const readings = pending.get(site);
        if (!readings) return undefined;
        s = JSON.stringify([...readings.values()]).slice(1, -1);
        bySite.set(site, s);
      }
      return s;
    };
    let all: string | undefined;
    for (const c of this.clients) {
      if (c.res.writableNeedDrain) continue;
      let parts: string[];
      if (c.sites === undefined) {
        all ??= [...pending.keys()].map((site) => siteJson(site) as string).join(',');
        parts = [all];
      } else {
        parts = [];
        for (const site of c.sites) {
          const s = siteJson(site);
          if (s !== undefined) parts.push(s);
        }
      }
      if (parts.length > 0) this.send(c, `event: readings\ndata: [${parts.join(',')}]\n\n`);
    }
  }

  private heartbeat(): void {
    const msg = `event: heartbeat\ndata: {"now":"${new Date(this.clock.now()).toISOString()}"}\n\n`;
    for (const c of this.clients) {
      if (!c.stillAllowed()) {
        c.res.end('event: session-expired\ndata: {}\n\n');
        this.remove(c);
        continue;
      }
      this.send(c, msg);
    }
  }

  private send(c: Client, msg: string): void {
    if (c.res.writableLength > this.maxBufferedBytes) {
      this.logger.warn({ buffered: c.res.writableLength }, 'event stream client too slow; disconnecting it');
      c.res.destroy();
      this.remove(c);
      return;
    }
    c.res.write(msg);
  }
}
