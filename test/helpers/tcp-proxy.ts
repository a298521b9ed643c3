/**
 * A TCP proxy between a daemon and the broker that a test can sever: `cut()` closes every
 * connection through it and refuses new ones (a network partition as the daemon and the broker both
 * see it: their sockets close); `freeze()` keeps the connections open but drops whatever either side
 * sends (a partition nobody is told of: only keep-alives and timeouts find it); `heal()` lets
 * connections and data through again.
 */
import net from 'node:net';
import { freePort } from './ports.js';

export interface TcpProxy {
  readonly url: string;
  readonly port: number;
  cut(): void;
  freeze(): void;
  heal(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }, scheme = 'mqtt'): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let refusing = false;
  let frozen = false;
  const server = net.createServer((inbound) => {
    if (refusing) {
      inbound.destroy();
      return;
    }
    const outbound = net.connect(target.port, target.host);
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    const forward = (from: net.Socket, to: net.Socket) =>
      from.on('data', (chunk: Buffer) => {
        if (!frozen) to.write(chunk);
      });
    forward(inbound, outbound);
    forward(outbound, inbound);
    inbound.on('close', () => outbound.destroy());
    outbound.on('close', () => inbound.destroy());
  });
  const port = await freePort();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    port,
    cut() {
      refusing = true;
      for (const s of sockets) s.destroy();
    },
    freeze() {
      frozen = true;
    },
    heal() {
      refusing = false;
      frozen = false;
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
