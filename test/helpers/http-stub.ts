// A strict local HTTP(S) stub for tests: it answers only the routes it was given, in order of
// declaration, and answers anything else with 599 while recording a failure, so `assertDone()`
// (or the test's own assertions on `requests`) catches every unexpected call.
//
//   const stub = await startStub([
//     { method: 'POST', path: '/attributes/restSearch', reply: (req, body) => ({ status: 200, body: {...} }) },
//   ]);
//   ... exercise the client against stub.url ...
//   stub.assertDone(); await stub.close();
//
// `body` in a reply may be a Buffer (sent as is), a string (sent as is) or anything else (sent
// as JSON, with content-type application/json unless the reply sets one). A reply may also ask
// the stub to hang (`{ hang: true }`) to exercise client timeouts, or to stream a large body
// (`{ status, stream: { chunk, count } }`) to exercise response-size guards.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path with query string, as sent. */
  url: string;
  /** Path without query string. */
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
  /** Index of the route that answered, or -1 when none matched. */
  route: number;
}

export interface StubReply {
  status: number;
  headers?: Record<string, string | number | string[]>;
  body?: unknown;
  /** Never answer (the socket stays open until the client gives up or the stub closes). */
  hang?: boolean;
  /** Stream `count` copies of `chunk` (for size-limit tests) instead of `body`. */
  stream?: { chunk: Buffer | string; count: number };
}

export interface StubRoute {
  method: string;
  path: string | RegExp;
  reply: (req: RecordedRequest, body: Buffer) => StubReply | Promise<StubReply>;
  /** How many times this route may answer; default unlimited. `assertDone` checks it was used up. */
  times?: number;
}

export interface StubOptions {
  /** Serve HTTPS with this key and certificate (PEM). */
  tls?: { key: string | Buffer; cert: string | Buffer };
}

export interface Stub {
  url: string;
  requests: RecordedRequest[];
  /** Failures: unexpected requests, reply functions that threw. */
  failures: string[];
  /** Requests answered by route i. */
  hits(i: number): number;
  close(): Promise<void>;
  /** Throws when an unexpected request arrived, a reply threw, or a route with `times` was not used up. */
  assertDone(): void;
}

function pathMatches(pattern: string | RegExp, path: string): boolean {
  return typeof pattern === 'string' ? pattern === path : pattern.test(path);
}

export async function startStub(routes: StubRoute[], opts: StubOptions = {}): Promise<Stub> {
  const requests: RecordedRequest[] = [];
  const failures: string[] = [];
  const used = routes.map(() => 0);
  const sockets = new Set<import('node:net').Socket>();

  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        const u = new URL(req.url ?? '/', 'http://stub.invalid');
        let json: unknown;
        if (body.length) {
          try {
            json = JSON.parse(body.toString('utf8'));
          } catch {
            json = undefined;
          }
        }
        const method = (req.method ?? 'GET').toUpperCase();
        const index = routes.findIndex(
          (r, i) =>
            r.method.toUpperCase() === method &&
            pathMatches(r.path, u.pathname) &&
            (r.times === undefined || used[i] < r.times),
        );
        const recorded: RecordedRequest = {
          method,
          url: req.url ?? '/',
          path: u.pathname,
          query: u.searchParams,
          headers: req.headers,
          body,
          json,
          route: index,
        };
        requests.push(recorded);
        if (index < 0) {
          failures.push(`unexpected request: ${method} ${req.url}`);
          res.writeHead(599, { 'content-type': 'text/plain' });
          res.end(`stub: no route for ${method} ${req.url}`);
          return;
        }
        used[index]++;
        let reply: StubReply;
        try {
          reply = await routes[index].reply(recorded, body);
        } catch (err) {
          failures.push(`reply for ${method} ${req.url} threw: ${(err as Error).message}`);
          res.writeHead(599, { 'content-type': 'text/plain' });
          res.end('stub: reply threw');
          return;
        }
        if (reply.hang) return;
        const headers: Record<string, string | number | string[]> = { ...(reply.headers ?? {}) };
        const hasType = Object.keys(headers).some((k) => k.toLowerCase() === 'content-type');
        if (reply.stream) {
          res.writeHead(reply.status, headers);
          const { chunk, count } = reply.stream;
          let sent = 0;
          const pump = (): void => {
            while (sent < count) {
              sent++;
              if (!res.write(chunk)) {
                res.once('drain', pump);
                return;
              }
            }
            res.end();
          };
          res.on('close', () => (sent = count));
          pump();
          return;
        }
        let payload: Buffer;
        if (reply.body === undefined || reply.body === null) payload = Buffer.alloc(0);
        else if (Buffer.isBuffer(reply.body)) payload = reply.body;
        else if (typeof reply.body === 'string') payload = Buffer.from(reply.body, 'utf8');
        else {
          payload = Buffer.from(JSON.stringify(reply.body), 'utf8');
          if (!hasType) headers['content-type'] = 'application/json';
        }
        headers['content-length'] = payload.length;
        res.writeHead(reply.status, headers);
        res.end(payload);
      })();
    });
  };

  const server = opts.tls ? https.createServer({ key: opts.tls.key, cert: opts.tls.cert }, handler) : http.createServer(handler);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  // TLS handshakes refused by a client (e.g. an untrusted certificate) surface here; not a stub failure.
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`;

  return {
    url,
    requests,
    failures,
    hits: (i) => used[i],
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
    assertDone: () => {
      const problems = [...failures];
      routes.forEach((r, i) => {
        if (r.times !== undefined && used[i] < r.times) {
          problems.push(`route ${r.method} ${String(r.path)} answered ${used[i]} of ${r.times} times`);
        }
      });
      if (problems.length) throw new Error(`HTTP stub: ${problems.join('; ')}`);
    },
  };
}
