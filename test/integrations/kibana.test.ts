import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { BackendError, UsageError } from '../../src/errors.js';
import { filenameFromDisposition, generateReport, type KibanaProgress } from '../../src/integrations/kibana.js';
import { startStub, type Stub } from '../helpers/http-stub.js';

const fx = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/kibana/${name}`, import.meta.url), 'utf8'));
const GENERATED = fx('generate.response.json');
const FAILED = fx('job-failed.response.json');
const JOB_PATH: string = GENERATED.path;
const GEN_PATH = '/api/reporting/generate/printablePdfV2';
const JOB_PARAMS = "(browserTimezone:UTC,layout:(id:preserve_layout),objectType:dashboard,title:'SOC overview',version:'8.15.0')";
const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1'), Buffer.alloc(2048, 0x41), Buffer.from('\n%%EOF\n')]);

let stub: Stub | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

function postUrl(base: string) {
  return `${base}${GEN_PATH}?jobParams=${encodeURIComponent(JOB_PARAMS)}`;
}

function fakeClock() {
  let t = 1_000_000;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
    sleeps,
  };
}

describe('generateReport', () => {
  it('queues, polls through pending answers, downloads, and names the file', async () => {
    stub = await startStub([
      { method: 'POST', path: GEN_PATH, reply: () => ({ status: 200, body: GENERATED }), times: 1 },
      { method: 'GET', path: JOB_PATH, reply: () => ({ status: 503, headers: { 'retry-after': '30', 'content-type': 'text/plain' }, body: 'pending' }), times: 1 },
      { method: 'GET', path: JOB_PATH, reply: () => ({ status: 503, headers: { 'content-type': 'text/plain' }, body: 'processing' }), times: 1 },
      {
        method: 'GET',
        path: JOB_PATH,
        reply: () => ({
          status: 200,
          headers: { 'content-type': 'application/pdf', 'content-disposition': 'inline; filename="SOC overview.pdf"' },
          body: PDF,
        }),
        times: 1,
      },
    ]);
    const clock = fakeClock();
    const progress: KibanaProgress[] = [];
    const report = await generateReport({
      postUrl: postUrl(stub.url),
      auth: { type: 'basic', username: 'soc-reports', password: 'pa55:word' },
      timeoutMs: 2000,
      pollIntervalMs: 2000,
      maxWaitMs: 60_000,
      onProgress: (p) => progress.push(p),
      ...clock,
    });
    stub.assertDone();

    expect(report.filename).toBe('SOC overview.pdf');
    expect(report.mime).toBe('application/pdf');
    expect(report.data.equals(PDF)).toBe(true);

    const [post, ...polls] = stub.requests;
    expect(post.method).toBe('POST');
    expect(post.query.get('jobParams')).toBe(JOB_PARAMS);
    expect(post.headers['kbn-xsrf']).toBe('soc-ticket');
    expect(post.headers.authorization).toBe(`Basic ${Buffer.from('soc-reports:pa55:word').toString('base64')}`);
    expect(polls.map((p) => p.headers.authorization)).toEqual(Array(3).fill(post.headers.authorization));

    // Retry-After 30 honoured (within the 30 s cap); without it, the poll interval.
    expect(clock.sleeps).toEqual([30_000, 2000]);
    expect(progress.map((p) => [p.phase, p.status])).toEqual([
      ['queued', undefined],
      ['pending', 'pending'],
      ['pending', 'processing'],
      ['done', undefined],
    ]);
  });

  it('sends an API key as "ApiKey <key>"', async () => {
    stub = await startStub([
      { method: 'POST', path: GEN_PATH, reply: () => ({ status: 200, body: GENERATED }) },
      { method: 'GET', path: JOB_PATH, reply: () => ({ status: 200, headers: { 'content-type': 'text/csv; charset=utf-8' }, body: 'a,b\n1,2\n' }) },
    ]);
    const r = await generateReport({ postUrl: postUrl(stub.url), auth: { type: 'apikey', key: 'VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==' }, ...fakeClock() });
    stub.assertDone();
    expect(stub.requests.every((q) => q.headers.authorization === 'ApiKey VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==')).toBe(true);
    expect(r).toMatchObject({ filename: 'kibana-report.csv', mime: 'text/csv' });
    expect(r.data.toString()).toBe('a,b\n1,2\n');
  });

  it('reports a failed job with Kibana\'s message', async () => {
    stub = await startStub([
      { method: 'POST', path: GEN_PATH, reply: () => ({ status: 200, body: GENERATED }), times: 1 },
      { method: 'GET', path: JOB_PATH, reply: () => ({ status: 503, headers: { 'retry-after': '30' }, body: 'processing' }), times: 1 },
      { method: 'GET', path: JOB_PATH, reply: () => ({ status: 500, body: FAILED }), times: 1 },
    ]);
    const err = await generateReport({ postUrl: postUrl(stub.url), auth: { type: 'basic', username: 'u', password: 'p' }, pollIntervalMs: 10, ...fakeClock() }).catch(
      (e: unknown) => e,
    );
    stub.assertDone();
    expect(err).toBeInstanceOf(BackendError);
    expect((err as Error).message).toBe(
      'Kibana could not generate the report: Reporting generation failed: ReportingError(code: queue_timeout_error) "Max attempts reached (1). Queue timeout reached."',
    );
  });

  it('gives up after maxWaitMs with the last status', async () => {
    stub = await startStub([
      { method: 'POST', path: GEN_PATH, reply: () => ({ status: 200, body: GENERATED }) },
      { method: 'GET', path: JOB_PATH, reply: () => ({ status: 503, headers: { 'retry-after': '30' }, body: 'processing' }) },
    ]);
    const clock = fakeClock();
    const err = await generateReport({
      postUrl: postUrl(stub.url),
      auth: { type: 'basic', username: 'u', password: 'p' },
      pollIntervalMs: 5000,
      maxWaitMs: 70_000,
      ...clock,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect((err as Error).message).toBe('The Kibana report was not ready after 70 s (status: processing).');
    expect(clock.sleeps).toEqual([30_000, 30_000, 10_000]); // the last wait clipped to the deadline
    expect(stub.failures).toEqual([]);
  });

  it('turns 401 on the POST into a credentials message', async () => {
    stub = await startStub([
      {
        method: 'POST',
        path: GEN_PATH,
        reply: () => ({ status: 401, body: { statusCode: 401, error: 'Unauthorized', message: '[security_exception] unable to authenticate user' } }),
      },
    ]);
    await expect(
      generateReport({ postUrl: postUrl(stub.url), auth: { type: 'basic', username: 'u', password: 'wrong' }, ...fakeClock() }),
    ).rejects.toThrow(/^Kibana refused the credentials \(401\): check kibana.username \/ kibana.password\.$/);
    expect(stub.requests).toHaveLength(1);
  });

  it('refuses a download path on another origin (credentials stay home)', async () => {
    stub = await startStub([{ method: 'POST', path: GEN_PATH, reply: () => ({ status: 200, body: { path: '//evil.example.org/steal' } }) }]);
    await expect(
      generateReport({ postUrl: postUrl(stub.url), auth: { type: 'basic', username: 'u', password: 'p' }, ...fakeClock() }),
    ).rejects.toThrow(/another origin/);
    expect(stub.requests).toHaveLength(1);
  });

  it('rejects a URL that is not a reporting POST URL before any request', async () => {
    await expect(
      generateReport({ postUrl: 'http://127.0.0.1:9/app/dashboards#/view/1', auth: { type: 'basic', username: 'u', password: 'p' } }),
    ).rejects.toBeInstanceOf(UsageError);
  });
});

describe('filenameFromDisposition', () => {
  it('prefers filename*, strips paths and control characters', () => {
    expect(filenameFromDisposition('inline; filename="report.pdf"')).toBe('report.pdf');
    expect(filenameFromDisposition("attachment; filename=\"x.pdf\"; filename*=UTF-8''Rapport%20%C3%A9t%C3%A9.pdf")).toBe('Rapport été.pdf');
    expect(filenameFromDisposition('inline; filename="../../etc/passwd"')).toBe('passwd');
    expect(filenameFromDisposition('inline; filename="a\u001b[2Jb.csv"')).toBe('a[2Jb.csv');
    expect(filenameFromDisposition('inline')).toBeUndefined();
    expect(filenameFromDisposition(undefined)).toBeUndefined();
  });
});
