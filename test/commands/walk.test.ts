// The five steps, in-process with injected streams, as a bot, two analysts and two leads,
// with the refusals each of them meets on the way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sandbox, type Sandbox } from '../helpers/cli.js';

const SAMPLES = join(__dirname, '..', '..', 'samples', 'alerts.ndjson');
let sb: Sandbox;

function writeRoles(sb: Sandbox) {
  const path = sb.env.SOC_TICKET_ROLES_FILE;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(
    path,
    JSON.stringify({
      users: { siem: 'bot', ana: 'analyst', bob: 'analyst', lena: 'lead', leo: 'lead' },
      teams: { tier2: ['bob'] },
    }),
  );
}

const json = (s: string) => JSON.parse(s);

beforeAll(() => {
  sb = sandbox();
  writeRoles(sb);
});
afterAll(() => sb.cleanup());

describe('five steps on the embedded store', () => {
  it('1. the bot ingests; TSV on stdout, summary on stderr', async () => {
    const r = await sb.run(['ingest', SAMPLES], { user: 'siem' });
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('id\tfate');
    expect(lines.slice(1).every((l) => /^\d+\t(created|occurrence)$/.test(l))).toBe(true);
    expect(r.stderr).toMatch(/\d+ created, 1 occurrences/);
  });

  it('the bot may do nothing else', async () => {
    const r = await sb.run(['list'], { user: 'siem' });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('siem has role bot, which may not read tickets');
    expect(r.stdout).toBe('');
  });

  it('an unknown user is refused and told who can add them', async () => {
    const r = await sb.run(['list'], { user: 'mallory' });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('mallory is not in the role file');
    expect(r.stderr).toContain('admin users add mallory');
  });

  it('2. an analyst lists the new queue and triages', async () => {
    const list = await sb.run(['list', '--stage', 'new', '--json'], { user: 'ana' });
    expect(list.code).toBe(0);
    const tickets = json(list.stdout);
    expect(tickets.length).toBeGreaterThan(2);
    expect(tickets.every((t: { stage: string }) => t.stage === 'new')).toBe(true);

    const missing = await sb.run(['triage', '1', '--severity', 'high'], { user: 'ana' });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('Missing --category, --verdict: there is no terminal to ask');

    const ok = await sb.run(['triage', '1', '--severity', 'high', '--category', 'malware', '--verdict', 'true-positive', '--json'], { user: 'ana' });
    expect(ok.code).toBe(0);
    expect(json(ok.stdout)).toMatchObject({ id: 1, stage: 'triaged', severity: 'high', verdict: 'true-positive', triagedBy: 'ana' });
  });

  it('3. an analyst may claim but not hand out; a lead hands out to a team', async () => {
    const handOut = await sb.run(['assign', '1', '--to', 'bob'], { user: 'ana' });
    expect(handOut.code).toBe(4);
    expect(handOut.stderr).toContain('may not assign tickets to others');

    const claim = await sb.run(['assign', '1', '--to', 'me', '--json'], { user: 'ana' });
    expect(claim.code).toBe(0);
    expect(json(claim.stdout)).toMatchObject({ stage: 'assigned', assignee: 'ana' });

    const steal = await sb.run(['assign', '1', '--to', 'me'], { user: 'bob' });
    expect(steal.code).toBe(4);
    expect(steal.stderr).toContain('already assigned to ana');

    await sb.run(['triage', '2', '--severity', 'normal', '--category', 'phishing', '--verdict', 'true-positive'], { user: 'bob' });
    const team = await sb.run(['assign', '2', '--to', 'team:tier2', '--json'], { user: 'lena' });
    expect(team.code).toBe(0);
    expect(json(team.stdout).assignee).toBe('team:tier2');
  });

  it('4. only the assignee (or their team) resolves, with a summary', async () => {
    const other = await sb.run(['resolve', '1', '--summary', 'x'], { user: 'bob' });
    expect(other.code).toBe(4);

    const noSummary = await sb.run(['resolve', '1'], { user: 'ana' });
    expect(noSummary.code).toBe(2);
    expect(noSummary.stderr).toContain('Missing --summary');

    const ok = await sb.run(['resolve', '1', '--summary', 'Host isolated; beacon domain sinkholed.', '--json'], { user: 'ana' });
    expect(ok.code).toBe(0);
    expect(json(ok.stdout)).toMatchObject({ stage: 'resolved', resolvedBy: 'ana', summary: 'Host isolated; beacon domain sinkholed.' });

    const viaTeam = await sb.run(['resolve', '2', '--summary', 'Mail purged from all mailboxes.'], { user: 'bob' });
    expect(viaTeam.code).toBe(0);
  });

  it('5. analysts cannot approve; a lead closes, in bulk, with a per-ticket result', async () => {
    const analyst = await sb.run(['close', '1', '--yes'], { user: 'ana' });
    expect(analyst.code).toBe(4);

    const noYes = await sb.run(['close', '1'], { user: 'lena' });
    expect(noYes.code).toBe(2);
    expect(noYes.stderr).toContain('--yes');

    const r = await sb.run(['close', '1', '2', '3', '--yes'], { user: 'lena' });
    expect(r.code).toBe(3); // 3 is still new: refused, the others proceed
    const rows = r.stdout.trim().split('\n').map((l) => l.split('\t'));
    expect(rows[0]).toEqual(['id', 'result', 'detail']);
    expect(rows.slice(1).map((x) => [x[0], x[1]])).toEqual([
      ['1', 'closed'],
      ['2', 'closed'],
      ['3', 'refused'],
    ]);
    expect(rows[3][2]).toContain('is new; close needs it to be resolved');
  });

  it('show prints the audit trail: who, when, from → to, comment', async () => {
    const r = await sb.run(['show', '1'], { user: 'ana' });
    expect(r.code).toBe(0);
    for (const step of ['new → triaged', 'triaged → assigned', 'assigned → resolved', 'resolved → closed']) expect(r.stdout).toContain(step);
    expect(r.stdout).toContain('Closure approved by lena.');
    expect(r.stdout).toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z {2}lena/);
    const j = json((await sb.run(['show', '1', '--json'], { user: 'ana' })).stdout);
    const transitions = j.events.filter((e: { kind: string }) => e.kind !== 'occurrence');
    expect(transitions.map((e: { actor: string; to: string }) => `${e.actor}:${e.to}`)).toEqual([
      'siem:new',
      'ana:triaged',
      'ana:assigned',
      'ana:resolved',
      'lena:closed',
    ]);
    expect(j.occurrences).toBe(2); // the sample repeats its first alert
  });

  it('reopen needs a lead and a reason, and goes back to the resolver', async () => {
    expect((await sb.run(['reopen', '1', '--reason', 'beacon again'], { user: 'ana' })).code).toBe(4);
    expect((await sb.run(['reopen', '1'], { user: 'lena' })).code).toBe(2);
    const r = await sb.run(['reopen', '1', '--reason', 'beacon seen again', '--json'], { user: 'lena' });
    expect(r.code).toBe(0);
    expect(json(r.stdout)).toMatchObject({ stage: 'assigned', assignee: 'ana' });
  });

  it('four eyes: a lead cannot approve what they resolved, unless overridden with a reason', async () => {
    await sb.run(['triage', '4', '--severity', 'low', '--category', 'recon', '--verdict', 'benign'], { user: 'lena' });
    expect((await sb.run(['resolve', '4', '--summary', 'Authorised scan.'], { user: 'lena' })).code).toBe(0);
    const own = await sb.run(['close', '4', '--yes'], { user: 'lena' });
    expect(own.code).toBe(4);
    expect(own.stdout).toContain('Four eyes');
    const over = await sb.run(['close', '4', '--yes', '--override-four-eyes', '--reason', 'only lead on shift', '--json'], { user: 'lena' });
    expect(over.code).toBe(0);
    expect(json(over.stdout).results[0].ticket.stage).toBe('closed');
    const shown = await sb.run(['show', '4'], { user: 'leo' });
    expect(shown.stdout).toContain('Four-eyes override: only lead on shift');
  });

  it('a stage refusal carries exit 5 and the command that would fix it', async () => {
    const r = await sb.run(['resolve', '3', '--summary', 'x'], { user: 'lena' });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('Ticket 3 is new');
    expect(r.stderr).toContain('soc-ticket triage 3');
  });

  it('close --all-resolved --dry-run changes nothing', async () => {
    expect((await sb.run(['triage', '3', '--severity', 'low', '--category', 'recon', '--verdict', 'false-positive'], { user: 'bob' })).code).toBe(0);
    expect((await sb.run(['resolve', '3', '--summary', 'Vuln scanner.'], { user: 'bob' })).code).toBe(0);
    const dry = await sb.run(['close', '--all-resolved', '--dry-run', '--json'], { user: 'lena' });
    expect(dry.code).toBe(0);
    expect(json(dry.stdout).results.map((r: { id: string; action: string }) => [r.id, r.action])).toEqual([['3', 'would-close']]);
    const after = json((await sb.run(['show', '3', '--json'], { user: 'lena' })).stdout);
    expect(after.stage).toBe('resolved');
  });

  it('reads ticket ids from stdin with -', async () => {
    const r = await sb.run(['close', '-', '--yes', '--json'], { user: 'leo', stdin: 'id\tstage\n3\tresolved\n' });
    expect(r.code).toBe(0);
    expect(json(r.stdout).closed).toBe(1);
  });
});

describe('usage errors', () => {
  it('an unknown flag is exit 2 with commander’s message', async () => {
    const r = await sb.run(['list', '--colour'], { user: 'ana' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--colour'");
  });

  it('a bad --limit names the flag', async () => {
    const r = await sb.run(['list', '--limit', 'lots'], { user: 'ana' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--limit must be a whole number');
  });

  it('an unknown ticket says so', async () => {
    const r = await sb.run(['show', '999'], { user: 'ana' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('No ticket 999');
  });
});
