/**
 * Publishes asked for before the MQTT client exists (connection.ts): a component that starts earlier
 * — escalations resumed from the state directory — can publish without knowing the start order. They
 * wait, bounded, and go out in order once the client exists (mqtt.js then holds them until connected).
 */
export type PublishOptions = { retain?: boolean; qos?: 0 | 1 };
type Publish = (topic: string, payload: string | Buffer, opts: PublishOptions) => Promise<void>;

interface Waiting {
  topic: string;
  payload: string | Buffer;
  opts: PublishOptions;
  resolve: () => void;
  reject: (err: Error) => void;
}

export class WaitingPublishes {
  private waiting: Waiting[] = [];

  constructor(private readonly max = 10_000) {}

  add(topic: string, payload: string | Buffer, opts: PublishOptions): Promise<void> {
    if (this.waiting.length >= this.max)
      return Promise.reject(new Error('MQTT not started; too many messages waiting'));
    return new Promise((resolve, reject) => this.waiting.push({ topic, payload, opts, resolve, reject }));
  }

  /** The client exists: each waiting message is published now, in order. */
  release(publish: Publish): void {
    for (const m of this.waiting.splice(0)) publish(m.topic, m.payload, m.opts).then(m.resolve, m.reject);
  }

  /** Stopped before the client existed: nothing will be sent. */
  reject(err: Error): void {
    for (const m of this.waiting.splice(0)) m.reject(err);
  }
}
