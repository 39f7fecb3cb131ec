// The one place the integrations talk HTTP: got with no retries, no redirects, a hard timeout,
// an optional extra CA, and a cap on the response size. Failures to reach the service become
// BackendError with a message that names the service and never carries credentials.
import tls from 'node:tls';
import got, { type Method } from 'got';
import { BackendError } from '../errors.js';

export const MB = 1024 * 1024;

export interface HttpSettings {
  /** Human name for messages: 'MISP', 'Kibana', 'TheHive'. */
  service: string;
  /** PEM text of an extra CA (lab PKI); trusted in addition to the system roots. */
  ca?: string;
  timeoutMs: number;
  maxResponseBytes: number;
  /** Profile key that holds the CA, for the hint on certificate errors (e.g. 'misp.ca'). */
  caKey?: string;
}

export interface HttpRequest {
  method: Method;
  url: string;
  headers?: Record<string, string>;
  json?: unknown;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

const CERT_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export function humanBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const r = Math.round(v * 10) / 10;
  return `${Number.isInteger(r) ? r.toFixed(0) : r.toFixed(1)} ${units[i]}`;
}

export function humanMs(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = Math.round(ms / 100) / 10;
  return `${Number.isInteger(s) ? s.toFixed(0) : s.toFixed(1)} s`;
}

/** Origin only: never a path, query or user info (which could hold a secret). */
export function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}

export function header(res: HttpResponse, name: string): string | undefined {
  const v = res.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

export function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** A short, single-line excerpt of what the server said, for error messages. */
export function serverSays(body: Buffer): string {
  const j = parseJson(body) as Record<string, unknown> | undefined;
  let text: string;
  if (j && typeof j === 'object' && !Array.isArray(j)) {
    const m = j.message ?? j.error ?? j.name ?? j.errors;
    text = typeof m === 'string' ? m : JSON.stringify(j);
  } else {
    text = body.toString('utf8');
  }
  text = text.replace(/[\x00-\x1f\x7f-\x9f]+/g, ' ').trim();
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/**
 * Seconds to wait from a Retry-After (delta seconds or HTTP date) or a rate-limit reset header
 * (delta seconds, or epoch seconds when it is obviously a timestamp). undefined when absent or junk.
 */
export function parseWaitHeader(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) {
    const n = Number(v);
    if (n > 1e9) return Math.max(0, n * 1000 - nowMs); // epoch seconds
    return n * 1000;
  }
  const t = Date.parse(v);
  if (!Number.isNaN(t)) return Math.max(0, t - nowMs);
  return undefined;
}

export function caBundle(ca: string | undefined): string[] | undefined {
  if (!ca) return undefined;
  if (!/-----BEGIN CERTIFICATE-----/.test(ca)) {
    throw new BackendError('The configured CA is not PEM text (no "BEGIN CERTIFICATE" block).');
  }
  return [...tls.rootCertificates, ca];
}

/** The response was over the caller's size cap; `limit` is that cap in bytes. */
export class ResponseTooLargeError extends BackendError {
  constructor(
    message: string,
    readonly limit: number,
    hint?: string,
  ) {
    super(message, hint);
  }
}

export async function httpRequest(s: HttpSettings, r: HttpRequest): Promise<HttpResponse> {
  const origin = safeOrigin(r.url);
  let tooLarge = false;
  const promise = got(r.url, {
    method: r.method,
    headers: { 'user-agent': 'soc-ticket', ...(r.headers ?? {}) },
    ...(r.json !== undefined ? { json: r.json } : {}),
    responseType: 'buffer',
    throwHttpErrors: false,
    followRedirect: false,
    retry: { limit: 0 },
    timeout: { request: s.timeoutMs },
    https: s.ca ? { certificateAuthority: caBundle(s.ca) } : {},
    ...(r.signal ? { signal: r.signal } : {}),
  });
  promise.on('response', (res: { headers: Record<string, string | string[] | undefined> }) => {
    const len = Number(res.headers['content-length']);
    if (Number.isFinite(len) && len > s.maxResponseBytes) {
      tooLarge = true;
      promise.cancel();
    }
  });
  promise.on('downloadProgress', (p: { transferred: number }) => {
    if (p.transferred > s.maxResponseBytes && !tooLarge) {
      tooLarge = true;
      promise.cancel();
    }
  });
  try {
    const res = await promise;
    if (res.statusCode >= 300 && res.statusCode < 400) {
      throw new BackendError(
        `${s.service} at ${origin} answered with a redirect (${res.statusCode}) to ${safeOrigin(String(res.headers.location ?? ''))}; use the final URL in the profile.`,
      );
    }
    return { status: res.statusCode, headers: res.headers, body: res.body };
  } catch (err) {
    if (err instanceof BackendError) throw err;
    if (tooLarge) {
      throw new ResponseTooLargeError(
        `${s.service} at ${origin} sent a response larger than ${humanBytes(s.maxResponseBytes)}; refusing to read it.`,
        s.maxResponseBytes,
        'Narrow the query, or raise the response limit if this is expected.',
      );
    }
    const e = err as { code?: string; name?: string; message?: string };
    const code = e.code ?? '';
    if (e.name === 'TimeoutError' || code === 'ETIMEDOUT') {
      throw new BackendError(`${s.service} at ${origin} did not answer within ${humanMs(s.timeoutMs)}.`);
    }
    if (code === 'ECONNREFUSED') throw new BackendError(`${s.service} at ${origin} refused the connection (is it running?).`);
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') throw new BackendError(`${s.service} host ${origin} could not be resolved.`);
    if (code === 'ECONNRESET' || code === 'EPIPE') throw new BackendError(`${s.service} at ${origin} closed the connection.`);
    if (CERT_CODES.has(code)) {
      throw new BackendError(
        `${s.service} at ${origin}: TLS certificate not trusted (${code}).`,
        s.caKey ? `Set ${s.caKey} to the PEM file of the CA that signed it.` : undefined,
      );
    }
    if (e.name === 'AbortError' || code === 'ABORT_ERR' || code === 'ERR_ABORTED') {
      throw new BackendError(`${s.service} request was interrupted.`);
    }
    throw new BackendError(`${s.service} at ${origin} could not be reached (${code || e.name || 'error'}).`);
  }
}
