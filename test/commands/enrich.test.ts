// `enrich` and `triage --enrich`, in-process on the embedded store, against a MISP-speaking server.
import { afterEach, describe, expect, it } from 'vitest';
import { sandbox, type Sandbox } from '../helpers/cli.js';
import { startStub, type Stub } from '../helpers/http-stub.js';
import { startFakeMisp, type FakeMisp } from '../helpers/fake-services.js';
import { HOSTNAME, PRIVATE_IP, PUBLIC_IP, showJson, ticketFromRealAlert, URL_SEEN } from '../helpers/real-ticket.js';

const KEY = 'misp-SECRET-key-0123456789abcdef0123456789';
const USER = 'ana';
const ESC = '\u001b';

let sb: Sandbox | undefined;
let misp: FakeMisp | undefined;
let extra: Stub | undefined;
afterEach(async () => {
  await misp?.stub.close();
  await extra?.close();
  sb?.cleanup();
  sb = misp = extra = undefined;
});

function mispEnv(url: string, key = KEY) {
  return { SOC_TICKET_MISP_URL: url, SOC_TICKET_MISP_KEY: key };
}

const KNOWN = [
  {
    value: PUBLIC_IP,
    type: 'ip-src',
    eventId: '4711',
    // Threat-intel text is third-party data: it must reach the terminal without its escapes.
    info: `Nmap scanning from bulletproof hosting ${ESC}]8;;http://evil.invalid${ESC}\\click${ESC}]8;;${ESC}\\`,
    toIds: true,
    tags: ['tlp:green', 'misp-galaxy:mitre-attack-pattern="Active Scanning - T1595"'],
  },
  { value: HOSTNAME, type: 'hostname', eventId: '4711', info: 'Nmap scanning from bulletproof hosting' },
  { value: HOSTNAME, type: 'domain', eventId: '5020', info: 'Cloud hosts seen scanning', toIds: false },
];
const AWS_LIST = 'List of known Amazon AWS hostnames';

function tsv(stdout: string) {
  const [head, ...rows] = stdout.replace(/\n$/, '').split('\n');
  return { head: head.split('\t'), rows: rows.map((r) => r.split('\t')) };
}

async function setup(opts: Parameters<typeof startFakeMisp>[0]) {
  misp = await startFakeMisp(opts);
  sb = sandbox(mispEnv(misp.stub.url));
  const id = await ticketFromRealAlert(sb, USER);
  return { sb, id };
}

describe('enrich ID', () => {
  it('looks up a real alert\'s public observables, waits out a 429, and records hits and warninglist matches', async () => {
    const { sb, id } = await setup({
      key: KEY,
      attributes: KNOWN,
      warninglists: { [HOSTNAME]: [AWS_LIST] },
      before: [
        {
          method: 'POST',
          path: '/attributes/restSearch',
          times: 1,
          reply: () => ({
            status: 429,
            headers: { 'X-Rate-Limit-Limit': '10', 'X-Rate-Limit-Remaining': '0', 'X-Rate-Limit-Reset': '1' },
            body: { name: 'Rate limit exceeded.', message: 'Rate limit exceeded.', url: '/attributes/restSearch' },
          }),
        },
      ],
    });
    const r = await sb.run(['enrich', id], { user: USER });
    expect(r.stderr).not.toMatch(/Unexpected/);
    expect(r.code).toBe(0);
    misp!.stub.assertDone();

    // What left the host: the three public values, never the private address; the key as MISP wants it.
    const searches = misp!.searches();
    expect(searches).toHaveLength(2); // the 429, then the answer
    for (const q of [...searches, ...misp!.checks()]) {
      expect(q.headers.authorization).toBe(KEY);
      expect(q.body.toString()).not.toContain(PRIVATE_IP);
    }
    expect((searches[1].json as { value: string[] }).value).toEqual([PUBLIC_IP, HOSTNAME, URL_SEEN]);
    expect(misp!.checks()[0].json).toEqual([PUBLIC_IP, HOSTNAME, URL_SEEN]);

    const { head, rows } = tsv(r.stdout);
    expect(head).toEqual(['value', 'type', 'hits', 'events', 'tags', 'to_ids', 'warninglist']);
    expect(rows.map((c) => [c[0], c[1], c[2], c[5], c[6]])).toEqual([
      [PUBLIC_IP, 'ip-src', '1', 'yes', ''],
      [HOSTNAME, 'hostname,domain', '2', 'no', AWS_LIST],
      [URL_SEEN, 'url,link', '0', '', ''],
    ]);
    expect(rows[0][3]).toMatch(/^#4711 Nmap scanning from bulletproof hosting .*click/);
    expect(rows[0][4]).toBe('tlp:green, misp-galaxy:mitre-attack-pattern="Active Scanning - T1595"');
    expect(rows[1][3]).toBe('#4711 Nmap scanning from bulletproof hosting; #5020 Cloud hosts seen scanning');
    expect(r.stdout + r.stderr).not.toContain(ESC);
    expect(r.stdout + r.stderr).not.toContain(KEY);
    expect(r.stderr).toMatch(/Enriched #\d+: 3 value\(s\) checked, 2 known to MISP, 1 on warninglists; recorded as an internal note/);

    const t = await showJson(sb, USER, id);
    const notes = t.events.filter((e: { kind: string }) => e.kind === 'enrichment');
    expect(notes).toHaveLength(1);
    expect(notes[0].actor).toBe(USER);
    expect(notes[0].comment).toMatch(/^MISP enrichment — http:\/\/127\.0\.0\.1:\d+, .*: 3 value\(s\) checked, 2 known to MISP$/m);
    expect(notes[0].comment).toMatch(new RegExp(`^${PUBLIC_IP.replace(/\./g, '\\.')}\\s+ip-src\\s+1\\s+yes\\s+#4711`, 'm'));
    expect(notes[0].comment).toContain(`On warninglists (likely benign): ${HOSTNAME}`);
    expect(notes[0].comment).not.toContain(ESC);
    expect(t.stage).toBe('new'); // enrichment is a note, not a transition

    // The human view shows the note too, without escapes.
    const shown = await sb.run(['show', id], { user: USER });
    expect(shown.stdout).toMatch(/enrichment/);
    expect(shown.stdout).not.toContain(ESC);
  });

  it('reports partial results when the rate limit persists: hits shown, the gap named, exit 3, nothing cached', async () => {
    const { sb, id } = await setup({
      key: KEY,
      attributes: KNOWN,
      before: [
        {
          method: 'POST',
          path: '/warninglists/checkValue',
          // MISP's window resets in 15 minutes: far past what an interactive command waits.
          reply: () => ({ status: 429, headers: { 'X-Rate-Limit-Reset': '900' }, body: { name: 'Rate limit exceeded.', message: 'Rate limit exceeded.' } }),
        },
      ],
    });
    const r = await sb.run(['enrich', id], { user: USER });
    expect(r.code).toBe(3);
    expect(misp!.stub.failures).toEqual([]);
    expect(misp!.checks()).toHaveLength(1); // no spinning on a wait it will not make
    const { rows } = tsv(r.stdout);
    expect(rows.map((c) => [c[0], c[2]])).toEqual([
      [PUBLIC_IP, '1+'],
      [HOSTNAME, '2+'],
      [URL_SEEN, '0+'],
    ]);
    expect(r.stderr).toMatch(/Partial result from MISP/);
    expect(r.stderr).toMatch(/warninglist check skipped: MISP rate limit \(429\) on \/warninglists\/checkValue: it asks to wait 900 s/);

    const note = (await showJson(sb, USER, id)).events.find((e: { kind: string }) => e.kind === 'enrichment');
    expect(note.comment).toMatch(/\(PARTIAL\)/);
    expect(note.comment).toMatch(/Note: warninglist check skipped/);

    // Incomplete answers are not cached: the next run asks again.
    const again = await sb.run(['enrich', id], { user: USER });
    expect(again.code).toBe(3);
    expect(misp!.searches()).toHaveLength(2);
  });

  it('serves the second run from the cache in the local store, and --refresh asks again', async () => {
    const { sb, id } = await setup({ key: KEY, attributes: KNOWN, warninglists: { [HOSTNAME]: [AWS_LIST] } });
    expect((await sb.run(['admin', 'config', 'set', 'misp.cacheTtl', '1h'], { user: USER })).code).toBe(0);

    const first = await sb.run(['enrich', id], { user: USER });
    expect(first.code).toBe(0);
    expect(misp!.stub.requests).toHaveLength(2);

    const second = await sb.run(['enrich', id], { user: USER });
    expect(second.code).toBe(0);
    expect(misp!.stub.requests).toHaveLength(2); // no request at all
    expect(second.stdout).toBe(first.stdout);
    expect(second.stderr).toMatch(/\(3 from cache\)/);
    const notes = (await showJson(sb, USER, id)).events.filter((e: { kind: string }) => e.kind === 'enrichment');
    expect(notes).toHaveLength(2);
    expect(notes[1].comment).toMatch(/cache/);

    const fresh = await sb.run(['enrich', id, '--refresh'], { user: USER });
    expect(fresh.code).toBe(0);
    expect(misp!.stub.requests).toHaveLength(4);
    expect(fresh.stderr).not.toMatch(/from cache/);
    misp!.stub.assertDone();
  });

  it('prints one JSON document with --json', async () => {
    const { sb, id } = await setup({ key: KEY, attributes: KNOWN, warninglists: { [HOSTNAME]: [AWS_LIST] } });
    const r = await sb.run(['--json', 'enrich', id], { user: USER });
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ ticket: id, partial: false, unchecked: [], errors: [] });
    expect(j.results.map((x: { value: string; hits: number; warninglists: string[] }) => [x.value, x.hits, x.warninglists])).toEqual([
      [PUBLIC_IP, 1, []],
      [HOSTNAME, 2, [AWS_LIST]],
      [URL_SEEN, 0, []],
    ]);
  });

  it('turns a 401 into a clear message naming the setting, exit 6, and records nothing', async () => {
    const { sb, id } = await setup({
      key: KEY,
      attributes: KNOWN,
      before: [{ method: 'POST', path: '/attributes/restSearch', reply: () => ({ status: 401, body: 'Unauthorized' }) }],
    });
    const r = await sb.run(['enrich', id], { user: USER });
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/MISP refused the API key \(401\): check misp\.apiKey in profile default\./);
    expect(r.stdout).toBe('');
    expect(r.stdout + r.stderr).not.toContain(KEY);
    const t = await showJson(sb, USER, id);
    expect(t.events.some((e: { kind: string }) => e.kind === 'enrichment')).toBe(false);
  });

  it('says so and asks nothing when a ticket has only private or reserved values', async () => {
    misp = await startFakeMisp({ key: KEY, attributes: KNOWN });
    sb = sandbox(mispEnv(misp.stub.url));
    const wazuh5 = (await import('node:fs')).readFileSync(
      new URL('../fixtures/alerts/wazuh/wazuh5-dashboard-sampledata_findings_system.head5.ndjson', import.meta.url),
      'utf8',
    ).split('\n')[0];
    const id = await ticketFromRealAlert(sb, USER, wazuh5);
    const r = await sb.run(['enrich', id], { user: USER });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/No public observables on #\d+ to look up/);
    expect(misp.stub.requests).toHaveLength(0);
  });

  it('names misp.ca when the CA file it names cannot be read', async () => {
    misp = await startFakeMisp({ key: KEY, attributes: KNOWN });
    sb = sandbox(mispEnv(misp.stub.url));
    const id = await ticketFromRealAlert(sb, USER);
    expect((await sb.run(['admin', 'config', 'set', 'misp.ca', `${sb.home}/lab-ca.pem`], { user: USER })).code).toBe(0);
    const r = await sb.run(['enrich', id], { user: USER });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/misp\.ca names .*lab-ca\.pem, which cannot be read \(no such file\)/);
    expect(misp.stub.requests).toHaveLength(0);
  });

  it('refuses an unset misp.url as a usage error', async () => {
    sb = sandbox();
    const id = await ticketFromRealAlert(sb, USER);
    const r = await sb.run(['enrich', id], { user: USER });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/MISP URL is not set/);
    expect(r.stderr).toMatch(/misp\.url/);
  });
});

describe('triage --enrich', () => {
  const TRIAGE = ['--severity', 'high', '--category', 'recon', '--verdict', 'true-positive', '--enrich'];

  it('records the enrichment and triages; --json stays one document', async () => {
    const { sb, id } = await setup({ key: KEY, attributes: KNOWN, warninglists: { [HOSTNAME]: [AWS_LIST] } });
    const r = await sb.run(['--json', 'triage', id, ...TRIAGE], { user: USER });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ number: id, stage: 'triaged', severity: 'high' });
    expect(r.stderr).toMatch(/Enriched #/);
    const t = await showJson(sb, USER, id);
    expect(t.events.map((e: { kind: string }) => e.kind)).toEqual(['created', 'enrichment', 'transition']);
  });

  it('goes on with a warning when MISP is down (exit 0)', async () => {
    const dead = await startStub([]);
    const url = dead.url;
    await dead.close();
    sb = sandbox(mispEnv(url));
    const id = await ticketFromRealAlert(sb, USER);
    const r = await sb.run(['triage', id, ...TRIAGE], { user: USER });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/MISP enrichment skipped: MISP at http:\/\/127\.0\.0\.1:\d+ refused the connection/);
    expect(r.stderr).toMatch(new RegExp(`Triaged #${id}`));
    const t = await showJson(sb, USER, id);
    expect(t.stage).toBe('triaged');
    expect(t.events.some((e: { kind: string }) => e.kind === 'enrichment')).toBe(false);
  });

  it('goes on with a warning when MISP does not answer within misp.timeout', async () => {
    extra = await startStub([{ method: 'POST', path: '/attributes/restSearch', reply: () => ({ status: 200, hang: true }) }]);
    sb = sandbox(mispEnv(extra.url));
    const id = await ticketFromRealAlert(sb, USER);
    expect((await sb.run(['admin', 'config', 'set', 'misp.timeout', '1s'], { user: USER })).code).toBe(0);
    const r = await sb.run(['triage', id, ...TRIAGE], { user: USER });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/MISP enrichment skipped: MISP at http:\/\/127\.0\.0\.1:\d+ did not answer within 1 s\./);
    expect((await showJson(sb, USER, id)).stage).toBe('triaged');
  });

  it('goes on with a warning when MISP refuses the key', async () => {
    const { sb, id } = await setup({ key: 'the-right-key', attributes: KNOWN });
    const r = await sb.run(['triage', id, ...TRIAGE], { user: USER });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/MISP enrichment skipped: MISP refused the API key \(403\): check misp\.apiKey/);
    expect(r.stdout + r.stderr).not.toContain(KEY);
    expect((await showJson(sb, USER, id)).stage).toBe('triaged');
  });

  it('stops before writing anything when MISP is not configured (exit 2)', async () => {
    sb = sandbox();
    const id = await ticketFromRealAlert(sb, USER);
    const r = await sb.run(['triage', id, ...TRIAGE], { user: USER });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/MISP URL is not set/);
    expect((await showJson(sb, USER, id)).stage).toBe('new');
  });
});
