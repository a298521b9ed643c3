/**
 * A hostile HTTP client, as issue 11 found one: many connections that promise a request and send
 * it a byte at a time, from many client addresses (127.0.0.0/8 is all loopback on Linux, so each
 * 127.x.y.z is a distinct peer to the server). Closed connections are reopened after a pause, as
 * attack tools do, until stop().
 */
import net from 'node:net';

/**
 * - `body-login`: POST /api/login with a 10 KB body promised, sent a byte per tick (the body must be
 *   read before the password can be checked).
 * - `body-ack`: POST to an ack without credentials, body promised the same way (refused before the body).
 * - `headers`: headers sent a byte per tick, never finished.
 * - `silent`: connects and sends nothing.
 */
export type LorisKind = 'body-login' | 'body-ack' | 'headers' | 'silent';

export interface LorisOptions {
  port: number;
  connections: number;
  /** Client addresses to spread the connections over (round robin). */
  addresses: string[];
  kinds: LorisKind[];
  /** A byte is sent on every connection this often. */
  tickMs: number;
  /** A connection the server closed is reopened after this; undefined: not reopened. */
  reopenAfterMs?: number;
  /** New connections are opened at most this many per 10 ms, to be a flood and not a fork bomb. */
  burst?: number;
}

export interface LorisStats {
  opened: number;
  /** Closed by the server (timeout, shed, or after a response). */
  closedByServer: number;
  /** Responses by status line code (e.g. 401, 408). */
  responses: Map<number, number>;
  /** Milliseconds from connect to the server's close, for connections answered with 401. */
  refusedAfterMs: number[];
  errors: number;
}

export interface Loris {
  readonly stats: LorisStats;
  /** Connections open now. */
  readonly open: number;
  stop(): void;
}

const BODY_LEN = 10 * 1024;

function opening(kind: LorisKind, port: number): { head: string; drip: string } {
  const host = `127.0.0.1:${port}`;
  switch (kind) {
    case 'body-login':
      return {
        head: `POST /api/login HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: ${BODY_LEN}\r\n\r\n{"name":"wang","password":"`,
        drip: 'x',
      };
    case 'body-ack':
      return {
        head: `POST /api/alarms/zjk-depot/GD-12/hihi/ack HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: ${BODY_LEN}\r\n\r\n{"comment":"`,
        drip: 'x',
      };
    case 'headers':
      return { head: `GET /api/alarms HTTP/1.1\r\nHost: ${host}\r\nX-Slow: `, drip: 'a' };
    case 'silent':
      return { head: '', drip: '' };
  }
}

export function startSlowLoris(o: LorisOptions): Loris {
  const stats: LorisStats = { opened: 0, closedByServer: 0, responses: new Map(), refusedAfterMs: [], errors: 0 };
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;
  let next = 0;

  const connect = (i: number) => {
    if (stopped) return;
    const kind = o.kinds[i % o.kinds.length] as LorisKind;
    const { head, drip } = opening(kind, o.port);
    const started = performance.now();
    const s = net.connect({ host: '127.0.0.1', port: o.port, localAddress: o.addresses[i % o.addresses.length] });
    stats.opened++;
    sockets.add(s);
    let answered = false;
    s.setNoDelay(true);
    s.on('connect', () => {
      if (head) s.write(head);
    });
    s.on('data', (b: Buffer) => {
      const m = /^HTTP\/1\.1 (\d{3})/.exec(b.toString('latin1'));
      if (m && !answered) {
        answered = true;
        const code = Number(m[1]);
        stats.responses.set(code, (stats.responses.get(code) ?? 0) + 1);
        if (code === 401) stats.refusedAfterMs.push(performance.now() - started);
      }
    });
    s.on('error', () => {
      stats.errors++;
    });
    s.on('close', () => {
      sockets.delete(s);
      if (stopped) return;
      stats.closedByServer++;
      if (o.reopenAfterMs !== undefined) {
        const t = setTimeout(() => {
          timers.delete(t);
          connect(i);
        }, o.reopenAfterMs);
        timers.add(t);
      }
    });
    if (drip) {
      const t = setInterval(() => {
        if (!s.destroyed && s.writable) s.write(drip);
      }, o.tickMs);
      timers.add(t);
      s.on('close', () => {
        clearInterval(t);
        timers.delete(t);
      });
    }
  };

  const burst = o.burst ?? 50;
  const opener = setInterval(() => {
    for (let k = 0; k < burst && next < o.connections; k++) connect(next++);
    if (next >= o.connections) {
      clearInterval(opener);
      timers.delete(opener);
    }
  }, 10);
  timers.add(opener);

  return {
    stats,
    get open() {
      return sockets.size;
    },
    stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
  };
}

/** A request on a raw socket; resolves with the status and how long until the server closed it. */
export function rawExchange(
  port: number,
  text: string,
  opts: { localAddress?: string; timeoutMs?: number } = {},
): Promise<{ status: number | undefined; response: string; closedAfterMs: number | undefined }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const s = net.connect({ host: '127.0.0.1', port, localAddress: opts.localAddress });
    let response = '';
    const done = (closed: boolean) => {
      clearTimeout(timer);
      s.destroy();
      const m = /^HTTP\/1\.1 (\d{3})/.exec(response);
      resolve({
        status: m ? Number(m[1]) : undefined,
        response,
        closedAfterMs: closed ? performance.now() - started : undefined,
      });
    };
    const timer = setTimeout(() => done(false), opts.timeoutMs ?? 5000);
    s.on('connect', () => s.write(text));
    s.on('data', (b: Buffer) => {
      response += b.toString('utf8');
    });
    s.on('error', () => undefined);
    s.on('close', () => done(true));
  });
}

/** `count` loopback client addresses starting at 127.0.<from>.1, for spreading connections. */
export function loopbackAddresses(count: number, from = 10): string[] {
  return Array.from({ length: count }, (_, i) => `127.0.${from + Math.floor(i / 250)}.${(i % 250) + 1}`);
}
