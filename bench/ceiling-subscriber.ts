/**
 * The ceiling: a bare mqtt.js subscriber — QoS 1, MQTT 5 with the daemon's receive maximum,
 * acknowledging each message as mqtt.js does by default — in a process of its own, like the daemon.
 * Forked by bench/lib/ceiling.ts: says `ready` once subscribed, then `done` when `expected`
 * messages have arrived. What the broker delivers to this client is the most any subscriber
 * could take from the same stream on this machine.
 */
import mqtt from 'mqtt';

const [url, filter, expected] = process.argv.slice(2);
const want = Number(expected);
const client = await mqtt.connectAsync(url as string, {
  clientId: `bench-ceiling-${process.pid}`,
  clean: true,
  protocolVersion: 5,
  properties: { receiveMaximum: 65535 },
  reconnectPeriod: 0,
});
let received = 0;
client.on('message', () => {
  received++;
  if (received === want) process.send?.({ type: 'done', received });
});
await client.subscribeAsync(filter as string, { qos: 1 });
process.send?.({ type: 'ready' });
process.on('message', (m: { type?: string }) => {
  if (m.type === 'stop') void client.endAsync().then(() => process.exit(0));
});
