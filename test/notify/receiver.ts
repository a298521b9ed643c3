/**
 * A real HTTP server on 127.0.0.1:0 that records what it is sent, standing in for a webhook
 * receiver or a DingTalk / WeCom / Feishu robot. Answers are scripted per request; after the
 * script runs out it answers `fallback`.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  /** Path and query, e.g. /robot/send?access_token=t&timestamp=…&sign=… */
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface Answer {
  status: number;
  body?: unknown;
  /** Hold the answer this long (timeouts). */
  delayMs?: number;
}

export interface Receiver {
  url: string;
  requests: Received[];
  /** Answers for the next requests, in order. */
  script(...answers: Answer[]): void;
  fallback: Answer;
  close(): Promise<void>;
}

export async function startReceiver(fallback: Answer = { status: 200, body: { ok: true } }): Promise<Receiver> {
  const requests: Received[] = [];
  const queue: Answer[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const answer = queue.shift() ?? rx.fallback;
      const send = () => {
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const rx: Receiver = {
    url: `http://127.0.0.1:${port}`,
    requests,
    fallback,
    script: (...answers) => queue.push(...answers),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return rx;
}
