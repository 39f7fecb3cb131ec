// MISP lookups: which of a ticket's values MISP already knows (attributes/restSearch), which are
// on a warninglist (warninglists/checkValue), with a TTL cache, bounded rate-limit back-off and a
// report that says plainly when it is partial.
import { BackendError, UsageError } from '../errors.js';
import { sanitizeCell } from '../ui/sanitize.js';
import { header, httpRequest, humanMs, MB, parseJson, parseWaitHeader, safeOrigin, serverSays, type HttpResponse } from './http.js';

export interface MispEventRef {
  id: string;
  info: string;
}

export interface MispValueResult {
  value: string;
  /** MISP type(s) of the matching attributes; for a miss, the type asked about (if given). */
  type: string;
  hits: number;
  events: MispEventRef[];
  tags: string[];
  /** At least one matching attribute has to_ids set. */
  toIds: boolean;
  /** Names of enabled warninglists the value is on (known-benign / noisy). */
  warninglists: string[];
  /** Served from the cache rather than asked for now. */
  cached?: boolean;
  /** The lookup of this value was cut short (paging or warninglist check failed); not cached. */
  incomplete?: boolean;
}

export interface MispReport {
  /** MISP origin (scheme://host:port), never a path or key. */
  source: string;
  checkedAt: string;
  results: MispValueResult[];
  /** Values that could not be looked up at all (e.g. rate limit persisted). */
  unchecked: string[];
  partial: boolean;
  errors: string[];
}

export interface MispCacheEntry {
  result: MispValueResult;
  /** Epoch milliseconds when MISP answered. */
  storedAt: number;
}

/** Where answers are kept between runs. The embedded SQLite store implements it; TTL is the client's job. */
export interface MispCache {
  get(value: string): MispCacheEntry | undefined | Promise<MispCacheEntry | undefined>;
  set(value: string, entry: MispCacheEntry): void | Promise<void>;
}

export class MemoryMispCache implements MispCache {
  readonly map = new Map<string, MispCacheEntry>();
  get(value: string): MispCacheEntry | undefined {
    return this.map.get(value);
  }
  set(value: string, entry: MispCacheEntry): void {
    this.map.set(value, entry);
  }
}

export interface MispClientOptions {
  url: string;
  apiKey: string;
  /** PEM text of a CA to trust in addition to the system roots. */
  ca?: string;
  /** Per request; default 15 s. */
  timeoutMs?: number;
  /** Page size for restSearch (MISP `limit`); default 100. */
  fetchLimit?: number;
  /** Most pages fetched per batch of values; default 20. Beyond that the report is partial. */
  maxPages?: number;
  /** Values per restSearch request; default 50. */
  batchSize?: number;
  /** Most total time spent waiting on 429s before giving up with a partial report; default 10 s. */
  maxRateLimitWaitMs?: number;
  /** Largest response accepted; default 20 MB. */
  maxResponseBytes?: number;
  cache?: MispCache;
  /** How long a cached answer is good for; default 6 h. 0 disables reading the cache. */
  cacheTtlMs?: number;
  /** Profile name, for error messages ("check misp.apiKey in profile X"). */
  profile?: string;
  /** Injected for tests. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface MispLookupOptions {
  /** MISP type per value (from enrichableObservables), used for misses and the note. */
  types?: Record<string, string>;
  /** Ask warninglists/checkValue too; default true. */
  warninglists?: boolean;
  /** Ignore cached answers (still refreshes the cache). */
  refresh?: boolean;
  signal?: AbortSignal;
}

interface MispAttribute {
  id?: string;
  event_id?: string;
  type?: string;
  value?: string;
  to_ids?: boolean | string | number;
  Event?: { id?: string; info?: string };
  Tag?: Array<{ name?: string }>;
}

class RateLimited extends Error {}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class MispClient {
  private readonly base: string;
  private readonly o: Required<Omit<MispClientOptions, 'ca' | 'cache' | 'profile' | 'url' | 'apiKey'>> &
    Pick<MispClientOptions, 'ca' | 'cache' | 'profile'>;
  private readonly apiKey: string;
  private rateWaitedMs = 0;

  constructor(opts: MispClientOptions) {
    if (!opts.url) throw new UsageError('MISP URL is not set.', 'Set misp.url in the profile.');
    if (!opts.apiKey) throw new UsageError('MISP API key is not set.', 'Set misp.apiKey (or SOC_TICKET_MISP_KEY).');
    let u: URL;
    try {
      u = new URL(opts.url);
    } catch {
      throw new UsageError(`misp.url is not a URL.`);
    }
    if (!/^https?:$/.test(u.protocol)) throw new UsageError('misp.url must be http(s).');
    this.base = u.href.replace(/\/+$/, '');
    this.apiKey = opts.apiKey;
    this.o = {
      ca: opts.ca,
      cache: opts.cache,
      profile: opts.profile,
      timeoutMs: opts.timeoutMs ?? 15_000,
      fetchLimit: Math.max(1, opts.fetchLimit ?? 100),
      maxPages: Math.max(1, opts.maxPages ?? 20),
      batchSize: Math.max(1, opts.batchSize ?? 50),
      maxRateLimitWaitMs: opts.maxRateLimitWaitMs ?? 10_000,
      maxResponseBytes: opts.maxResponseBytes ?? 20 * MB,
      cacheTtlMs: opts.cacheTtlMs ?? 6 * 3600_000,
      now: opts.now ?? Date.now,
      sleep: opts.sleep ?? defaultSleep,
    };
  }

  /** Look values up. Throws BackendError when MISP is unreachable or refuses the key. */
  async lookup(values: string[], opts: MispLookupOptions = {}): Promise<MispReport> {
    this.rateWaitedMs = 0;
    const now = this.o.now();
    const report: MispReport = {
      source: safeOrigin(this.base),
      checkedAt: new Date(now).toISOString(),
      results: [],
      unchecked: [],
      partial: false,
      errors: [],
    };
    const wanted = [...new Set(values.map((v) => v.trim()).filter(Boolean))];
    const byValue = new Map<string, MispValueResult>();
    const toAsk: string[] = [];

    for (const v of wanted) {
      const hit = !opts.refresh && this.o.cache && this.o.cacheTtlMs > 0 ? await this.o.cache.get(v) : undefined;
      if (hit && now - hit.storedAt >= 0 && now - hit.storedAt < this.o.cacheTtlMs) {
        byValue.set(v, { ...hit.result, value: v, cached: true });
      } else {
        toAsk.push(v);
      }
    }

    const fresh = new Map<string, MispValueResult>();
    const incomplete = new Set<string>();
    let rateLimited = false;

    for (let i = 0; i < toAsk.length && !rateLimited; i += this.o.batchSize) {
      const batch = toAsk.slice(i, i + this.o.batchSize);
      for (const v of batch) fresh.set(v, this.empty(v, opts.types?.[v]));
      try {
        const complete = await this.searchBatch(batch, fresh, opts.signal);
        if (!complete) {
          batch.forEach((v) => incomplete.add(v));
          report.errors.push(
            `MISP returned more than ${this.o.maxPages * this.o.fetchLimit} attributes for ${batch.length} value(s); hit counts are truncated.`,
          );
        }
      } catch (err) {
        if (!(err instanceof RateLimited)) throw err;
        rateLimited = true;
        for (const v of batch) fresh.delete(v);
        report.errors.push(err.message);
      }
    }
    if (rateLimited) {
      report.unchecked = toAsk.filter((v) => !fresh.has(v));
    }

    const checked = [...fresh.keys()];
    if (opts.warninglists !== false && checked.length) {
      try {
        const lists = await this.checkWarninglists(checked, opts.signal);
        for (const [v, names] of lists) {
          const r = fresh.get(v);
          if (r) r.warninglists = names;
        }
      } catch (err) {
        if (err instanceof RateLimited) {
          report.errors.push(`warninglist check skipped: ${err.message}`);
        } else if (err instanceof BackendError && /refused the API key/.test(err.message)) {
          throw err;
        } else {
          report.errors.push(`warninglist check failed: ${(err as Error).message}`);
        }
        checked.forEach((v) => incomplete.add(v));
      }
    }

    for (const [v, r] of fresh) {
      if (incomplete.has(v)) {
        r.incomplete = true;
      } else if (this.o.cache) {
        await this.o.cache.set(v, { result: { ...r }, storedAt: now });
      }
      byValue.set(v, r);
    }

    report.results = wanted.filter((v) => byValue.has(v)).map((v) => byValue.get(v)!);
    report.partial = report.unchecked.length > 0 || incomplete.size > 0;
    return report;
  }

  private empty(value: string, type?: string): MispValueResult {
    return { value, type: type ?? '', hits: 0, events: [], tags: [], toIds: false, warninglists: [] };
  }

  private async post(path: string, body: unknown, signal?: AbortSignal): Promise<HttpResponse> {
    let gatewayRetries = 0;
    for (let attempt = 0; ; attempt++) {
      const res = await httpRequest(
        { service: 'MISP', ca: this.o.ca, caKey: 'misp.ca', timeoutMs: this.o.timeoutMs, maxResponseBytes: this.o.maxResponseBytes },
        {
          method: 'POST',
          url: `${this.base}${path}`,
          headers: { authorization: this.apiKey, accept: 'application/json', 'content-type': 'application/json' },
          json: body,
          signal,
        },
      );
      if (res.status === 429) {
        const asked =
          parseWaitHeader(header(res, 'x-rate-limit-reset'), this.o.now()) ??
          parseWaitHeader(header(res, 'retry-after'), this.o.now()) ??
          Math.min(500 * 2 ** attempt, 4000);
        // Never spin: at least 250 ms between tries, and at most 10 tries per request.
        const wait = Math.max(250, asked);
        const budget = this.o.maxRateLimitWaitMs - this.rateWaitedMs;
        if (wait > budget || attempt >= 10) {
          throw new RateLimited(
            `MISP rate limit (429) on ${path}: it asks to wait ${humanMs(wait)}, more than the ${humanMs(
              Math.max(0, budget),
            )} left of the ${humanMs(this.o.maxRateLimitWaitMs)} allowed.`,
          );
        }
        this.rateWaitedMs += wait;
        await this.o.sleep(wait);
        continue;
      }
      if ((res.status === 502 || res.status === 503 || res.status === 504) && gatewayRetries < 2) {
        // restSearch and checkValue only read, so a proxy or worker hiccup is worth two more tries.
        await this.o.sleep(500 * 2 ** gatewayRetries++);
        continue;
      }
      if (res.status === 401 || res.status === 403) {
        const where = this.o.profile ? `in profile ${this.o.profile}` : 'in the profile';
        throw new BackendError(
          `MISP refused the API key (${res.status}): check misp.apiKey ${where}.`,
          'The key must belong to an enabled user whose role allows API access (Administration → List Auth Keys).',
        );
      }
      if (res.status !== 200) {
        throw new BackendError(`MISP ${path} failed (${res.status}): ${serverSays(res.body)}`);
      }
      return res;
    }
  }

  /** Fetch every page for a batch; false when maxPages was reached before a short page. */
  private async searchBatch(batch: string[], into: Map<string, MispValueResult>, signal?: AbortSignal): Promise<boolean> {
    const index = new Map<string, string>();
    for (const v of batch) {
      index.set(v, v);
      index.set(v.toLowerCase(), v);
    }
    const seen = new Set<string>();
    for (let page = 1; page <= this.o.maxPages; page++) {
      const res = await this.post(
        '/attributes/restSearch',
        {
          returnFormat: 'json',
          value: batch,
          limit: this.o.fetchLimit,
          page,
          includeEventTags: true,
        },
        signal,
      );
      const attrs = attributesOf(parseJson(res.body));
      if (attrs === undefined) {
        throw new BackendError(`MISP /attributes/restSearch answered 200 with a body that is not a restSearch response.`);
      }
      for (const a of attrs) {
        const key = a.id ?? `${a.event_id}:${a.type}:${a.value}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const owner = matchValue(a, index);
        if (!owner) continue;
        addAttribute(into.get(owner)!, a);
      }
      if (attrs.length < this.o.fetchLimit) return true;
    }
    return false;
  }

  private async checkWarninglists(values: string[], signal?: AbortSignal): Promise<Map<string, string[]>> {
    const res = await this.post('/warninglists/checkValue', values, signal);
    const body = parseJson(res.body);
    const out = new Map<string, string[]>();
    // No hits: PHP encodes the empty array as []. Hits: { value: [{id, name, matched}] }.
    if (Array.isArray(body) || body === null || typeof body !== 'object') return out;
    const lower = new Map(values.map((v) => [v.toLowerCase(), v]));
    for (const [k, lists] of Object.entries(body as Record<string, unknown>)) {
      const v = values.includes(k) ? k : lower.get(k.toLowerCase());
      if (!v || !Array.isArray(lists)) continue;
      const names = lists
        .map((l) => (l && typeof l === 'object' ? (l as { name?: unknown }).name : undefined))
        .filter((n): n is string => typeof n === 'string');
      out.set(v, [...new Set(names)]);
    }
    return out;
  }
}

/** Both shapes: {"response":{"Attribute":[...]}} and the empty {"response":[]}. */
function attributesOf(body: unknown): MispAttribute[] | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const r = (body as { response?: unknown }).response;
  if (Array.isArray(r)) {
    // Empty result, or (older MISP) a list of {Attribute: {...}} wrappers.
    return r.map((x) => (x && typeof x === 'object' && 'Attribute' in x ? (x as { Attribute: MispAttribute }).Attribute : x)) as MispAttribute[];
  }
  if (r && typeof r === 'object') {
    const a = (r as { Attribute?: unknown }).Attribute;
    if (Array.isArray(a)) return a as MispAttribute[];
    if (a === undefined) return [];
  }
  return undefined;
}

function matchValue(a: MispAttribute, index: Map<string, string>): string | undefined {
  const v = String(a.value ?? '');
  const direct = index.get(v) ?? index.get(v.toLowerCase());
  if (direct) return direct;
  // Composite types (ip-dst|port, domain|ip, filename|sha256 ...) match on either half.
  for (const part of v.split('|')) {
    const m = index.get(part) ?? index.get(part.toLowerCase());
    if (m) return m;
  }
  return undefined;
}

function addAttribute(r: MispValueResult, a: MispAttribute): void {
  r.hits++;
  // The type asked about (for a miss) gives way to the types MISP actually holds.
  const types = new Set(r.hits > 1 && r.type ? r.type.split(',') : []);
  if (a.type) types.add(a.type);
  r.type = [...types].join(',');
  if (a.to_ids === true || a.to_ids === 1 || a.to_ids === '1' || a.to_ids === 'true') r.toIds = true;
  const id = String(a.Event?.id ?? a.event_id ?? '');
  if (id && !r.events.some((e) => e.id === id)) r.events.push({ id, info: String(a.Event?.info ?? '') });
  for (const t of a.Tag ?? []) {
    if (typeof t?.name === 'string' && !r.tags.includes(t.name)) r.tags.push(t.name);
  }
}

// ---------------------------------------------------------------- note text

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** The internal note written to the ticket: plain text, a compact table, no secrets. */
export function formatMispNote(report: MispReport): string {
  const hits = report.results.filter((r) => r.hits > 0);
  const lines: string[] = [];
  lines.push(
    `MISP enrichment — ${report.source}, ${report.checkedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}: ` +
      `${report.results.length} value(s) checked, ${hits.length} known to MISP` +
      (report.partial ? ' (PARTIAL)' : ''),
  );
  if (report.results.length) {
    const rows = report.results.map((r) => [
      clip(sanitizeCell(r.value), 60),
      clip(sanitizeCell(r.type || '-'), 18),
      String(r.hits) + (r.incomplete ? '+' : ''),
      r.hits ? (r.toIds ? 'yes' : 'no') : '-',
      r.events.length
        ? clip(r.events.map((e) => `#${sanitizeCell(e.id)}${e.info ? ` ${sanitizeCell(e.info)}` : ''}`).join('; '), 70)
        : '-',
      r.tags.length ? clip(sanitizeCell(r.tags.join(', ')), 40) : '-',
      r.warninglists.length ? clip(sanitizeCell(r.warninglists.join('; ')), 50) : '-',
      r.cached ? 'cache' : '',
    ]);
    const head = ['VALUE', 'TYPE', 'HITS', 'IDS', 'EVENTS', 'TAGS', 'WARNINGLISTS', ''];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
    const fmt = (row: string[]) => row.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
    lines.push(fmt(head));
    lines.push(fmt(widths.map((w) => '-'.repeat(w))));
    for (const row of rows) lines.push(fmt(row));
  }
  const benign = report.results.filter((r) => r.warninglists.length);
  if (benign.length) lines.push(`On warninglists (likely benign): ${benign.map((r) => sanitizeCell(r.value)).join(', ')}`);
  if (report.unchecked.length) lines.push(`Not checked: ${report.unchecked.map((v) => sanitizeCell(v)).join(', ')}`);
  for (const e of report.errors) lines.push(`Note: ${sanitizeCell(e)}`);
  return lines.join('\n');
}
