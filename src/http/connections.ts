/**
 * The HTTP connection budget (issue 11, finding 1). Every TCP connection costs a file descriptor,
 * and the descriptors are shared with what matters more: the MQTT link, InfluxDB, the alarm
 * journal and the spool. A slow-loris client that holds thousands of half-sent requests must
 * neither reach the descriptor limit nor keep a logged-in operator's console out.
 *
 * - At most `max` connections at once (derived from RLIMIT_NOFILE minus a reserve, see
 *   descriptors.ts), and at most `perAddress` not-yet-trusted ones per client address.
 * - A connection is *trusted* once a request on it proved a logged-in user (session or token).
 *   Trusted connections are never shed; they are few, and bounded by keep-alive and stream limits.
 * - When a new connection would break a limit, the oldest untrusted connection is closed to make
 *   room — first one still sending a request (slow-loris), then an idle keep-alive one, then an
 *   anonymous live stream — instead of refusing the newcomer. A flood of slow connections thus
 *   churns through itself while a console's new connection, young and quick, gets served.
 *   Only when every connection is trusted is the newcomer refused.
 *
 * Timeouts (server.ts) end the slow requests; this budget keeps them from piling up meanwhile.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface ConnectionLimits {
  max: number;
  perAddress: number;
  /** Addresses the per-address limit does not apply to: trusted reverse proxies carry every user. */
  exempt?: (address: string) => boolean;
}

type Phase = 'pending' | 'idle' | 'stream' | 'trusted';
type Sheddable = Exclude<Phase, 'trusted'>;
/** Shed first what is most likely an attack and cheapest for a real client to redo. */
const SHED_ORDER: Sheddable[] = ['pending', 'idle', 'stream'];

interface Conn {
  socket: Socket;
  address: string;
  phase: Phase;
}

export type ShedReason = 'address' | 'capacity' | 'refused';

export class ConnectionGuard {
  private readonly conns = new Map<Socket, Conn>();
  /** Untrusted connections by phase, oldest first (a Set iterates in insertion order). */
  private readonly phases: Record<Sheddable, Set<Conn>> = { pending: new Set(), idle: new Set(), stream: new Set() };
  /** Untrusted connections by client address, oldest first. */
  private readonly byAddress = new Map<string, Set<Conn>>();

  constructor(
    private readonly limits: ConnectionLimits,
    private readonly onShed: (reason: ShedReason) => void = () => undefined,
  ) {}

  /** Follows a node HTTP server's connections and requests. */
  attach(server: Server): void {
    server.on('connection', (socket: Socket) => this.admit(socket));
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      this.requestStarted(req.socket);
      res.once('finish', () => this.requestDone(req.socket));
    });
  }

  get size(): number {
    return this.conns.size;
  }

  get max(): number {
    return this.limits.max;
  }

  /** A new connection: make room for it by shedding the oldest untrusted one, or refuse it. */
  admit(socket: Socket): void {
    const address = socket.remoteAddress ?? '';
    if (!this.limits.exempt?.(address)) {
      const mine = this.byAddress.get(address);
      if (mine && mine.size >= this.limits.perAddress) this.shed(first(mine) as Conn, 'address');
    }
    if (this.conns.size >= this.limits.max) {
      const victim = this.oldestSheddable();
      if (!victim) {
        this.onShed('refused');
        socket.destroy();
        return;
      }
      this.shed(victim, 'capacity');
    }
    const conn: Conn = { socket, address, phase: 'pending' };
    this.conns.set(socket, conn);
    this.enter(conn, 'pending');
    socket.once('close', () => this.forget(conn));
  }

  /** A request on this connection proved a logged-in user: never shed it. */
  trust(socket: Socket): void {
    this.move(socket, 'trusted');
  }

  /** This connection now carries an anonymous live stream: shed only after slow and idle ones. */
  stream(socket: Socket): void {
    const c = this.conns.get(socket);
    if (c && c.phase !== 'trusted') this.move(socket, 'stream');
  }

  private requestStarted(socket: Socket): void {
    const c = this.conns.get(socket);
    // A keep-alive connection starting a new request is sending again: it queues with the new ones.
    if (c && c.phase === 'idle') this.move(socket, 'pending');
  }

  private requestDone(socket: Socket): void {
    const c = this.conns.get(socket);
    if (c && c.phase === 'pending') this.move(socket, 'idle');
  }

  private oldestSheddable(): Conn | undefined {
    for (const p of SHED_ORDER) {
      const c = first(this.phases[p]);
      if (c) return c;
    }
    return undefined;
  }

  private shed(c: Conn, reason: ShedReason): void {
    this.forget(c);
    this.onShed(reason);
    c.socket.destroy();
  }

  private move(socket: Socket, phase: Phase): void {
    const c = this.conns.get(socket);
    if (!c || c.phase === phase) return;
    this.leave(c);
    this.enter(c, phase);
  }

  private enter(c: Conn, phase: Phase): void {
    c.phase = phase;
    if (phase === 'trusted') return;
    this.phases[phase].add(c);
    let mine = this.byAddress.get(c.address);
    if (!mine) {
      mine = new Set();
      this.byAddress.set(c.address, mine);
    }
    mine.add(c);
  }

  private leave(c: Conn): void {
    if (c.phase === 'trusted') return;
    this.phases[c.phase].delete(c);
    const mine = this.byAddress.get(c.address);
    if (mine) {
      // Re-entering appends: an address's set stays ordered by when each connection last changed phase.
      mine.delete(c);
      if (mine.size === 0) this.byAddress.delete(c.address);
    }
  }

  private forget(c: Conn): void {
    if (this.conns.get(c.socket) !== c) return;
    this.conns.delete(c.socket);
    this.leave(c);
  }
}

function first<T>(set: Set<T>): T | undefined {
  for (const x of set) return x;
  return undefined;
}
