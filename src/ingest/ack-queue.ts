/**
 * The in-order PUBACK queue of one MQTT connection (SPEC §1: a message is acknowledged only once
 * its readings are durable).
 *
 * MQTT 3.1.1 §4.6 and MQTT 5 §4.6 require PUBACKs in the order the PUBLISH packets arrived, but
 * messages become durable out of order (a message that raised an alarm also waits for the alarm
 * book). So every QoS 1 message takes a ticket at arrival; a ticket is settled when its message is
 * durable; `flush` sends the PUBACKs of the settled prefix. A ticket that never settles (the
 * message failed to become durable) blocks everything after it: the owner drops the connection,
 * `reset()` forgets every ticket, and the broker redelivers what was not acknowledged. Tickets are
 * sequence numbers that keep counting across resets, so a settlement arriving after a reset (from a
 * message of the old connection) falls below the head and is ignored: nothing is ever acknowledged
 * on a later connection than its message came on.
 *
 * Cost: O(1) amortised per message. Tickets live in a ring of typed arrays that doubles when full;
 * consecutive messages waiting on the same promise (the store's group commit hands one promise to
 * a whole batch) share one range and one promise reaction; each ticket is marked and flushed once.
 */

/** Writes the PUBACKs of these message ids (`ids[0..n)`), in this order, as one write. */
export type SendAcks = (ids: Uint16Array, n: number) => void;

interface Range {
  promise: Promise<unknown>;
  from: number;
  to: number;
  settled: boolean;
}

const INITIAL_CAPACITY = 1024;

export class AckQueue {
  private ids = new Uint16Array(INITIAL_CAPACITY);
  private done = new Uint8Array(INITIAL_CAPACITY);
  private mask = INITIAL_CAPACITY - 1;
  /** Ticket of the oldest unacknowledged message, and the next ticket to hand out. */
  private head = 0;
  private tail = 0;
  /** The range still open for extension: the newest tickets, all waiting on `open.promise`. */
  private open: Range | undefined;
  private out = new Uint16Array(INITIAL_CAPACITY);

  constructor(
    private readonly send: SendAcks,
    /** A message that will never be durable: the owner must drop the connection (then `reset()`). */
    private readonly failed: (err: unknown) => void,
  ) {}

  /** Messages received and not yet acknowledged. */
  get size(): number {
    return this.tail - this.head;
  }

  /**
   * A QoS 1 message arrived: its PUBACK goes out, in order, once `durable` resolves (at once when
   * there is nothing to wait for); never if it rejects.
   */
  track(messageId: number, durable: Promise<unknown> | undefined): void {
    const ticket = this.take(messageId);
    if (durable === undefined) {
      this.done[ticket & this.mask] = 1;
      if (ticket === this.head) this.flush();
      return;
    }
    const open = this.open;
    if (open && open.promise === durable && !open.settled && open.to === ticket - 1) {
      open.to = ticket;
      return;
    }
    const range: Range = { promise: durable, from: ticket, to: ticket, settled: false };
    this.open = range;
    durable.then(
      () => this.settle(range),
      (err: unknown) => {
        range.settled = true;
        if (this.open === range) this.open = undefined;
        if (range.to >= this.head) this.failed(err);
      },
    );
  }

  /** The connection is gone: forget every ticket; the broker redelivers those messages. */
  reset(): void {
    this.head = this.tail;
    this.open = undefined;
  }

  /** Sends the PUBACKs of the settled tickets at the head. */
  flush(): void {
    let n = 0;
    let t = this.head;
    const mask = this.mask;
    while (t < this.tail && this.done[t & mask] === 1) {
      if (n === this.out.length) this.out = grow16(this.out, this.out.length * 2);
      this.out[n++] = this.ids[t & mask] as number;
      this.done[t & mask] = 0;
      t++;
    }
    if (n === 0) return;
    this.head = t;
    this.send(this.out, n);
  }

  private settle(range: Range): void {
    range.settled = true;
    if (this.open === range) this.open = undefined;
    // Tickets below the head belong to a connection that is gone.
    const from = Math.max(range.from, this.head);
    for (let t = from; t <= range.to; t++) this.done[t & this.mask] = 1;
    if (from === this.head && from <= range.to) this.flush();
  }

  private take(messageId: number): number {
    if (this.tail - this.head === this.ids.length) this.grow();
    const ticket = this.tail++;
    this.ids[ticket & this.mask] = messageId;
    this.done[ticket & this.mask] = 0;
    return ticket;
  }

  /** Doubles the ring, keeping each live ticket at `ticket & mask` of the new size. */
  private grow(): void {
    const cap = this.ids.length * 2;
    const ids = new Uint16Array(cap);
    const done = new Uint8Array(cap);
    for (let t = this.head; t < this.tail; t++) {
      ids[t & (cap - 1)] = this.ids[t & this.mask] as number;
      done[t & (cap - 1)] = this.done[t & this.mask] as number;
    }
    this.ids = ids;
    this.done = done;
    this.mask = cap - 1;
  }
}

function grow16(a: Uint16Array, size: number): Uint16Array<ArrayBuffer> {
  const b = new Uint16Array(size);
  b.set(a);
  return b;
}

/** PUBACKs as bytes: `0x40 0x02 id-msb id-lsb` each — valid in MQTT 3.1.1 and MQTT 5 (reason 0 may be omitted, §3.4.2.1). */
export function encodePubacks(ids: Uint16Array, n: number): Buffer {
  const buf = Buffer.allocUnsafe(n * 4);
  for (let i = 0, o = 0; i < n; i++, o += 4) {
    const id = ids[i] as number;
    buf[o] = 0x40;
    buf[o + 1] = 0x02;
    buf[o + 2] = id >> 8;
    buf[o + 3] = id & 0xff;
  }
  return buf;
}
