/**
 * `npm run bench`: every benchmark in turn; each prints its own figures. Benchmarks that need real
 * servers (bench/store.ts, bench/e2e.ts) start Mosquitto/InfluxDB like the tests do.
 */
import { benchE2e } from './e2e.js';
import { benchHazards } from './hazards.js';
import { benchPipeline } from './pipeline.js';

const only = process.argv[2];
const benches: [string, () => Promise<void>][] = [
  ['pipeline', () => benchPipeline()],
  ['hazards', () => benchHazards()],
];
try {
  const store = await import('./store.js');
  benches.push(['store', () => store.benchStore()]);
} catch {
  // bench/store.ts not built
}
benches.push(['e2e', () => benchE2e()]);
for (const [name, run] of benches) {
  if (only && only !== name) continue;
  console.log(`\n=== ${name}`);
  await run();
}
process.exit(0);
