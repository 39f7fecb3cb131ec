// The built binary, as users would run it: a bot piping alerts in, analysts and leads walking
// tickets through the five steps, refusals with their exit codes, concurrent writers, Ctrl-C.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ROOT, runBin, startBin, tempHome, type Home } from '../helpers/e2e.js';

let home: Home;
const as = (user: string, args: string[], input?: string) => runBin(args, home, input, { SOC_TICKET_USER: user });
const sample = (f: string) => readFileSync(join(ROOT, 'samples', f), 'utf8');

beforeAll(() => {
  home = tempHome();
  const roles = join(home.dir, 'etc', 'roles.json');
  home.env.SOC_TICKET_ROLES_FILE = roles;
  mkdirSync(dirname(roles), { recursive: true });
  writeFileSync(roles, JSON.stringify({ users: { siem: 'bot', ana: 'analyst', bob: 'analyst', lena: 'lead', leo: 'lead' }, teams: {} }));
});
afterAll(() => home.cleanup());

describe('a bot, an analyst and a lead', () => {
  it('the bot pipes alerts of three formats into stdin and gets JSON back', async () => {
    const input = sample('alerts.ndjson') + sample('suricata-eve.ndjson') + sample('wazuh-alerts.json');
    const r = await as('siem', ['ingest', '--json'], input);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.summary.created).toBeGreaterThanOrEqual(6);
    expect(out.summary.occurrences).toBe(1);
    expect(out.summary.skipped).toBe(1); // the EVE flow event
    expect(r.stderr).toContain('created');
  });

  it('walks a ticket through triage, assignment, resolution and closure', async () => {
    expect((await as('siem', ['triage', '1', '--severity', 'high', '--category', 'malware', '--verdict', 'true-positive'])).code).toBe(4);
    const t = await as('ana', ['triage', '1', '--severity', 'high', '--category', 'malware', '--verdict', 'true-positive', '--note', 'EDR confirms']);
    expect(t.code).toBe(0);
    expect(t.stdout.split('\n')[1].split('\t').slice(0, 3)).toEqual(['1', 'triaged', 'high']);

    expect((await as('ana', ['assign', '1', '--to', 'bob'])).code).toBe(4);
    expect((await as('lena', ['assign', '1', '--to', 'bob'])).code).toBe(0);
    expect((await as('ana', ['resolve', '1', '--summary', 'x'])).code).toBe(4);
    const noSummary = await as('bob', ['resolve', '1']);
    expect(noSummary.code).toBe(2);
    expect(noSummary.stderr).toContain('Missing --summary');
    expect((await as('bob', ['resolve', '1', '--summary', 'Host isolated, C2 blocked'])).code).toBe(0);
    expect((await as('bob', ['close', '1', '--yes'])).code).toBe(4);
    const notResolved = await as('lena', ['close', '2', '--yes']);
    expect(notResolved.code).toBe(5);
    expect(notResolved.stderr).toContain('soc-ticket triage 2');
    const close = await as('lena', ['close', '1', '--yes', '--json']);
    expect(close.code).toBe(0);
    expect(JSON.parse(close.stdout).results[0]).toMatchObject({ id: '1', action: 'closed' });

    const show = await as('ana', ['show', '1']);
    expect(show.stdout).toMatch(/siem {2}new/);
    for (const s of ['ana  new → triaged', 'lena  triaged → assigned', 'bob  assigned → resolved', 'lena  resolved → closed']) expect(show.stdout).toContain(s);
  });

  it('pipes list into close', async () => {
    for (const id of ['2', '3']) {
      await as('ana', ['triage', id, '--severity', 'low', '--category', 'recon', '--verdict', 'false-positive']);
      expect((await as('ana', ['resolve', id, '--summary', 'scanner'])).code).toBe(0);
    }
    const list = await as('lena', ['list', '--stage', 'resolved']);
    expect(list.stdout.split('\n')[0].startsWith('id\t')).toBe(true);
    const r = await as('lena', ['close', '-', '--yes', '--json'], list.stdout);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).closed).toBe(2);
  });

  it('--version and --help work without a store', async () => {
    const v = await as('nobody', ['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const h = await as('nobody', ['--help']);
    expect(h.stdout).toContain('Examples:');
    expect(h.stdout).toContain('Exit codes');
  });
});

describe('concurrent writers', () => {
  it('two ingests at once lose nothing', async () => {
    const batch = (tag: string) =>
      Array.from({ length: 300 }, (_, i) => JSON.stringify({ title: `${tag} ${i}`, severity: 'low', dedup_key: `${tag}-${i}` })).join('\n');
    const before = JSON.parse((await as('lena', ['list', '--all', '--limit', '100000', '--json'])).stdout).length;
    const [a, b] = await Promise.all([as('siem', ['ingest'], batch('alpha')), as('siem', ['ingest'], batch('beta'))]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const after = JSON.parse((await as('lena', ['list', '--all', '--limit', '100000', '--json'])).stdout);
    expect(after.length - before).toBe(600);
  });

  it('two leads closing the same ticket: one closes it, the other is told', async () => {
    await as('ana', ['triage', '4', '--severity', 'low', '--category', 'recon', '--verdict', 'benign']);
    await as('ana', ['resolve', '4', '--summary', 'benign']);
    const [a, b] = await Promise.all([as('lena', ['close', '4', '--yes']), as('leo', ['close', '4', '--yes'])]);
    expect([a.code, b.code].sort()).toEqual([0, 5]);
    const show = JSON.parse((await as('ana', ['show', '4', '--json'])).stdout);
    expect(show.events.filter((e: { to?: string }) => e.to === 'closed')).toHaveLength(1);
  });
});

describe('interruption', () => {
  it('Ctrl-C exits 130 with a word and no stack trace', async () => {
    const run = startBin(['ingest', '-'], home, { SOC_TICKET_USER: 'siem' });
    await new Promise((r) => setTimeout(r, 500)); // waiting on stdin
    run.child.kill('SIGINT');
    const { code } = await run.exited;
    expect(code).toBe(130);
    expect(run.stderr()).toContain('Interrupted');
    expect(run.stderr()).not.toMatch(/\n\s+at /);
  });
});
