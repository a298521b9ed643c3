/**
 * The publisher's own pace: the e2e stream published to the broker with nobody subscribed, so the
 * table can show the load is not what limits the ceiling or the daemon.
 */
import type { Mosquitto } from '../../test/helpers/mosquitto.js';
import { connect, disconnect, type Fleet, publishAll, telemetry } from './publisher.js';

export async function publisherAlone(broker: Mosquitto, fleet: Fleet, window: number): Promise<number> {
  const stream = telemetry(fleet, 300);
  const pubs = await connect(broker.url, 1, 'alone');
  try {
    const ms = await publishAll(pubs, stream, window);
    return (stream.length / ms) * 1000;
  } finally {
    await disconnect(pubs);
  }
}
