/**
 * Target 3 of issue 10: a province — 100k sensors in 1,000 site files. Online time is from spawn
 * to the first /readyz 200 (config loaded, MQTT connected); then one reading from every sensor
 * (QoS 1, through the same lean publisher), and the daemon's peak RSS once every reading is in
 * InfluxDB. Peak RSS (VmHWM) covers the whole life of the process, config load included.
 */
import type { Influxd } from '../test/helpers/influxd.js';
import type { Mosquitto } from '../test/helpers/mosquitto.js';
import { loadFleet } from '../test/helpers/stored.js';
import { sleep } from '../test/helpers/wait.js';
import { startDaemon } from './lib/daemon.js';
import { connect, disconnect, type Fleet, publishAll, telemetry } from './lib/publisher.js';

export interface FleetRound {
  onlineMs: number;
  /** RSS once online (config loaded, idle), then the peak and the RSS after one reading per sensor. */
  idleRssMb: number;
  peakRssMb: number;
  rssMb: number;
  /** Wall ms for the 100k readings, publish → all in InfluxDB. */
  readingsMs: number;
  /** The daemon's own heap figures after the readings (V8 used heap, external/array buffers). */
  heapUsedMb: number;
  externalMb: number;
}

export async function benchFleet(
  broker: Mosquitto,
  influx: Influxd,
  fleet: Fleet,
  rounds: number,
): Promise<FleetRound[]> {
  const config = loadFleet(fleet.sites, fleet.sensorsPerSite);
  const stream = telemetry(fleet, 1);
  const out: FleetRound[] = [];
  for (let r = 0; r < rounds; r++) {
    const db = `bench_fleet_${r}`;
    const d = await startDaemon({
      mqttUrl: broker.url,
      influxUrl: influx.url,
      database: db,
      ...config,
      main: { influx: { batchSize: 5000, flushInterval: '1s' } },
    });
    try {
      const idle = await d.usage();
      const pubs = await connect(broker.url, 1, 'fleet');
      const t0 = performance.now();
      void publishAll(pubs, stream, 5000);
      for (;;) {
        const m = await d.metrics();
        const done = m.get('gaswatch_influx_points_total{result="influx"}') ?? 0;
        if (done >= stream.length) break;
        if (performance.now() - t0 > 600_000)
          throw new Error(`fleet: only ${done} of ${stream.length} readings stored`);
        await sleep(50);
      }
      const readingsMs = performance.now() - t0;
      await disconnect(pubs);
      const stored = await influx.count(db, 'reading', 'value');
      if (stored !== stream.length) throw new Error(`fleet: ${stored} of ${stream.length} readings stored`);
      const usage = await d.usage();
      const m = await d.metrics();
      out.push({
        onlineMs: d.onlineMs,
        idleRssMb: idle.rssMb,
        peakRssMb: usage.peakRssMb,
        rssMb: usage.rssMb,
        readingsMs,
        heapUsedMb: (m.get('gaswatch_nodejs_heap_size_used_bytes') ?? NaN) / 2 ** 20,
        externalMb: (m.get('gaswatch_nodejs_external_memory_bytes') ?? NaN) / 2 ** 20,
      });
      const x = out.at(-1) as FleetRound;
      console.log(
        `  fleet round ${r + 1}: online ${(x.onlineMs / 1000).toFixed(2)} s, RSS idle ${x.idleRssMb.toFixed(0)} MB, ` +
          `peak ${x.peakRssMb.toFixed(0)} MB, after readings ${x.rssMb.toFixed(0)} MB (heap ${x.heapUsedMb.toFixed(0)} MB, ` +
          `external ${x.externalMb.toFixed(0)} MB); ${stream.length.toLocaleString('en-US')} readings in ${(readingsMs / 1000).toFixed(1)} s`,
      );
      await influx.query(`DROP DATABASE "${db}"`);
    } finally {
      await d.stop();
    }
  }
  return out;
}

/** RSS of the daemon with a single sensor, two seconds after it is online: what Node and the libraries cost. */
export async function baseRss(broker: Mosquitto, influx: Influxd): Promise<number> {
  const d = await startDaemon({
    mqttUrl: broker.url,
    influxUrl: influx.url,
    database: 'bench_base',
    ...loadFleet(1, 1),
  });
  try {
    await sleep(2000);
    return (await d.usage()).rssMb;
  } finally {
    await d.stop();
  }
}
