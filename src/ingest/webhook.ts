// The webhook receiver: SIEMs POST alerts, the same Ingestor as for files turns them into
// tickets (dedup, flood control, outbox, rejects). Requests are read concurrently but ingested
// one at a time, so concurrent POSTs never race on the store.
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { isIP, type AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import type { Ctx } from '../context.js';
import { UsageError, EXIT } from '../errors.js';
import { isLoopbackHost } from '../config/url-policy.js';
import { sanitizeCell } from '../ui/sanitize.js';
import { scanBuffer } from '../alerts/reader.js';
import { parseItem } from './parsed.js';
import { isAlertFormat } from '../alerts/detect.js';
import { ALERT_FORMATS } from '../alerts/types.js';
import type { FateReport, Ingestor, Summary } from './pipeline.js';
import { makeIngestor, normaliseOptions, type IngestSettings } from './run.js';

export interface WebhookOptions {
  /** HOST:PORT, [IPv6]:PORT, or PORT (loopback). Port 0 picks a free one. */
  listen: string;
  tokenFile?: string;
  tlsCert?: string;
  tlsKey?: string;
  /** Largest request body accepted, in bytes (after gzip decoding). */
  maxBody: number;
}

export const TOKEN_ENV = 'SOC_TICKET_WEBHOOK_TOKEN';
/** How often queued alerts (flood control, backend down) are offered to the store again. */
const OUTBOX_RETRY_MS = 30_000;

export function parseListen(listen: string): { host: string; port: number } {
  const s = listen.trim();
  let host = '127.0.0.1';
  let portText = s;
  const v6 = /^\[([^\]]+)\]:(\d+)$/.exec(s);
  if (v6) [, host, portText] = v6;
  else if (s.includes(':')) {
    const i = s.lastIndexOf(':');
    host = s.slice(0, i) || '0.0.0.0';
    portText = s.slice(i + 1);
  }
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) throw new UsageError(`--listen "${listen}": expected HOST:PORT, e.g. 127.0.0.1:8787.`);
  if (host.includes(':') && !v6) throw new UsageError(`--listen "${listen}": write IPv6 addresses in brackets, e.g. [::1]:8787.`);
  return { host, port };
}


/** The bearer token: --token-file, else the environment; never argv. */
export function loadToken(ctx: Ctx, tokenFile?: string): string | undefined {
  if (tokenFile) {
    let text: string;
    try {
      text = readFileSync(tokenFile, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new UsageError(`--token-file ${tokenFile}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    }
    const t = text.trim();
    if (!t) throw new UsageError(`--token-file ${tokenFile} is empty.`);
    try {
      if (process.platform !== 'win32' && statSync(tokenFile).mode & 0o077)
        ctx.out.warn(`${tokenFile} is readable by other users; chmod 600 it.`);
    } catch {
      /* read above; a stat failure changes nothing */
    }
    return t;
  }
  const env = ctx.io.env[TOKEN_ENV]?.trim();
  return env || undefined;
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Compares in constant time: both sides are hashed to the same length first. */
export function tokenMatches(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * The token a request carries: `Authorization: Bearer T`, Basic auth with T as the password
 * (Graylog, Splunk URLs with user:pass@), or `?token=T` for senders that cannot set headers.
 */
export function presentedToken(req: IncomingMessage, url: URL): string | undefined {
  const auth = req.headers.authorization;
  if (auth) {
    const m = /^\s*(bearer|basic)\s+(\S+)\s*$/i.exec(auth);
    if (!m) return undefined;
    if (m[1].toLowerCase() === 'bearer') return m[2];
    const decoded = Buffer.from(m[2], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon < 0 ? undefined : decoded.slice(colon + 1);
  }
  return url.searchParams.get('token') ?? undefined;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > max) return reject(new HttpError(413, `body larger than ${max} bytes`));
    const parts: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > max) {
        failed = true;
        parts.length = 0;
        reject(new HttpError(413, `body larger than ${max} bytes`));
        return;
      }
      parts.push(c);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(parts, size));
    });
    req.on('error', (e) => {
      if (!failed) reject(e);
      failed = true;
    });
  });
}

function decodeBody(req: IncomingMessage, body: Buffer, max: number): Buffer {
  const enc = (req.headers['content-encoding'] ?? 'identity').toLowerCase().trim();
  if (enc === 'identity' || enc === '') return body;
  if (enc !== 'gzip' && enc !== 'x-gzip') throw new HttpError(415, `content-encoding ${enc} is not supported (gzip or none)`);
  try {
    return gunzipSync(body, { maxOutputLength: max });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new HttpError(413, `decoded body larger than ${max} bytes`);
    throw new HttpError(400, 'body is not valid gzip');
  }
}

interface RequestResult {
  status: number;
  body: Record<string, unknown>;
  detail: string;
}

/** Per request, for its log line. */
interface RequestLog {
  bytes: number;
}

/** Runs tasks one after another, in arrival order. */
class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(task: () => Promise<T>): Promise<T> {
    const p = this.tail.then(task, task);
    this.tail = p.catch(() => undefined);
    return p;
  }
  idle(): Promise<unknown> {
    return this.tail;
  }
}

export interface WebhookServer {
  server: Server;
  /** The bound address, e.g. `http://127.0.0.1:8787`. */
  url: string;
  ingestor: Ingestor;
  /** Stop accepting, finish the requests in flight, flush; resolves with the run's summary. */
  close(): Promise<Summary>;
}

/** Start the receiver (no signal handling: see serveWebhook). */
export async function startWebhook(ctx: Ctx, actorUser: string, settings: IngestSettings, o: WebhookOptions): Promise<WebhookServer> {
  const { host, port } = parseListen(o.listen);
  const token = loadToken(ctx, o.tokenFile);
  if (!token && !isLoopbackHost(host)) {
    throw new UsageError(
      `--listen ${o.listen} is not a loopback address: a bearer token is required.`,
      `Put one in a file (chmod 600) and pass --token-file FILE, or set ${TOKEN_ENV}.`,
    );
  }
  if (!!o.tlsCert !== !!o.tlsKey) throw new UsageError('--tls-cert and --tls-key go together.');
  let tls: { cert: Buffer; key: Buffer } | undefined;
  if (o.tlsCert && o.tlsKey) {
    const read = (f: string, flag: string) => {
      try {
        return readFileSync(f);
      } catch (e) {
        throw new UsageError(`${flag} ${f}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
      }
    };
    tls = { cert: read(o.tlsCert, '--tls-cert'), key: read(o.tlsKey, '--tls-key') };
  }
  if (!Number.isInteger(o.maxBody) || o.maxBody < 1) throw new UsageError('--max-body must be a whole number of bytes ≥ 1.');

  const store = await ctx.store();
  let current: FateReport[] | undefined;
  const { ingestor } = await makeIngestor(ctx, store, actorUser, settings, (r) => current?.push(r));
  const nopts = normaliseOptions(ctx, settings);
  const maxObjectBytes = Math.min(o.maxBody, Number(ctx.config().get('ingest.maxObjectBytes')) || o.maxBody);
  const queue = new SerialQueue();
  let requestNo = 0;
  let inFlight = 0;
  let closing = false;

  // Whatever earlier runs left in the outbox goes first, then again now and then.
  await queue.run(() => ingestor.retryOutbox());
  const retryTimer = setInterval(() => {
    void queue.run(async () => {
      ingestor.clearBackendError();
      await ingestor.retryOutbox();
    }).catch((e) => ctx.out.warn(`outbox retry failed: ${(e as Error).message}`));
  }, OUTBOX_RETRY_MS);
  retryTimer.unref();

  async function ingestBody(body: Buffer, format: string | undefined, source: string): Promise<RequestResult> {
    const items = scanBuffer(body, source, { maxObjectBytes });
    if (!items.length) throw new HttpError(400, 'empty body: expected a JSON alert object');
    return queue.run(async () => {
      const fates: FateReport[] = [];
      current = fates;
      try {
        ingestor.clearBackendError();
        const opts = format ? { ...nopts, format: format as IngestSettings['format'] } : nopts;
        for (const item of items) for (const p of parseItem(item, opts)) await ingestor.take(p);
        await ingestor.flush();
      } finally {
        current = undefined;
      }
      return respond(fates);
    });
  }

  function respond(fates: FateReport[]): RequestResult {
    const count = (f: FateReport['fate']) => fates.filter((r) => r.fate === f).length;
    const summary = {
      created: count('created'),
      occurrences: count('occurrence'),
      resolvedUpdates: count('resolved-update'),
      duplicates: count('duplicate'),
      skipped: count('skipped'),
      rejected: count('rejected'),
      queued: count('queued'),
    };
    const tickets = fates
      .filter((r) => r.ticket)
      .map((r) => ({ id: r.ticket!.id, number: r.ticket!.number, fate: r.fate }));
    const rejected = fates.filter((r) => r.fate === 'rejected').map((r) => ({ line: r.line, reason: r.detail }));
    const detail = Object.entries(summary)
      .filter(([, n]) => n)
      .map(([k, n]) => `${k}=${n}`)
      .join(' ');
    if (rejected.length && rejected.length === fates.length) {
      return { status: 400, body: { error: rejected.length === 1 ? rejected[0].reason : `${rejected.length} objects rejected`, rejected }, detail };
    }
    return { status: 202, body: { summary, tickets, ...(rejected.length ? { rejected } : {}) }, detail };
  }

  async function handle(req: IncomingMessage, url: URL, rl: RequestLog): Promise<RequestResult> {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (path === '/healthz') {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'use GET', { allow: 'GET, HEAD' });
      return { status: closing ? 503 : 200, body: { status: closing ? 'shutting down' : 'ok' }, detail: '' };
    }
    const m = /^\/alerts(?:\/([^/]+))?$/.exec(path);
    if (!m) throw new HttpError(404, 'no such endpoint: POST /alerts or /alerts/<format>, GET /healthz');
    // Authenticate before reading a byte of the body.
    if (token && !tokenMatches(presentedToken(req, url), token)) {
      throw new HttpError(401, 'missing or wrong bearer token', { 'www-authenticate': 'Bearer realm="soc-ticket"' });
    }
    if (req.method !== 'POST') throw new HttpError(405, 'use POST', { allow: 'POST' });
    const format = m[1];
    if (format !== undefined && !isAlertFormat(format)) throw new HttpError(404, `unknown format; one of ${ALERT_FORMATS.join(', ')}`);
    const raw = await readBody(req, o.maxBody);
    rl.bytes = raw.length;
    const body = decodeBody(req, raw, o.maxBody);
    return ingestBody(body, format ?? settings.format, `webhook#${++requestNo}`);
  }

  function log(req: IncomingMessage, status: number, started: number, bytes: number, detail: string) {
    const url = (req.url ?? '').split('?')[0]; // the query may carry a token
    const line = `${new Date().toISOString()} ${req.socket.remoteAddress ?? '-'} ${req.method ?? '-'} ${url.slice(0, 200)} ${status} ${bytes}B ${Date.now() - started}ms${detail ? ` ${detail}` : ''}`;
    ctx.io.stderr.write(sanitizeCell(line) + '\n');
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const started = Date.now();
    inFlight++;
    const rl: RequestLog = { bytes: 0 };
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://receiver');
    } catch {
      url = new URL('http://receiver/');
    }
    handle(req, url, rl)
      .catch((e): RequestResult => {
        if (e instanceof HttpError) {
          for (const [k, v] of Object.entries(e.headers)) res.setHeader(k, v);
          return { status: e.status, body: { error: e.message }, detail: e.message };
        }
        ctx.out.error(`webhook: ${(e as Error)?.message ?? String(e)}`);
        return { status: 500, body: { error: 'internal error; see the receiver log' }, detail: 'internal error' };
      })
      .then((r) => {
        const text = JSON.stringify(r.body) + '\n';
        // Unread body (401, 413…) or shutting down: do not keep the connection.
        if (closing || !req.complete) res.setHeader('connection', 'close');
        res.writeHead(r.status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : text);
        log(req, r.status, started, rl.bytes, r.detail);
        if (!req.complete) req.resume();
      })
      .finally(() => {
        inFlight--;
        if (closing && inFlight === 0) drained?.();
      });
  };

  const server: Server = tls ? (createHttpsServer({ cert: tls.cert, key: tls.key }, onRequest) as unknown as Server) : createHttpServer(onRequest);
  server.headersTimeout = 10_000;
  server.requestTimeout = 60_000;
  server.keepAliveTimeout = 5_000;
  server.maxHeadersCount = 100;

  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(new UsageError(`--listen ${o.listen}: ${e.code === 'EADDRINUSE' ? 'address already in use' : e.code === 'EACCES' ? 'permission denied' : e.message}`)),
    );
    server.listen(port, host, () => resolve());
  });
  server.on('error', (e) => ctx.out.error(`webhook: ${e.message}`));
  const addr = server.address() as AddressInfo;
  const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const url = `${tls ? 'https' : 'http'}://${shownHost}:${addr.port}`;

  let drained: (() => void) | undefined;
  let closed: Promise<Summary> | undefined;
  const close = () =>
    (closed ??= (async () => {
      closing = true;
      clearInterval(retryTimer);
      const stopped = new Promise<void>((r) => server.close(() => r()));
      server.closeIdleConnections();
      if (inFlight > 0) await new Promise<void>((r) => (drained = r));
      await queue.idle();
      await stopped;
      return ingestor.finish();
    })());

  return { server, url, ingestor, close };
}

/**
 * `ingest --listen`: serve until SIGTERM or SIGINT, then finish the requests in flight and
 * exit 0. A second signal drops open connections at once.
 */
export async function serveWebhook(ctx: Ctx, actorUser: string, settings: IngestSettings, o: WebhookOptions): Promise<number> {
  const hook = await startWebhook(ctx, actorUser, settings, o);
  const { host } = parseListen(o.listen);
  ctx.out.info(`Listening on ${hook.url} — POST /alerts or /alerts/<format>; GET /healthz. Stop with Ctrl-C.`);
  if (!isLoopbackHost(host) && !o.tlsCert) ctx.out.warn('No TLS: the bearer token and the alerts cross the network in clear text (--tls-cert, --tls-key).');
  if (isLoopbackHost(host) && !loadToken(ctx, o.tokenFile)) ctx.out.info('Loopback only, no token required.');

  // bin/soc-ticket.js exits 130 on SIGINT; while serving, a signal means "stop gracefully".
  const saved = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  let signals = 0;
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    const onSignal = (sig: NodeJS.Signals) => {
      signals++;
      if (signals === 1) resolve(sig);
      else hook.server.closeAllConnections();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  try {
    const sig = await stopped;
    ctx.out.info(`${sig}: finishing the requests in flight…`);
    const s = await hook.close();
    ctx.out.info(
      `Stopped. ${s.created} created, ${s.occurrences} occurrences, ${s.resolvedUpdates} resolved-updates, ${s.duplicates} already ingested, ` +
        `${s.skipped} skipped, ${s.rejected} rejected, ${s.queued} queued.`,
    );
    if (s.outboxLeft) ctx.out.info(`${s.outboxLeft} alerts wait in the outbox: soc-ticket ingest --retry`);
    return EXIT.ok;
  } finally {
    process.removeAllListeners('SIGINT');
    process.removeAllListeners('SIGTERM');
    for (const l of saved.SIGINT) process.on('SIGINT', l as NodeJS.SignalsListener);
    for (const l of saved.SIGTERM) process.on('SIGTERM', l as NodeJS.SignalsListener);
  }
}
