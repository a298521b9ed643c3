/**
 * The door between a taking-over node's partition connection and its pipeline (term.ts): the node
 * connects first — that fences the partition — and restores its alarm state after; messages the
 * broker hands it meanwhile wait here in arrival order (their acknowledgement waits with them).
 */
/**
 * Holds messages until opened (their handling waits, in arrival order), and after `close()` leaves
 * new ones unhandled and unacknowledged, for the broker to hand to the next holder of the session.
 */
export class Gate {
  private opened = false;
  private closed = false;
  private release: (() => void) | undefined;
  private readonly waiting = new Promise<void>((r) => (this.release = r));

  constructor(private readonly handle: (topic: string, payload: Buffer) => Promise<unknown> | undefined) {}

  through(topic: string, payload: Buffer): Promise<unknown> | undefined {
    if (this.closed) return NEVER;
    if (this.opened) return this.handle(topic, payload);
    return this.waiting.then(() => (this.closed ? NEVER : this.handle(topic, payload)));
  }

  open(): void {
    this.opened = true;
    this.release?.();
  }

  close(): void {
    this.closed = true;
    this.release?.();
  }
}

/** Never settles: the message is never acknowledged on this connection. */
const NEVER = new Promise<never>(() => undefined);
