/**
 * An in-process MQTT broker (aedes) for `mqtt.url: embedded` and the zero-setup demo. Not for
 * production: aedes keeps sessions in memory, so a daemon restart loses what it queued.
 */
import { createServer, type Server } from 'node:net';
import type { Logger } from '../util/logger.js';

export interface EmbeddedBroker {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startEmbeddedBroker(host = '127.0.0.1', port = 0, logger?: Logger): Promise<EmbeddedBroker> {
  // Deep queues: the demo's simulators publish bursts, and a broker that drops QoS 1 messages
  // would lose readings (see the broker settings in the README).
  // Loaded only when asked for (the demo, `mqtt.url: embedded`): a daemon on a real broker does not carry it.
  const { Aedes } = await import('aedes');
  const broker = await Aedes.createBroker({ concurrency: 1000, queueLimit: 100_000 });
  broker.on('clientError', (client, err) =>
    logger?.warn({ client: client?.id, err: err.message }, 'embedded broker: client error'),
  );
  broker.on('connectionError', (client, err) =>
    logger?.warn({ client: client?.id, err: err.message }, 'embedded broker: connection error'),
  );
  const server: Server = createServer(broker.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  return {
    url: `mqtt://${host}:${actual}`,
    port: actual,
    async stop() {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
