// The receiver in-process, over real HTTP(S) on loopback.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { createContext, type Ctx } from '../../src/context.js';
import type { IO } from '../../src/ui/io.js';
import { parseListen, startWebhook, tokenMatches, type WebhookServer } from '../../src/ingest/webhook.js';
import { isLoopbackHost as isLoopback } from '../../src/config/url-policy.js';
import { http, fixture } from '../helpers/e2e.js';
import { Agent } from 'node:http';

let dir: string;
let ctx: Ctx;
let log: string;
let hook: WebhookServer | undefined;

function makeCtx(env: Record<string, string> = {}): Ctx {
  const stderr = new PassThrough();
  stderr.on('data', (d) => (log += d));
  const io: IO = {
    stdin: Readable.from([]),
    stdout: new PassThrough(),
    stderr,
    env: { HOME: dir, XDG_CONFIG_HOME: join(dir, 'c'), XDG_DATA_HOME: join(dir, 'd'), SOC_TICKET_ROLES_FILE: join(dir, 'none.json'), ...env },
    stdinIsTTY: false,
    stdoutIsTTY: false,
    stderrIsTTY: false,
    columns: 100,
  };
  return createContext(io, { json: false, input: false, yes: false, color: false });
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'webhook-'));
  log = '';
  ctx = makeCtx();
});
afterEach(async () => {
  await hook?.close();
  hook = undefined;
  await ctx.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const start = async (o: Partial<Parameters<typeof startWebhook>[3]> = {}, settings = {}) =>
  (hook = await startWebhook(ctx, 'hook', settings, { listen: '127.0.0.1:0', maxBody: 64 * 1024, ...o }));

const splunk = fixture('splunk/zulip_webhooks_splunk_fixtures_search_one_result.json');

describe('listen address and token', () => {
  it('parses HOST:PORT forms and knows loopback', () => {
    expect(parseListen('127.0.0.1:8787')).toEqual({ host: '127.0.0.1', port: 8787 });
    expect(parseListen('[::1]:9000')).toEqual({ host: '::1', port: 9000 });
    expect(parseListen('8787')).toEqual({ host: '127.0.0.1', port: 8787 });
    expect(parseListen(':8787')).toEqual({ host: '0.0.0.0', port: 8787 });
    expect(() => parseListen('host:http')).toThrow(/expected HOST:PORT/);
    expect(() => parseListen('::1:80')).toThrow(/brackets/);
    expect(['127.0.0.1', '127.9.9.9', '::1', 'localhost'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '10.0.0.1', '::', 'example.com'].some(isLoopback)).toBe(false);
  });
  it('compares tokens whatever their lengths', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abcd', 'abc')).toBe(false);
    expect(tokenMatches('', 'abc')).toBe(false);
    expect(tokenMatches(undefined, 'abc')).toBe(false);
  });
});

describe('requests', () => {
  it('healthz, unknown paths, wrong methods', async () => {
    const { url } = await start();
    expect(await http(`${url}/healthz`).then((r) => [r.status, r.json()])).toEqual([200, { status: 'ok' }]);
    expect((await http(`${url}/nope`)).status).toBe(404);
    const get = await http(`${url}/alerts`);
    expect([get.status, get.headers.allow]).toEqual([405, 'POST']);
    expect((await http(`${url}/alerts/wazoo`, { body: '{}' })).json().error).toMatch(/unknown format; one of soc-ticket, wazuh/);
  });

  it('413 past the body limit, by content-length or while streaming', async () => {
    const { url } = await start({ maxBody: 2000 });
    const big = JSON.stringify({ title: 'x', pad: 'p'.repeat(5000) });
    const r = await http(`${url}/alerts`, { body: big });
    expect([r.status, r.json().error]).toEqual([413, 'body larger than 2000 bytes']);
    const chunked = await http(`${url}/alerts`, { body: big, headers: { 'transfer-encoding': 'chunked' } });
    expect(chunked.status).toBe(413);
    const bomb = gzipSync(Buffer.alloc(1_000_000, ' ')); // small on the wire, large inflated
    const gz = await http(`${url}/alerts`, { body: bomb, headers: { 'content-encoding': 'gzip' } });
    expect([gz.status, gz.json().error]).toEqual([413, 'decoded body larger than 2000 bytes']);
    // still serving
    expect((await http(`${url}/alerts`, { body: splunk.length < 2000 ? splunk : '{"title":"t","severity":"low"}' })).status).toBe(202);
  });

  it('400 with the reason for a bad body; partly bad bodies are 202 with what was rejected; rejects kept with source and line', async () => {
    const { url } = await start();
    const empty = await http(`${url}/alerts`, { body: '' });
    expect([empty.status, empty.json().error]).toEqual([400, 'empty body: expected a JSON alert object']);
    const notAlert = await http(`${url}/alerts`, { body: '{"hello":"world"}' });
    expect([notAlert.status, notAlert.json()]).toEqual([400, { error: 'unrecognised alert format', rejected: [{ line: 1, reason: 'unrecognised alert format' }] }]);
    const wrongType = await http(`${url}/alerts/wazuh`, { body: JSON.stringify({ rule: { id: '1', level: 'high' }, agent: { id: '1' }, timestamp: '2024-01-01T00:00:00Z' }) });
    expect(wrongType.json().error).toBe('wazuh: rule.level: expected a number, got a string');
    const mixed = await http(`${url}/alerts`, { body: '{"title":"ok one","severity":"low"}\n{"title": 5\n' });
    expect(mixed.status).toBe(202);
    expect(mixed.json()).toMatchObject({ summary: { created: 1, rejected: 1 }, rejected: [{ line: 2 }] });
    await hook!.close();
    hook = undefined;
    const rejectsDir = join(dir, 'd', 'soc-ticket', 'rejects');
    const rows = readFileSync(join(rejectsDir, readdirSync(rejectsDir)[0]), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.map((r) => [r.source, r.line])).toEqual([['webhook#2', 1], ['webhook#3', 1], ['webhook#4', 2]]);
  });

  it('gzip bodies, Basic auth with the token as password, ?token=, and a log line without the query', async () => {
    ctx = makeCtx({ SOC_TICKET_WEBHOOK_TOKEN: 'tok-en' });
    const { url } = await start();
    const basic = 'Basic ' + Buffer.from('graylog:tok-en').toString('base64');
    const r = await http(`${url}/alerts`, { body: gzipSync(splunk), headers: { 'content-encoding': 'gzip', authorization: basic } });
    expect([r.status, r.json().summary.created]).toEqual([202, 1]);
    expect((await http(`${url}/alerts?token=nope`, { body: splunk })).status).toBe(401);
    expect((await http(`${url}/alerts?token=tok-en`, { body: splunk })).json().summary.duplicates).toBe(1);
    expect((await http(`${url}/healthz`)).status).toBe(200); // health needs no token
    expect(log).toMatch(/127\.0\.0\.1 POST \/alerts 401 0B \d+ms missing or wrong bearer token/);
    expect(log).not.toContain('tok-en');
  });

  it('concurrent POSTs are serialised: one ticket, the rest occurrences, none lost', async () => {
    const { url } = await start();
    const agent = new Agent({ keepAlive: true, maxSockets: 20 });
    const bodies = Array.from({ length: 60 }, (_, i) => JSON.stringify({ title: 'Same thing', severity: 'high', host: 'h1', seq: i }));
    const results = await Promise.all(bodies.map((body) => http(`${url}/alerts`, { body, agent })));
    agent.destroy();
    expect(results.every((r) => r.status === 202)).toBe(true);
    const fates = results.map((r) => r.json().tickets[0].fate);
    expect(fates.filter((f) => f === 'created')).toHaveLength(1);
    expect(fates.filter((f) => f === 'occurrence')).toHaveLength(59);
    const s = await hook!.close();
    hook = undefined;
    expect(s).toMatchObject({ created: 1, occurrences: 59 });
    const store = await ctx.store();
    expect((await store.list({}))[0].occurrences).toBe(60);
  });

  it('escape sequences in a request never reach the log raw', async () => {
    const { url } = await start();
    await http(`${url}/alerts/\u001b[2Jx`.replace('\u001b', '%1B'), { body: '{}' });
    expect(log).not.toMatch(/\u001b/);
  });
});

describe('TLS', () => {
  it('serves HTTPS with --tls-cert/--tls-key', async () => {
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    } catch {
      return; // no openssl here: nothing to test with
    }
    const { url } = await start({ tlsCert: join(dir, 'cert.pem'), tlsKey: join(dir, 'key.pem') });
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const ca = readFileSync(join(dir, 'cert.pem'));
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpsRequest(`${url}/alerts`, { method: 'POST', ca, servername: 'localhost', checkServerIdentity: () => undefined, headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      req.end(splunk);
    });
    expect(status).toBe(202);
  });

  it('refuses half a TLS configuration and missing files', async () => {
    await expect(start({ tlsCert: join(dir, 'cert.pem') })).rejects.toThrow(/--tls-cert and --tls-key go together/);
    await expect(start({ tlsCert: join(dir, 'c.pem'), tlsKey: join(dir, 'k.pem') })).rejects.toThrow(/--tls-cert .*no such file/);
    writeFileSync(join(dir, 'empty'), '\n');
    await expect(start({ tokenFile: join(dir, 'empty') })).rejects.toThrow(/is empty/);
  });
});
