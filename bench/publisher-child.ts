/**
 * A background load in a process of its own, so that the process measuring latency is idle:
 * `node publisher-child.js URL RATE SECONDS SITES SENSORS_PER_SITE` publishes single readings
 * round robin over the fleet at RATE messages/s (QoS 1), says `ready` once connected, starts on
 * `go`, and reports `{published, maxLagMs}` when done.
 */
import { connect, disconnect, publishPaced, sensorId, siteId } from './lib/publisher.js';

const [url, rate, seconds, sites, perSite] = process.argv.slice(2).map((a, i) => (i === 0 ? a : Number(a))) as [
  string,
  number,
  number,
  number,
  number,
];
const topics: string[] = [];
for (let s = 0; s < sites; s++) for (let j = 0; j < perSite; j++) topics.push(`gas/${siteId(s)}/${sensorId(j)}`);
const [client] = await connect(url, 1, 'bg');
process.send?.({ type: 'ready' });
process.once('message', async () => {
  // Readings 1 ms apart per sensor at most: strictly increasing per sensor, never in the future.
  const t0 = Date.now() - rate * seconds;
  const res = await publishPaced(
    client!,
    (i) => ({
      topic: topics[i % topics.length] as string,
      payload: Buffer.from(`{"value":${(i % 200) + 0.5},"ts":${t0 + i},"unit":"ppm","status":"ok"}`),
      readings: 1,
    }),
    rate,
    seconds,
    20_000,
  );
  const cpu = process.cpuUsage();
  process.send?.({ type: 'done', ...res, cpuS: (cpu.user + cpu.system) / 1e6 });
  await disconnect([client!]);
  process.exit(0);
});
