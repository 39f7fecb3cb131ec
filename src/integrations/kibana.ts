// Kibana reporting: queue a report from a "Copy POST URL", poll its download path until the job is
// done, and hand back the file. Pending jobs answer 503 (+ Retry-After), failed jobs 500 with a
// message, finished jobs 200 with the file and a Content-Disposition naming it.
import { BackendError, UsageError } from '../errors.js';
import { header, httpRequest, humanMs, MB, parseJson, parseWaitHeader, safeOrigin, serverSays, type HttpSettings } from './http.js';

export type KibanaAuth = { type: 'basic'; username: string; password: string } | { type: 'apikey'; key: string };

export interface KibanaProgress {
  phase: 'queued' | 'pending' | 'done';
  /** Job status as Kibana reports it while pending ("pending", "processing", ...). */
  status?: string;
  /** Download attempts so far. */
  attempt: number;
  elapsedMs: number;
  /** When the next poll happens, for pending. */
  nextPollMs?: number;
  jobPath?: string;
}

export interface GenerateReportOptions {
  /** The POST URL copied from Kibana (Share → Export → Copy POST URL). */
  postUrl: string;
  auth: KibanaAuth;
  /** PEM text of a CA to trust in addition to the system roots. */
  ca?: string;
  /** Per request; default 30 s. */
  timeoutMs?: number;
  /** Between polls; default 3 s. Retry-After from Kibana is honoured within [pollIntervalMs, maxRetryAfterMs]. */
  pollIntervalMs?: number;
  /** Longest a Retry-After may make us wait between polls; default 30 s. */
  maxRetryAfterMs?: number;
  /** Give up when the report is not ready after this long; default 5 min. */
  maxWaitMs?: number;
  /** Largest report accepted; default 50 MB. */
  maxBytes?: number;
  onProgress?: (p: KibanaProgress) => void;
  signal?: AbortSignal;
  /** Injected for tests. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface KibanaReport {
  filename: string;
  mime: string;
  data: Buffer;
}

const EXT: Record<string, string> = {
  'application/pdf': 'pdf',
  'image/png': 'png',
  'text/csv': 'csv',
  'application/json': 'json',
};

function authHeader(auth: KibanaAuth): string {
  if (auth.type === 'basic') {
    if (!auth.username) throw new UsageError('Kibana user name is not set.', 'Set kibana.username and kibana.password, or kibana.apiKey.');
    return `Basic ${Buffer.from(`${auth.username}:${auth.password ?? ''}`, 'utf8').toString('base64')}`;
  }
  if (!auth.key) throw new UsageError('Kibana API key is not set.', 'Set kibana.apiKey, or kibana.username and kibana.password.');
  return `ApiKey ${auth.key}`;
}

/** RFC 6266 filename: filename*=UTF-8''… preferred over filename="…"; reduced to a safe base name. */
export function filenameFromDisposition(value: string | undefined): string | undefined {
  if (!value) return undefined;
  let name: string | undefined;
  const star = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(value);
  if (star) {
    try {
      name = decodeURIComponent(star[2].trim().replace(/^"|"$/g, ''));
    } catch {
      name = undefined;
    }
  }
  if (!name) {
    const quoted = /filename\s*=\s*"((?:[^"\\]|\\.)*)"/i.exec(value);
    const bare = /filename\s*=\s*([^;\s]+)/i.exec(value);
    name = quoted ? quoted[1].replace(/\\(.)/g, '$1') : bare?.[1];
  }
  if (!name) return undefined;
  const safe = name
    .replace(/[\x00-\x1f\x7f-\x9f]/g, '')
    .split(/[\\/]/)
    .pop()!
    .replace(/^\.+/, '')
    .trim();
  return safe || undefined;
}

function describeAuthFailure(status: number, auth: KibanaAuth, body: Buffer): BackendError {
  if (status === 401) {
    const keys = auth.type === 'basic' ? 'kibana.username / kibana.password' : 'kibana.apiKey';
    return new BackendError(`Kibana refused the credentials (401): check ${keys}.`);
  }
  return new BackendError(
    `Kibana denied the report (403): ${serverSays(body) || 'the user lacks the reporting privilege'}.`,
    'The Kibana user needs a role with Reporting enabled for this app and access to its data views.',
  );
}

export async function generateReport(opts: GenerateReportOptions): Promise<KibanaReport> {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const pollIntervalMs = Math.max(0, opts.pollIntervalMs ?? 3000);
  const maxRetryAfterMs = Math.max(pollIntervalMs, opts.maxRetryAfterMs ?? 30_000);
  const maxWaitMs = opts.maxWaitMs ?? 300_000;
  let post: URL;
  try {
    post = new URL(opts.postUrl);
  } catch {
    throw new UsageError('The Kibana report URL is not a URL.', 'Paste the POST URL from Share → Export → Copy POST URL.');
  }
  if (!/^https?:$/.test(post.protocol)) throw new UsageError('The Kibana report URL must be http(s).');
  if (!/\/api\/reporting\/generate\//.test(post.pathname)) {
    throw new UsageError(
      'That is not a Kibana reporting POST URL (expected …/api/reporting/generate/…).',
      'Use Share → Export → Copy POST URL in Kibana.',
    );
  }
  const http: HttpSettings = {
    service: 'Kibana',
    ca: opts.ca,
    caKey: 'kibana.ca',
    timeoutMs: opts.timeoutMs ?? 30_000,
    maxResponseBytes: opts.maxBytes ?? 50 * MB,
  };
  const authorization = authHeader(opts.auth);
  const started = now();
  const elapsed = () => now() - started;

  // 1. Queue the job.
  const queued = await httpRequest(http, {
    method: 'POST',
    url: post.href,
    headers: { authorization, 'kbn-xsrf': 'soc-ticket', accept: 'application/json' },
    signal: opts.signal,
  });
  if (queued.status === 401 || queued.status === 403) throw describeAuthFailure(queued.status, opts.auth, queued.body);
  if (queued.status !== 200) {
    throw new BackendError(`Kibana did not queue the report (${queued.status}): ${serverSays(queued.body)}`);
  }
  const path = (parseJson(queued.body) as { path?: unknown } | undefined)?.path;
  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw new BackendError('Kibana queued the report but its answer has no download path.');
  }
  const download = new URL(path, post.origin);
  if (download.origin !== post.origin) {
    // Never send the credentials anywhere but the Kibana they are for.
    throw new BackendError(`Kibana gave a download path on another origin (${safeOrigin(download.href)}); refusing.`);
  }
  opts.onProgress?.({ phase: 'queued', attempt: 0, elapsedMs: elapsed(), jobPath: download.pathname });

  // 2. Poll until done, failed, or out of time.
  let lastStatus = 'pending';
  for (let attempt = 1; ; attempt++) {
    const res = await httpRequest(http, {
      method: 'GET',
      url: download.href,
      headers: { authorization, 'kbn-xsrf': 'soc-ticket' },
      signal: opts.signal,
    });
    if (res.status === 200) {
      const mime = (header(res, 'content-type') ?? 'application/octet-stream').split(';')[0].trim().toLowerCase();
      const filename =
        filenameFromDisposition(header(res, 'content-disposition')) ?? `kibana-report.${EXT[mime] ?? 'bin'}`;
      opts.onProgress?.({ phase: 'done', attempt, elapsedMs: elapsed(), jobPath: download.pathname });
      return { filename, mime, data: res.body };
    }
    if (res.status === 503) {
      const text = res.body.toString('utf8').trim();
      if (text && text.length < 40 && /^[a-z_ -]+$/i.test(text)) lastStatus = text;
      const asked = parseWaitHeader(header(res, 'retry-after'), now());
      let wait = asked === undefined ? pollIntervalMs : Math.min(Math.max(asked, pollIntervalMs), maxRetryAfterMs);
      const left = maxWaitMs - elapsed();
      if (left <= 0) {
        throw new BackendError(
          `The Kibana report was not ready after ${humanMs(maxWaitMs)} (status: ${lastStatus}).`,
          'Kibana may be busy; try again later or raise the wait.',
        );
      }
      wait = Math.min(wait, left);
      opts.onProgress?.({ phase: 'pending', status: lastStatus, attempt, elapsedMs: elapsed(), nextPollMs: wait, jobPath: download.pathname });
      await sleep(wait);
      continue;
    }
    if (res.status === 500) {
      throw new BackendError(`Kibana could not generate the report: ${serverSays(res.body) || 'job failed'}`);
    }
    if (res.status === 401 || res.status === 403) throw describeAuthFailure(res.status, opts.auth, res.body);
    if (res.status === 404) throw new BackendError('Kibana no longer knows the report job (404); it may have been deleted.');
    throw new BackendError(`Kibana report download failed (${res.status}): ${serverSays(res.body)}`);
  }
}
