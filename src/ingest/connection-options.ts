/** What the daemon's MQTT connection (connection.ts) is told: broker, subscriptions, status, and hot-standby behaviour. */
import type { IPublishPacket } from 'mqtt';
import type { BrokerAccess } from './session.js';

/** The broker, credentials and TLS (session.ts), and what this connection subscribes and says. */
export interface ConnectionOptions extends BrokerAccess {
  receiveMaximum: number;
  /**
   * Largest packet the broker may send us (MQTT 5 CONNECT property): a bigger message is never sent
   * to us, so a hostile publisher cannot make us buffer it (issue 11: 4 × 100 MB cost +163 MB RSS).
   */
  maximumPacketSize?: number | undefined;
  /** Sees every PUBLISH before anything handles it (the poison guard, poison.ts). */
  onPublish?: ((packet: IPublishPacket) => void) | undefined;
  /** Filters to subscribe with QoS 1. */
  filters: string[];
  /** Retained status topic and its online/offline payloads. */
  statusTopic: string;
  onlinePayload: () => string;
  offlinePayload: string;
  /**
   * Hot standby (src/ha/): false leaves a lost connection lost — the node that held the partition's
   * session must not reconnect and take it back from the node that took it over; `onClose` says
   * why (the MQTT 5 reason code of the broker's DISCONNECT, 0x8E when the session was taken over),
   * and `statusOnStop` whether `stop()` may still speak on the connection: publish the offline status
   * and wait for its publishes in flight. False once the term is over (deposed, or its link lost):
   * then `stop()` ends the connection at once, for the broker is gone or the partition another's,
   * and a node standing by must be free to take its partition back. Default: reconnect.
   */
  reconnect?: boolean | undefined;
  onClose?: ((reasonCode: number | undefined) => void) | undefined;
  statusOnStop?: (() => boolean) | undefined;
  /** True while the daemon holds as much as it should: reading pauses (backpressure.ts). */
  saturated?: (() => boolean) | undefined;
}
