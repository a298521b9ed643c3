/**
 * The load: a lean mqtt.js publisher, QoS 1, with a large in-flight window per connection, so the
 * broker's PUBACKs — not the publisher — set the pace. Payloads are built before the clock starts.
 * Messages of one sensor always go through the same connection, in order, as a gateway sends them.
 * The same publisher drives the ceiling (a bare subscriber) and the daemon, in the same run.
 */
import mqtt, { type MqttClient } from 'mqtt';

export interface Message {
  topic: string;
  payload: Buffer;
  /** Readings carried (1, or the batch size). */
  readings: number;
}

export interface Fleet {
  sites: number;
  sensorsPerSite: number;
}

export function siteId(i: number): string {
  return `load-${String(i + 1).padStart(4, '0')}`;
}

export function sensorId(j: number): string {
  return `S-${String(j + 1).padStart(4, '0')}`;
}

/**
 * `perSensor` messages from every sensor of the fleet, round robin over the sensors (as a fleet
 * reports), each carrying `batch` readings 1 s apart in ppm well below any setpoint; timestamps
 * strictly increase per sensor and end before now.
 */
export function telemetry(fleet: Fleet, perSensor: number, batch = 1): Message[] {
  const sensors = fleet.sites * fleet.sensorsPerSite;
  const topics: string[] = [];
  for (let s = 0; s < fleet.sites; s++)
    for (let j = 0; j < fleet.sensorsPerSite; j++) topics.push(`gas/${siteId(s)}/${sensorId(j)}`);
  const t0 = Date.now() - perSensor * batch * 1000 - 60_000;
  const out: Message[] = new Array(sensors * perSensor);
  let n = 0;
  for (let k = 0; k < perSensor; k++)
    for (let i = 0; i < sensors; i++) {
      const ts = t0 + k * batch * 1000;
      const value = (i * 7 + k * 13) % 200;
      const body =
        batch === 1
          ? reading(value, ts)
          : `[${Array.from({ length: batch }, (_, b) => reading((value + b) % 200, ts + b * 1000)).join(',')}]`;
      out[n++] = { topic: topics[i] as string, payload: Buffer.from(body), readings: batch };
    }
  return out;
}

function reading(value: number, ts: number): string {
  return `{"value":${value + 0.5},"ts":${ts},"unit":"ppm","status":"ok"}`;
}

export async function connect(url: string, n: number, tag: string): Promise<MqttClient[]> {
  return Promise.all(
    Array.from({ length: n }, (_, i) =>
      mqtt.connectAsync(url, {
        clientId: `bench-pub-${tag}-${i}-${process.pid}`,
        clean: true,
        protocolVersion: 5,
        reconnectPeriod: 0,
        // The bench reads nothing on these connections.
        resubscribe: false,
      }),
    ),
  );
}

export async function disconnect(clients: MqttClient[]): Promise<void> {
  await Promise.all(clients.map((c) => c.endAsync()));
}

/** Every message, as fast as the broker takes them; resolves when all are PUBACKed (ms taken). */
export function publishAll(clients: MqttClient[], messages: Message[], window: number): Promise<number> {
  const t0 = performance.now();
  const lanes = clients.map(() => [] as Message[]);
  // One sensor, one lane: its readings stay in order.
  const laneOf = new Map<string, number>();
  for (const m of messages) {
    let lane = laneOf.get(m.topic);
    if (lane === undefined) {
      lane = laneOf.size % clients.length;
      laneOf.set(m.topic, lane);
    }
    (lanes[lane] as Message[]).push(m);
  }
  return Promise.all(
    clients.map(
      (client, i) =>
        new Promise<void>((resolve, reject) => {
          const lane = lanes[i] as Message[];
          let next = 0;
          let inFlight = 0;
          const pump = () => {
            while (inFlight < window && next < lane.length) {
              const m = lane[next++] as Message;
              inFlight++;
              client.publish(m.topic, m.payload, { qos: 1 }, (err) => {
                inFlight--;
                if (err) reject(err);
                else if (next < lane.length) pump();
                else if (inFlight === 0) resolve();
              });
            }
            if (lane.length === 0) resolve();
          };
          pump();
        }),
    ),
  ).then(() => performance.now() - t0);
}

/**
 * A steady `rate` messages/s for `seconds`, cycling through `messages` (re-stamped as they go, so
 * per-sensor time keeps increasing), in 10 ms slices. Resolves with the messages published and how
 * far the publisher fell behind the schedule at worst (ms).
 */
export async function publishPaced(
  client: MqttClient,
  make: (i: number) => Message,
  rate: number,
  seconds: number,
  window: number,
): Promise<{ published: number; maxLagMs: number }> {
  const total = Math.round(rate * seconds);
  const t0 = performance.now();
  let sent = 0;
  let inFlight = 0;
  let maxLagMs = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * rate));
    while (sent < due && inFlight < window) {
      const m = make(sent++);
      inFlight++;
      client.publish(m.topic, m.payload, { qos: 1 }, () => inFlight--);
    }
    if (sent < due) maxLagMs = Math.max(maxLagMs, ((due - sent) / rate) * 1000);
    await new Promise((r) => setTimeout(r, 10));
  }
  while (inFlight > 0) await new Promise((r) => setTimeout(r, 10));
  return { published: sent, maxLagMs };
}
