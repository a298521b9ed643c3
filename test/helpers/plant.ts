/**
 * The daemon's world in a test file: a real Mosquitto and a real InfluxDB on free loopback ports,
 * and a config directory pointing at them. Started once per file (beforeAll), stopped in afterAll.
 */
import { type ConfigDir, type DaemonConfig, writeConfigDir } from './daemon.js';
import { type Influxd, startInfluxd } from './influxd.js';
import { type Mosquitto, type MosquittoOptions, startMosquitto } from './mosquitto.js';

export interface Plant {
  broker: Mosquitto;
  influx: Influxd;
  cfg: ConfigDir;
  /** Stops both servers and removes the config directory (stop the daemon first). */
  stop(): Promise<void>;
}

export interface PlantOptions {
  mosquitto?: MosquittoOptions;
  /** The InfluxDB database the daemon writes. */
  database: string;
  /** The rest of the daemon's config (profiles, sites, extra main keys). */
  config: Omit<DaemonConfig, 'mqttUrl' | 'influxUrl' | 'database'>;
}

export async function startPlant(o: PlantOptions): Promise<Plant> {
  const [broker, influx] = await Promise.all([startMosquitto(o.mosquitto), startInfluxd()]);
  try {
    const cfg = await writeConfigDir({ mqttUrl: broker.url, influxUrl: influx.url, database: o.database, ...o.config });
    return {
      broker,
      influx,
      cfg,
      stop: () => Promise.all([broker.stop(), influx.stop(), cfg.cleanup()]).then(() => undefined),
    };
  } catch (err) {
    await Promise.all([broker.stop(), influx.stop()]);
    throw err;
  }
}
