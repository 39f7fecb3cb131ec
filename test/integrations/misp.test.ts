import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BackendError } from '../../src/errors.js';
import { formatMispNote, MemoryMispCache, MispClient, type MispClientOptions } from '../../src/integrations/misp.js';
import { startStub, type Stub, type StubRoute } from '../helpers/http-stub.js';

const fx = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/misp/${name}`, import.meta.url), 'utf8'));
const PAGE1 = fx('elastic-integrations_ti_misp_mock_attributes_restSearch_page1.response.json');
const EMPTY = fx('elastic-integrations_ti_misp_mock_attributes_restSearch_page2-empty.response.json');
const TAGGED = fx('elastic-integrations_ti_misp_threat_attributes_sample.line1-with-Tag.json');
const WARN = fx('misp-openapi_warninglists_checkValue_response.example.json');
const KEY = 'k3y-SECRET-0123456789abcdef0123456789abcdef';
const AUTH_FAILED =
  'Authentication failed. Please make sure you pass the API key of an API enabled user along in the Authorization header.';

const URL1 = 'http://labs.opendns.com/2014/10/02/opendns-and-bash/';
const URL2 = 'https://gist.github.com/andrewsmhay/de1cdc63d04c2bbf8c12';

let stub: Stub | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

const noWarn: StubRoute = { method: 'POST', path: '/warninglists/checkValue', reply: () => ({ status: 200, body: [] }) };

function client(url: string, extra: Partial<MispClientOptions> = {}) {
  const sleeps: number[] = [];
  const c = new MispClient({
    url,
    apiKey: KEY,
    profile: 'lab',
    timeoutMs: 2000,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...extra,
  });
  return { c, sleeps };
}

describe('MispClient.lookup', () => {
  it('reports hits with events, types and the request shape MISP expects', async () => {
    stub = await startStub([
      { method: 'POST', path: '/attributes/restSearch', reply: () => ({ status: 200, body: PAGE1 }), times: 1 },
      noWarn,
    ]);
    const { c } = client(stub.url);
    const r = await c.lookup([URL1, URL2, 'https://nothing.example.net/x']);
    stub.assertDone();

    const req = stub.requests[0];
    expect(req.headers.authorization).toBe(KEY);
    expect(req.headers.accept).toBe('application/json');
    expect(req.headers['content-type']).toMatch(/application\/json/);
    expect(req.json).toMatchObject({
      value: [URL1, URL2, 'https://nothing.example.net/x'],
      returnFormat: 'json',
      limit: 100,
      page: 1,
      includeEventTags: true,
    });
    expect(stub.requests[1].json).toEqual([URL1, URL2, 'https://nothing.example.net/x']);

    expect(r.partial).toBe(false);
    expect(r.errors).toEqual([]);
    expect(r.source).toBe(stub.url);
    const [a, b, miss] = r.results;
    expect(a).toMatchObject({ value: URL1, type: 'link', hits: 1, toIds: false, warninglists: [] });
    expect(a.events).toEqual([{ id: '1', info: 'OSINT ShellShock scanning IPs from OpenDNS' }]);
    expect(b).toMatchObject({ value: URL2, hits: 1 });
    expect(miss).toMatchObject({ hits: 0, events: [], tags: [] });
  });

  it('reads tags and to_ids from an attribute with every optional part', async () => {
    stub = await startStub([
      { method: 'POST', path: '/attributes/restSearch', reply: () => ({ status: 200, body: { response: { Attribute: [TAGGED] } } }) },
      noWarn,
    ]);
    const r = await client(stub.url).c.lookup(['127.0.0.1']);
    expect(r.results[0]).toMatchObject({
      value: '127.0.0.1',
      hits: 1,
      toIds: true,
      tags: ['tlp:white'],
      events: [{ id: '12345', info: 'logged source ip' }],
      type: 'md5',
    });
  });

  it('handles the empty shape {"response": []}', async () => {
    stub = await startStub([
      { method: 'POST', path: '/attributes/restSearch', reply: () => ({ status: 200, body: EMPTY }), times: 1 },
      noWarn,
    ]);
    const r = await client(stub.url).c.lookup(['8.8.8.8'], { types: { '8.8.8.8': 'ip-dst' } });
    stub.assertDone();
    expect(r.results).toEqual([{ value: '8.8.8.8', type: 'ip-dst', hits: 0, events: [], tags: [], toIds: false, warninglists: [] }]);
    expect(r.partial).toBe(false);
  });

  it('pages until a short page', async () => {
    stub = await startStub([
      { method: 'POST', path: '/attributes/restSearch', reply: () => ({ status: 200, body: PAGE1 }), times: 1 },
      { method: 'POST', path: '/attributes/restSearch', reply: () => ({ status: 200, body: EMPTY }), times: 1 },
      noWarn,
    ]);
    const r = await client(stub.url, { fetchLimit: 5 }).c.lookup(['Shellshock', URL1]);
    stub.assertDone();
    expect(stub.requests.map((q) => (q.json as { page?: number }).page)).toEqual([1, 2, undefined]);
    expect((stub.requests[1].json as { limit: number }).limit).toBe(5);
    expect(r.results.map((x) => [x.value, x.hits])).toEqual([
      ['Shellshock', 1],
      [URL1, 1],
    ]);
    expect(r.partial).toBe(false);
  });

  it('stops at maxPages and says the counts are truncated', async () => {
    stub = await startStub([
      { method: 'POST', path: '/attributes/restSearch', reply: () => ({ status: 200, body: PAGE1 }), times: 2 },
      noWarn,
    ]);
    const cache = new MemoryMispCache();
    const r = await client(stub.url, { fetchLimit: 5, maxPages: 2, cache }).c.lookup([URL1]);
    stub.assertDone();
    expect(r.partial).toBe(true);
    expect(r.results[0].incomplete).toBe(true);
    expect(r.errors[0]).toMatch(/more than 10 attributes/);
    expect(cache.map.size).toBe(0); // incomplete answers are not cached
  });

  it('flags values on a warninglist', async () => {
    stub = await startStub([
      { method: 'POST', path: '/attributes/restSearch', reply: () => ({ status: 200, body: EMPTY }) },
      { method: 'POST', path: '/warninglists/checkValue', reply: () => ({ status: 200, body: WARN }), times: 1 },
    ]);
    const r = await client(stub.url).c.lookup(['10.128.0.2', '8.8.4.4']);
    stub.assertDone();
    expect(stub.requests[1].json).toEqual(['10.128.0.2', '8.8.4.4']);
    expect(r.results[0].warninglists).toEqual(['List of known Wikimedia address ranges']);
    expect(r.results[1].warninglists).toEqual([]);
    expect(formatMispNote(r)).toMatch(/On warninglists \(likely benign\): 10\.128\.0\.2/);
  });

  it('waits out a 429 as the headers say, then succeeds', async () => {
    stub = await startStub([
      {
        method: 'POST',
        path: '/attributes/restSearch',
        reply: () => ({
          status: 429,
          headers: { 'X-Rate-Limit-Limit': '10', 'X-Rate-Limit-Remaining': '0', 'X-Rate-Limit-Reset': '2' },
          body: { name: 'Rate limit exceeded.', message: 'Rate limit exceeded.', url: '/attributes/restSearch' },
        }),
        times: 1,
      },
      {
        method: 'POST',
        path: '/attributes/restSearch',
        reply: () => ({ status: 429, headers: { 'Retry-After': '1' }, body: { name: 'Rate limit exceeded.', message: 'Rate limit exceeded.' } }),
        times: 1,
      },
      { method: 'POST', path: '/attributes/restSearch', reply: () => ({ status: 200, body: PAGE1 }), times: 1 },
      noWarn,
    ]);
    const { c, sleeps } = client(stub.url);
    const r = await c.lookup([URL1]);
    stub.assertDone();
    expect(sleeps).toEqual([2000, 1000]);
    expect(r.partial).toBe(false);
    expect(r.results[0].hits).toBe(1);
  });

  it('gives up on a persisting 429 within the wait budget and reports partial results', async () => {
    stub = await startStub([
      // First batch succeeds.
      { method: 'POST', path: '/attributes/restSearch', reply: () => ({ status: 200, body: PAGE1 }), times: 1 },
      // Then MISP's 15-minute window is exhausted.
      {
        method: 'POST',
        path: '/attributes/restSearch',
        reply: () => ({ status: 429, headers: { 'X-Rate-Limit-Reset': '4' }, body: { name: 'Rate limit exceeded.', message: 'Rate limit exceeded.' } }),
      },
      noWarn,
    ]);
    const { c, sleeps } = client(stub.url, { batchSize: 1, maxRateLimitWaitMs: 10_000 });
    const started = Date.now();
    const r = await c.lookup([URL1, URL2, 'Shellshock']);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(stub.failures).toEqual([]);
    expect(sleeps).toEqual([4000, 4000]); // 8 s waited; another 4 s would break the 10 s budget
    expect(r.partial).toBe(true);
    expect(r.results.map((x) => x.value)).toEqual([URL1]);
    expect(r.unchecked).toEqual([URL2, 'Shellshock']);
    expect(r.errors.join(' ')).toMatch(/rate limit \(429\)/);
    const note = formatMispNote(r);
    expect(note).toMatch(/PARTIAL/);
    expect(note).toMatch(/Not checked: https:\/\/gist\.github\.com\/andrewsmhay\/de1cdc63d04c2bbf8c12, Shellshock/);
  });

  it('tries a read twice more after a gateway error, then gives up with the status', async () => {
    const gateway = (status: number) => ({ method: 'POST', path: '/attributes/restSearch', times: 1, reply: () => ({ status, body: '<html>Bad Gateway</html>' }) });
    stub = await startStub([gateway(502), gateway(504), { method: 'POST', path: '/attributes/restSearch', reply: () => ({ status: 200, body: PAGE1 }), times: 1 }, noWarn]);
    const { c, sleeps } = client(stub.url);
    const r = await c.lookup([URL1]);
    stub.assertDone();
    expect(sleeps).toEqual([500, 1000]);
    expect(r.results[0].hits).toBe(1);
    await stub.close();

    stub = await startStub([{ method: 'POST', path: '/attributes/restSearch', reply: () => ({ status: 503, body: 'Service Unavailable' }) }]);
    const again = client(stub.url);
    await expect(again.c.lookup([URL1])).rejects.toThrow(/^MISP \/attributes\/restSearch failed \(503\): Service Unavailable$/);
    expect(stub.requests).toHaveLength(3);
  });

  it('turns 403 into a clear BackendError without the key', async () => {
    stub = await startStub([
      {
        method: 'POST',
        path: '/attributes/restSearch',
        reply: () => ({ status: 403, body: { name: AUTH_FAILED, message: AUTH_FAILED, url: '/attributes/restSearch' } }),
      },
    ]);
    const err = await client(stub.url).c.lookup(['8.8.8.8']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect((err as Error).message).toBe('MISP refused the API key (403): check misp.apiKey in profile lab.');
    expect(JSON.stringify(err) + String((err as BackendError).hint)).not.toContain(KEY);
  });

  it('turns 401 into the same message with its status', async () => {
    stub = await startStub([{ method: 'POST', path: '/attributes/restSearch', reply: () => ({ status: 401, body: 'Unauthorized' }) }]);
    await expect(client(stub.url, { profile: undefined }).c.lookup(['8.8.8.8'])).rejects.toThrow(
      /^MISP refused the API key \(401\): check misp.apiKey in the profile\.$/,
    );
  });

  it('times out with a BackendError', async () => {
    stub = await startStub([{ method: 'POST', path: '/attributes/restSearch', reply: () => ({ status: 200, hang: true }) }]);
    const started = Date.now();
    const err = await client(stub.url, { timeoutMs: 300 }).c.lookup(['8.8.8.8']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect((err as Error).message).toMatch(/^MISP at http:\/\/127\.0\.0\.1:\d+ did not answer within 300 ms\.$/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('reports a refused connection as a BackendError', async () => {
    const s = await startStub([]);
    const dead = s.url;
    await s.close();
    const err = await client(dead).c.lookup(['8.8.8.8']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect((err as Error).message).toMatch(/refused the connection/);
  });

  it('refuses a response over the size cap', async () => {
    stub = await startStub([
      {
        method: 'POST',
        path: '/attributes/restSearch',
        reply: () => ({ status: 200, headers: { 'content-type': 'application/json' }, stream: { chunk: Buffer.alloc(64 * 1024, 0x20), count: 64 } }),
      },
    ]);
    const err = await client(stub.url, { maxResponseBytes: 1024 * 1024 }).c.lookup(['8.8.8.8']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect((err as Error).message).toMatch(/sent a response larger than 1 MB; refusing to read it/);
  });

  it('refuses early when Content-Length already says too much', async () => {
    stub = await startStub([
      { method: 'POST', path: '/attributes/restSearch', reply: () => ({ status: 200, body: Buffer.alloc(300 * 1024, 0x20) }) },
    ]);
    await expect(client(stub.url, { maxResponseBytes: 200 * 1024 }).c.lookup(['8.8.8.8'])).rejects.toThrow(/larger than 200 KB/);
  });

  it('serves fresh cache entries without a request, and refetches stale ones', async () => {
    let now = Date.parse('2026-12-04T05:00:00Z');
    const cache = new MemoryMispCache();
    stub = await startStub([
      { method: 'POST', path: '/attributes/restSearch', reply: () => ({ status: 200, body: PAGE1 }), times: 2 },
      { ...noWarn, times: 2 },
    ]);
    const { c } = client(stub.url, { cache, cacheTtlMs: 3600_000, now: () => now });
    const first = await c.lookup([URL1]);
    expect(first.results[0].cached).toBeUndefined();
    expect(cache.map.get(URL1)?.storedAt).toBe(now);
    expect(stub.requests).toHaveLength(2);

    now += 30 * 60_000; // 30 min later: fresh
    const second = await c.lookup([URL1]);
    expect(stub.requests).toHaveLength(2); // no request at all
    expect(second.results[0]).toMatchObject({ value: URL1, hits: 1, cached: true });
    expect(formatMispNote(second)).toMatch(/cache/);

    now += 31 * 60_000; // past the hour: stale
    const third = await c.lookup([URL1]);
    expect(stub.requests).toHaveLength(4);
    expect(third.results[0].cached).toBeUndefined();
    stub.assertDone();
  });

  it('formats a compact plain-text note without control characters', async () => {
    stub = await startStub([
      { method: 'POST', path: '/attributes/restSearch', reply: () => ({ status: 200, body: { response: { Attribute: [TAGGED] } } }) },
      noWarn,
    ]);
    const r = await client(stub.url).c.lookup(['127.0.0.1', 'evil\u001b[31m.example.org']);
    const note = formatMispNote(r);
    expect(note).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    expect(note).not.toContain(KEY);
    const lines = note.split('\n');
    expect(lines[0]).toMatch(/^MISP enrichment — http:\/\/127\.0\.0\.1:\d+, .*: 2 value\(s\) checked, 1 known to MISP$/);
    expect(lines[1]).toMatch(/^VALUE\s+TYPE\s+HITS\s+IDS\s+EVENTS\s+TAGS\s+WARNINGLISTS$/);
    expect(lines[3]).toMatch(/^127\.0\.0\.1\s+md5\s+1\s+yes\s+#12345 logged source ip\s+tlp:white\s+-/);
  });
});

describe('MispClient over TLS with a lab CA', () => {
  let dir: string;
  let key: string;
  let cert: string;
  let haveOpenssl = true;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'misp-tls-'));
    try {
      execFileSync(
        'openssl',
        ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'),
          '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
        { stdio: 'ignore' },
      );
      key = readFileSync(join(dir, 'k.pem'), 'utf8');
      cert = readFileSync(join(dir, 'c.pem'), 'utf8');
    } catch {
      haveOpenssl = false;
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('trusts the configured CA and refuses without it', async (ctx) => {
    if (!haveOpenssl) ctx.skip();
    stub = await startStub(
      [{ method: 'POST', path: '/attributes/restSearch', reply: () => ({ status: 200, body: EMPTY }) }, noWarn],
      { tls: { key, cert } },
    );
    const ok = await client(stub.url, { ca: cert }).c.lookup(['8.8.8.8']);
    expect(ok.results[0].hits).toBe(0);
    const err = await client(stub.url).c.lookup(['8.8.8.8']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect((err as Error).message).toMatch(/TLS certificate not trusted/);
    expect((err as BackendError).hint).toMatch(/misp\.ca/);
  });
});
