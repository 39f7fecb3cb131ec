// One HTTP client per osTicket: got with timeouts and keep-alive, no redirects followed, no
// automatic retries (we decide what may be repeated), TLS CA from the profile.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import http from 'node:http';
import https from 'node:https';
import got, { type Got, RequestError } from 'got';
import type { OsTicketProfile } from './profile.js';
import { normaliseBaseUrl } from './profile.js';
import { OsTicketUnavailableError } from './errors.js';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Location header of a redirect, if any. */
  location?: string;
}

export type FormValue = string | number | boolean | undefined | null | Array<string | number>;
export type FormData_ = Record<string, FormValue>;

export interface SendOptions {
  headers?: Record<string, string>;
  form?: FormData_;
  json?: unknown;
  body?: string | Buffer;
  multipart?: FormData;
  /** GETs and other safe reads: retried on transient failures. */
  idempotent?: boolean;
}

/** Connection-level failures where the request never reached osTicket (safe to repeat any request). */
export function notSent(err: unknown): boolean {
  const e = err as { code?: string; event?: string; timings?: { upload?: number } };
  if (!e || typeof e !== 'object') return false;
  if (['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL'].includes(e.code ?? '')) return true;
  if (e.code === 'ETIMEDOUT' && ['lookup', 'connect', 'secureConnect'].includes(e.event ?? '')) return true;
  return false;
}

function transient(err: unknown): boolean {
  const e = err as { code?: string };
  return notSent(err) || ['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ERR_GOT_REQUEST_ERROR'].includes(e?.code ?? '');
}

export function encodeForm(form: FormData_): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) for (const x of v) p.append(k, String(x));
    else p.append(k, String(v));
  }
  return p.toString();
}


export class HttpClient {
  readonly base: string;
  private readonly got: Got;
  private readonly agents: { http: http.Agent; https: https.Agent };

  constructor(profile: Pick<OsTicketProfile, 'url' | 'ca' | 'allowInsecureHttp' | 'timeoutMs'>, opts: { retries?: number; retryDelayMs?: number } = {}) {
    this.base = normaliseBaseUrl(profile.url, profile.allowInsecureHttp);
    this.retries = opts.retries ?? 2;
    this.retryDelayMs = opts.retryDelayMs ?? 250;
    let ca: Buffer | undefined;
    if (profile.ca) {
      try {
        ca = readFileSync(profile.ca);
      } catch (e) {
        throw new OsTicketUnavailableError(`Cannot read the osTicket CA file ${profile.ca}: ${(e as Error).message}`);
      }
    }
    this.agents = {
      http: new http.Agent({ keepAlive: true, maxSockets: 16 }),
      https: new https.Agent({ keepAlive: true, maxSockets: 16, ca }),
    };
    const t = profile.timeoutMs ?? 15_000;
    this.got = got.extend({
      followRedirect: false,
      throwHttpErrors: false,
      retry: { limit: 0 },
      timeout: { lookup: Math.min(t, 5000), connect: Math.min(t, 5000), secureConnect: Math.min(t, 5000), response: t, request: t * 2 },
      agent: this.agents,
      https: ca ? { certificateAuthority: ca } : undefined,
      headers: { 'user-agent': 'soc-ticket (osTicket backend)' },
    });
  }

  private readonly retries: number;
  private readonly retryDelayMs: number;

  url(path: string): string {
    return new URL(path.replace(/^\//, ''), this.base).toString();
  }

  async send(method: 'GET' | 'POST', path: string, o: SendOptions = {}): Promise<RawResponse> {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    let body: string | Buffer | FormData | undefined;
    if (o.form) {
      body = encodeForm(o.form);
      headers['content-type'] = 'application/x-www-form-urlencoded';
    } else if (o.json !== undefined) {
      body = JSON.stringify(o.json);
      headers['content-type'] = 'application/json';
    } else if (o.multipart) {
      body = o.multipart;
    } else if (o.body !== undefined) {
      body = o.body;
    }
    const url = this.url(path);
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await this.got(url, { method, headers, body: body as never });
        const loc = res.headers.location;
        const r: RawResponse = {
          status: res.statusCode,
          headers: res.headers as RawResponse['headers'],
          body: typeof res.body === 'string' ? res.body : String(res.body),
          location: typeof loc === 'string' ? loc : undefined,
        };
        if (o.idempotent && [502, 503, 504].includes(r.status) && attempt < this.retries) {
          await sleep(this.retryDelayMs * 2 ** attempt);
          continue;
        }
        return r;
      } catch (err) {
        const mayRetry = attempt < this.retries && (notSent(err) || (o.idempotent && transient(err)));
        if (mayRetry) {
          await sleep(this.retryDelayMs * 2 ** attempt);
          continue;
        }
        throw describeNetworkError(err, this.base);
      }
    }
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}

function describeNetworkError(err: unknown, base: string): Error {
  const e = err as RequestError;
  const code = e?.code ?? '';
  const host = new URL(base).host;
  let msg: string;
  let hint: string | undefined;
  switch (code) {
    case 'ECONNREFUSED':
      msg = `osTicket at ${host} refused the connection.`;
      hint = 'Is the web server running? Check osticket.url (soc-ticket admin osticket check).';
      break;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      msg = `Cannot resolve the osTicket host ${host}.`;
      hint = 'Check osticket.url and DNS.';
      break;
    case 'ETIMEDOUT':
      msg = `osTicket at ${host} did not answer in time.`;
      break;
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'CERT_HAS_EXPIRED':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      msg = `The TLS certificate of ${host} was not accepted (${code}).`;
      hint = 'For a lab CA: soc-ticket config set osticket.ca /path/to/ca.pem';
      break;
    default:
      msg = `Request to osTicket at ${host} failed${code ? ` (${code})` : ''}.`;
  }
  const out = new OsTicketUnavailableError(msg, hint);
  (out as { code?: string }).code = code;
  return out;
}
