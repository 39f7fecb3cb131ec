// Evidence on notes and resolutions: files (`--attach`) and Kibana reports (`--kibana-report`),
// in-process on the embedded store; Kibana is a local server speaking its reporting API.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, writeFileSync, ftruncateSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sandbox, type Sandbox } from '../helpers/cli.js';
import { startStub, type Stub, type StubRoute } from '../helpers/http-stub.js';
import { NMAP_LINE, showJson, ticketFromRealAlert } from '../helpers/real-ticket.js';

const USER = 'ana';
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const GENERATE = JSON.parse(readFileSync(new URL('../fixtures/kibana/generate.response.json', import.meta.url), 'utf8'));
const JOB_FAILED = readFileSync(new URL('../fixtures/kibana/job-failed.response.json', import.meta.url));
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('IHDR fake screenshot body')]);
const PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Title (SOC overview) >> endobj\ntrailer << >>\n%%EOF\n');
const KIBANA_PASSWORD = 'kibana-SECRET-pass-42';
const KIBANA_KEY = 'a2liYW5hLWFwaS1rZXk6U0VDUkVU';
const POST_PATH =
  '/api/reporting/generate/printablePdfV2?jobParams=%28browserTimezone%3AUTC%2Clayout%3A%28id%3Apreserve_layout%29%2CobjectType%3Adashboard%2Ctitle%3A%27SOC%20overview%27%2Cversion%3A%278.15.0%27%29';
const CSV_POST_PATH =
  '/api/reporting/generate/csv_searchsource?jobParams=%28browserTimezone%3AUTC%2CobjectType%3Asearch%2Ctitle%3A%27Nmap%20hits%27%2Cversion%3A%278.15.0%27%29';
const ESC = '\u001b';

let sb: Sandbox | undefined;
let kibana: Stub | undefined;
afterEach(async () => {
  await kibana?.close();
  sb?.cleanup();
  sb = kibana = undefined;
});

function file(name: string, data: Buffer | string): string {
  const p = join(sb!.home, name);
  writeFileSync(p, data);
  return p;
}

/** A file that says it is `size` bytes without taking the disk space. */
function sparse(name: string, size: number): string {
  const p = join(sb!.home, name);
  const fd = openSync(p, 'w');
  ftruncateSync(fd, size);
  closeSync(fd);
  return p;
}

async function ok(args: string[]) {
  const r = await sb!.run(args, { user: USER });
  if (r.code !== 0) throw new Error(`${args.join(' ')} → ${r.code}: ${r.stderr}`);
  return r;
}

/** A ticket from the real alert, triaged and assigned to USER (ready for resolve). */
async function assignedTicket(): Promise<string> {
  const id = await ticketFromRealAlert(sb!, USER);
  await ok(['triage', id, '--severity', 'high', '--category', 'recon', '--verdict', 'true-positive']);
  await ok(['assign', id, '--to', 'me']);
  return id;
}

const jobPath = GENERATE.path as string;

/** Kibana: queue → `pending` twice (Retry-After 30 as Kibana sends) → the file. */
function kibanaRoutes(opts: { auth: string; postPath?: string; final: () => ReturnType<StubRoute['reply']> }): StubRoute[] {
  const authed = (h: Record<string, unknown>) => h.authorization === opts.auth && h['kbn-xsrf'] !== undefined;
  return [
    {
      method: 'POST',
      path: (opts.postPath ?? POST_PATH).split('?')[0],
      times: 1,
      reply: (req) => {
        if (!authed(req.headers)) return { status: 401, body: { statusCode: 401, error: 'Unauthorized', message: 'Unauthorized' } };
        if (!req.query.get('jobParams')) return { status: 400, body: { statusCode: 400, error: 'Bad Request', message: 'A jobParams RISON string is required' } };
        return { status: 200, body: GENERATE };
      },
    },
    ...['pending', 'processing'].map(
      (status): StubRoute => ({
        method: 'GET',
        path: jobPath,
        times: 1,
        reply: (req) => (authed(req.headers) ? { status: 503, headers: { 'retry-after': '30', 'content-type': 'text/plain' }, body: status } : { status: 401, body: 'no' }),
      }),
    ),
    { method: 'GET', path: jobPath, times: 1, reply: (req) => (authed(req.headers) ? opts.final() : { status: 401, body: 'no' }) },
  ];
}

describe('--attach', () => {
  it('note --attach: MIME from content, size and sha256 in the note and in show', async () => {
    sb = sandbox();
    const id = await ticketFromRealAlert(sb, USER);
    const log = Buffer.from('Aug 12 18:30:00 web01 sshd[812]: Invalid user admin from 85.255.233.2 port 14874\n');
    const shot = file('screenshot.txt', PNG); // a PNG whatever its name says
    const r = await ok(['note', id, '-m', 'EDR log and a screenshot', '--attach', file('edr.log', log), '--attach', shot]);
    expect(r.stderr).toMatch(/with 2 attachment\(s\)/);

    const t = await showJson(sb, USER, id);
    const note = t.events.find((e: { kind: string }) => e.kind === 'note');
    expect(note.comment).toContain(`Evidence: edr.log (text/plain, ${log.length} B) sha256:${sha(log)}`);
    expect(note.comment).toContain(`Evidence: screenshot.txt (image/png, ${PNG.length} B) sha256:${sha(PNG)}`);
    expect(note.attachments).toEqual([
      { name: 'edr.log', mime: 'text/plain', size: log.length, sha256: sha(log) },
      { name: 'screenshot.txt', mime: 'image/png', size: PNG.length, sha256: sha(PNG) },
    ]);

    const shown = await sb.run(['show', id], { user: USER });
    expect(shown.stdout).toContain(`edr.log  text/plain  ${log.length} B  sha256:${sha(log)}`);
    expect(shown.stdout).toContain(`screenshot.txt  image/png  ${PNG.length} B  sha256:${sha(PNG)}`);
  });

  it('resolve --attach records the evidence with the resolution', async () => {
    sb = sandbox();
    const id = await assignedTicket();
    const pcap = Buffer.concat([Buffer.from([0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0]), Buffer.alloc(16)]);
    await ok(['resolve', id, '--summary', 'Scanner blocked at the edge', '--attach', file('scan.pcap', pcap)]);
    const t = await showJson(sb, USER, id);
    expect(t.stage).toBe('resolved');
    const resolved = t.events.find((e: { to?: string }) => e.to === 'resolved');
    expect(resolved.attachments).toEqual([{ name: 'scan.pcap', mime: 'application/vnd.tcpdump.pcap', size: pcap.length, sha256: sha(pcap) }]);
    expect(resolved.comment).toContain(`sha256:${sha(pcap)}`);
    const shown = await sb.run(['show', id], { user: USER });
    expect(shown.stdout).toContain(`scan.pcap  application/vnd.tcpdump.pcap  ${pcap.length} B  sha256:${sha(pcap)}`);
  });

  it('sanitises attacker-controlled names and raw alerts before the terminal', async () => {
    sb = sandbox();
    // A real alert whose signature carries 8-bit CSI and a bidi override (legal unescaped in JSON).
    const tampered = JSON.parse(NMAP_LINE);
    tampered.alert.signature = 'ET SCAN Nmap\u009b2J\u202eevil\u202c Scripting Engine';
    const id = await ticketFromRealAlert(sb, USER, JSON.stringify(tampered));
    const name = `report${ESC}]0;pwned\u0007${ESC}[2J.log`;
    await ok(['note', id, '-m', 'odd file name', '--attach', file(name, 'plain text\n')]);

    const shown = await sb.run(['show', id, '--raw'], { user: USER });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('report.log');
    expect(shown.stdout).toMatch(/--- alert-suricata\.json/);
    expect(shown.stdout).toContain('"signature":"ET SCAN Nmapevil Scripting Engine"'); // the CSI sequence goes as a whole
    expect(shown.stdout).not.toMatch(/[\u001b\u0007\u009b\u202e\u202c]/);
    // Stored as given: the sanitising is for the terminal, not the record.
    const t = await showJson(sb, USER, id);
    expect(t.attachments.map((a: { name: string }) => a.name)).toContain(name);
  });

  it('refuses a file over the backend limit before anything is written, naming the limit', async () => {
    sb = sandbox();
    const id = await assignedTicket();
    const before = (await showJson(sb, USER, id)).events.length;
    const big = sparse('capture.pcap', 50 * 1024 * 1024 + 1);

    const n = await sb.run(['note', id, '-m', 'full capture', '--attach', file('small.log', 'ok\n'), '--attach', big], { user: USER });
    expect(n.code).toBe(2);
    expect(n.stderr).toMatch(/capture\.pcap is 50 MB \(52428801 bytes\); this backend accepts at most 50 MB \(52428800 bytes\) per file\./);

    const r = await sb.run(['resolve', id, '--summary', 'done', '--attach', sparse('huge.pcap', 60 * 1024 * 1024)], { user: USER });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/huge\.pcap is 60 MB; this backend accepts at most 50 MB per file\./);

    const t = await showJson(sb, USER, id);
    expect(t.events.length).toBe(before);
    expect(t.stage).toBe('assigned');
    expect(t.attachments.map((a: { name: string }) => a.name)).toEqual(['alert-suricata.json']);
  });

  it('names a missing file', async () => {
    sb = sandbox();
    const id = await ticketFromRealAlert(sb, USER);
    const r = await sb.run(['note', id, '-m', 'x', '--attach', join(sb.home, 'nope.log')], { user: USER });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nope\.log: no such file/);
  });
});

describe('--kibana-report', () => {
  async function withKibana(routes: StubRoute[], env: Record<string, string> = {}) {
    kibana = await startStub(routes);
    sb = sandbox({ SOC_TICKET_KIBANA_PASSWORD: KIBANA_PASSWORD, ...env });
    await ok(['admin', 'config', 'set', 'kibana.username', 'soc-reports']);
    await ok(['admin', 'config', 'set', 'kibana.pollInterval', '0.01s']);
    return kibana;
  }
  const BASIC = `Basic ${Buffer.from(`soc-reports:${KIBANA_PASSWORD}`).toString('base64')}`;

  it('note: queues the job, polls through pending, downloads the PDF and attaches it', async () => {
    await withKibana(
      kibanaRoutes({
        auth: BASIC,
        final: () => ({ status: 200, headers: { 'content-type': 'application/pdf', 'content-disposition': 'inline; filename="SOC overview.pdf"' }, body: PDF }),
      }),
    );
    const id = await ticketFromRealAlert(sb!, USER);
    const r = await sb!.run(['note', id, '-m', 'Dashboard at the time of the scan', '--kibana-report', kibana!.url + POST_PATH], { user: USER });
    expect(r.stderr).not.toMatch(/Unexpected/);
    expect(r.code).toBe(0);
    kibana!.assertDone();
    expect(kibana!.requests.map((q) => `${q.method} ${q.path}`)).toEqual([
      'POST /api/reporting/generate/printablePdfV2',
      `GET ${jobPath}`,
      `GET ${jobPath}`,
      `GET ${jobPath}`,
    ]);
    expect(kibana!.requests[0].query.get('jobParams')).toMatch(/^\(browserTimezone:UTC/);
    expect(r.stderr).toMatch(/Kibana report ready: SOC overview\.pdf/);
    expect(r.stdout + r.stderr).not.toContain(KIBANA_PASSWORD);

    const t = await showJson(sb!, USER, id);
    const note = t.events.find((e: { kind: string }) => e.kind === 'note');
    expect(note.attachments).toEqual([{ name: 'SOC overview.pdf', mime: 'application/pdf', size: PDF.length, sha256: sha(PDF) }]);
    const shown = await sb!.run(['show', id], { user: USER });
    expect(shown.stdout).toContain(`SOC overview.pdf  application/pdf  ${PDF.length} B  sha256:${sha(PDF)}`);
  });

  it('resolve: a CSV report with an API key, next to a file', async () => {
    const csv = Buffer.from('"@timestamp","source.ip","url.original"\n"2025-08-12T18:30:00.579Z","85.255.233.2","/robots.txt"\n');
    await withKibana(
      kibanaRoutes({
        auth: `ApiKey ${KIBANA_KEY}`,
        postPath: CSV_POST_PATH,
        final: () => ({ status: 200, headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': "attachment; filename*=UTF-8''Nmap%20hits.csv" }, body: csv }),
      }),
      { SOC_TICKET_KIBANA_API_KEY: KIBANA_KEY },
    );
    const id = await assignedTicket();
    const r = await sb!.run(['resolve', id, '--summary', 'Blocked', '--attach', file('fw.log', 'deny 85.255.233.2\n'), '--kibana-report', kibana!.url + CSV_POST_PATH], { user: USER });
    expect(r.code).toBe(0);
    kibana!.assertDone();
    const t = await showJson(sb!, USER, id);
    expect(t.stage).toBe('resolved');
    const resolved = t.events.find((e: { to?: string }) => e.to === 'resolved');
    expect(resolved.attachments.map((a: { name: string; mime: string }) => [a.name, a.mime])).toEqual([
      ['fw.log', 'text/plain'],
      ['Nmap hits.csv', 'text/csv'],
    ]);
    expect(resolved.comment).toContain(`Evidence: Nmap hits.csv (text/csv, ${csv.length} B) sha256:${sha(csv)}`);
    expect(r.stdout + r.stderr).not.toContain(KIBANA_KEY);
  });

  it('a failed job: Kibana\'s reason, exit 6, nothing written', async () => {
    await withKibana(kibanaRoutes({ auth: BASIC, final: () => ({ status: 500, body: JOB_FAILED, headers: { 'content-type': 'application/json' } }) }));
    const id = await ticketFromRealAlert(sb!, USER);
    const before = (await showJson(sb!, USER, id)).events.length;
    const r = await sb!.run(['note', id, '-m', 'dashboard', '--kibana-report', kibana!.url + POST_PATH], { user: USER });
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(
      /Kibana could not generate the report: Reporting generation failed: ReportingError\(code: queue_timeout_error\) "Max attempts reached \(1\)\. Queue timeout reached\."/,
    );
    kibana!.assertDone();
    expect((await showJson(sb!, USER, id)).events.length).toBe(before);
  });

  it('refuses a report larger than the backend accepts, naming the limit, and writes nothing', async () => {
    await withKibana(
      kibanaRoutes({
        auth: BASIC,
        // No Content-Length: the size is only known while reading, and reading stops at the limit.
        final: () => ({ status: 200, headers: { 'content-type': 'application/pdf' }, stream: { chunk: Buffer.alloc(1024 * 1024, 0x25), count: 52 } }),
      }),
    );
    const id = await ticketFromRealAlert(sb!, USER);
    const r = await sb!.run(['note', id, '-m', 'dashboard', '--kibana-report', kibana!.url + POST_PATH], { user: USER });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/The Kibana report is larger than 50 MB, the most this backend accepts per file\./);
    expect((await showJson(sb!, USER, id)).events.filter((e: { kind: string }) => e.kind === 'note')).toHaveLength(0);
  });

  it('names the settings when no Kibana credentials are configured, before any request', async () => {
    kibana = await startStub([]);
    sb = sandbox();
    const id = await ticketFromRealAlert(sb, USER);
    const r = await sb.run(['note', id, '-m', 'x', '--kibana-report', kibana.url + POST_PATH], { user: USER });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/No Kibana credentials in profile default: set kibana\.apiKey, or kibana\.username and kibana\.password\./);
    expect(kibana.requests).toHaveLength(0);
  });

  it('sends the credentials only to the profile\'s Kibana', async () => {
    kibana = await startStub([]);
    sb = sandbox({ SOC_TICKET_KIBANA_API_KEY: KIBANA_KEY });
    const id = await ticketFromRealAlert(sb, USER);
    // Plain http to another host: refused without kibana.url naming it.
    const clear = await sb.run(['note', id, '-m', 'x', '--kibana-report', 'http://kibana.example.org:5601' + POST_PATH], { user: USER });
    expect(clear.code).toBe(2);
    expect(clear.stderr).toMatch(/plain http to a non-loopback host/);
    expect(clear.stderr).toMatch(/kibana\.url/);
    // With kibana.url set, another origin is refused, even the loopback one.
    await ok(['admin', 'config', 'set', 'kibana.url', 'https://kibana.soc.example.org/']);
    const other = await sb.run(['note', id, '-m', 'x', '--kibana-report', kibana.url + POST_PATH], { user: USER });
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/--kibana-report points at http:\/\/127\.0\.0\.1:\d+, not at the Kibana of profile default \(https:\/\/kibana\.soc\.example\.org\)/);
    expect(kibana.requests).toHaveLength(0);
    expect((await showJson(sb, USER, id)).events).toHaveLength(1);
  });

  it('refuses a URL that is not a reporting POST URL', async () => {
    sb = sandbox({ SOC_TICKET_KIBANA_API_KEY: KIBANA_KEY });
    const id = await ticketFromRealAlert(sb, USER);
    const r = await sb.run(['note', id, '-m', 'x', '--kibana-report', 'https://kibana.example.org/app/dashboards#/view/abc'], { user: USER });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a Kibana reporting POST URL/);
  });
});
